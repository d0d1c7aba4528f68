// Browser tests of files: attaching with the paperclip (the file chooser) and by pasting an
// image, the chip with its progress bar and cancel, a file over the server's limit shown with
// that limit, sending, and the other user (on a 360 px phone) seeing the image preview, opening
// the lightbox and closing it with Escape, and a PDF as a card that downloads under its name; an
// image the server gives no preview (its header claims 20000×20000 pixels) as a card too.
// Against the real server (with a small files.max_bytes); see harness.mjs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { login, openAs, openChannel, screenshot, startStack, until, watchPage } from "./harness.mjs";

const T = { timeout: 120_000 };
const MAX_BYTES = 64 * 1024;
let stack;
let channel;
let aliceApi;
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

/**
 * A valid PNG of one colour, so the server recognises it and measures it. With `claimed`, the
 * header says that size instead (a tiny file claiming to be a huge image).
 */
function png(width, height, [r, g, b], claimed = { width, height }) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(claimed.width, 0);
  header.writeUInt32BE(claimed.height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

/** Attaches through the paperclip button and the file chooser it opens. */
async function attachWithButton(page, files, scope = ".composer:not(.thread-composer)") {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.locator(`${scope} .attach-button`).click()]);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles(files);
}

/** Holds uploads until `release()` is called, so the progress bar can be seen. */
async function holdUploads(page) {
  const held = [];
  let waiting = true;
  await page.route("**/api/v1/files", async (route) => {
    if (route.request().method() !== "POST" || !waiting) return route.continue();
    await new Promise((resolve) => held.push(resolve));
    await route.continue().catch(() => undefined);
  });
  return {
    count: () => held.length,
    async release() {
      waiting = false;
      for (const resolve of held.splice(0)) resolve();
      await page.unroute("**/api/v1/files");
    },
  };
}

const lastMessage = (page) => page.locator(".message-scroller .message[data-message-id]").last();

describe("files in a real browser", () => {
  before(async () => {
    stack = await startStack({ config: `[files]\nmax_bytes = ${MAX_BYTES}\n` });
    const { api } = stack;
    for (const [username, name] of [["alice", "Alícia Puig"], ["bob", "Bernat Soler"]]) {
      await api.createUser(username, name);
    }
    const alice = await api.as("alice");
    aliceApi = alice;
    const bob = await api.as("bob");
    channel = await alice.call("POST", "/api/v1/channels", { name: "fitxers", kind: "public" });
    await bob.call("POST", `/api/v1/channels/${channel.id}/join`);
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("attaches by button and by paste, shows progress and errors, sends; a phone sees previews, the lightbox and a PDF card", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob", { viewport: { width: 360, height: 740 } });
    // What bob's page reads of files: the thumbnail for the preview, the whole file in the lightbox.
    const bobFileReads = [];
    bob.page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith("/api/v1/files/")) bobFileReads.push(path);
    });
    await openChannel(alice.page, "fitxers");
    await openChannel(bob.page, "fitxers");
    const page = alice.page;
    const send = page.locator(".composer:not(.thread-composer) .send-button");
    assert.equal(await send.isDisabled(), true, "nothing to send yet");

    // The paperclip: a chip with its progress bar while the upload is held, Send waiting for it.
    const hold = await holdUploads(page);
    await attachWithButton(page, [{ name: "plànol façana.png", mimeType: "image/png", buffer: png(300, 200, [30, 120, 200]) }]);
    const chip = page.locator(".upload-chip").filter({ hasText: "plànol façana.png" });
    await chip.locator("progress.upload-progress").waitFor();
    await page.locator("#composer-input").fill("Aquí teniu el plànol");
    assert.equal(await send.isDisabled(), true, "Send waits for the upload");
    // A second file, cancelled while uploading: it goes.
    await attachWithButton(page, [{ name: "cancel·lat.png", mimeType: "image/png", buffer: png(10, 10, [0, 0, 0]) }]);
    const cancelled = page.locator(".upload-chip").filter({ hasText: "cancel·lat.png" });
    await cancelled.waitFor();
    await until("both uploads reached the network", async () => hold.count() >= 2);
    await screenshot(page, "files-composer-desktop");
    await cancelled.getByRole("button", { name: "Cancel·la la pujada de cancel·lat.png" }).click();
    await cancelled.waitFor({ state: "detached" });
    await hold.release();
    await until("the upload finished", async () => (await chip.getAttribute("data-state")) === "done");
    assert.equal(await send.isDisabled(), false);

    // Over the server's limit: the chip says so, with the limit, and is removed by hand.
    await attachWithButton(page, [{ name: "massa gran.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(MAX_BYTES + 4096, 7) }]);
    const big = page.locator(".upload-chip").filter({ hasText: "massa gran.bin" });
    await until("the too-large error shows", async () => (await big.getAttribute("data-state")) === "failed");
    assert.match(await big.locator(".upload-error").innerText(), /Massa gran: el límit és 64\s?kB/);
    await big.getByRole("button", { name: "Treu massa gran.bin" }).click();
    await big.waitFor({ state: "detached" });

    await page.locator("#composer-input").press("Enter");
    await page.locator(".upload-chip").first().waitFor({ state: "detached" });
    await until("alice's message is sent with its image", async () => (await lastMessage(page).locator(".file-image img").count()) === 1);

    // Bob, on a phone: the preview (the thumbnail, a blob: URL read with the token), its box reserved.
    const bobMessage = bob.page.locator(".message[data-message-id]").filter({ hasText: "Aquí teniu el plànol" });
    const preview = bobMessage.locator(".file-image");
    await preview.waitFor();
    await until("bob's preview loads", async () =>
      preview.locator("img").evaluate((img) => img.complete && img.naturalWidth === 300 && img.src.startsWith("blob:")).catch(() => false),
    );
    const box = await preview.boundingBox();
    assert.ok(box.width <= 360 && Math.abs(box.width / box.height - 1.5) < 0.05, `the box keeps the image's shape: ${JSON.stringify(box)}`);
    assert.ok(bobFileReads.length > 0 && bobFileReads.every((p) => p.endsWith("/thumbnail")), `only the thumbnail is read: ${bobFileReads}`);
    await screenshot(bob.page, "files-phone");

    // The lightbox, at 360 px: the whole image, its name, download and close; Escape closes it.
    await preview.click();
    const lightbox = bob.page.locator("dialog.lightbox[open]");
    await lightbox.waitFor();
    await until("the full image shows", async () => lightbox.locator(".lightbox-image").evaluate((img) => img.complete && img.naturalWidth === 300).catch(() => false));
    assert.ok(bobFileReads.some((p) => !p.endsWith("/thumbnail")), `the lightbox reads the whole file: ${bobFileReads}`);
    assert.equal(await lightbox.locator(".lightbox-name").innerText(), "plànol façana.png");
    const lbBox = await lightbox.boundingBox();
    assert.ok(lbBox.width <= 360 && lbBox.x >= 0, `the lightbox fits the phone: ${JSON.stringify(lbBox)}`);
    assert.ok(await lightbox.getByRole("button", { name: "Baixa plànol façana.png" }).isVisible());
    await screenshot(bob.page, "files-lightbox-phone");
    await bob.page.keyboard.press("Escape");
    await lightbox.waitFor({ state: "detached" });
    await lightbox.waitFor({ state: "detached" });
    // And the close button.
    await preview.click();
    await lightbox.waitFor();
    await lightbox.getByRole("button", { name: "Tanca la imatge" }).click();
    await lightbox.waitFor({ state: "detached" });

    // Paste: an image on the clipboard becomes an attachment; sent without text.
    const pasted = png(64, 48, [200, 60, 40]).toString("base64");
    await page.locator("#composer-input").evaluate((textarea, b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "captura.png", { type: "image/png" }));
      textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, pasted);
    const pastedChip = page.locator(".upload-chip").filter({ hasText: "captura.png" });
    await until("the pasted image uploaded", async () => (await pastedChip.getAttribute("data-state")) === "done");
    assert.equal(await page.locator("#composer-input").inputValue(), "");
    await send.click();
    await pastedChip.waitFor({ state: "detached" });
    await until("bob sees the pasted image", async () =>
      lastMessage(bob.page).locator(".file-image img").evaluate((img) => img.naturalWidth === 64).catch(() => false),
    );

    // A PDF: a card with its size; the download keeps the original name.
    await attachWithButton(page, [{ name: "pressupost 2026.pdf", mimeType: "application/pdf", buffer: PDF }]);
    await until("the PDF uploaded", async () => (await page.locator(".upload-chip").getAttribute("data-state")) === "done");
    await page.locator("#composer-input").fill("El pressupost");
    await page.locator("#composer-input").press("Enter");
    const card = bob.page.locator(".message[data-message-id]").filter({ hasText: "El pressupost" }).locator(".file-card");
    await card.waitFor();
    assert.match(await card.getAttribute("class"), /file-pdf/);
    assert.equal(await card.locator(".file-name").innerText(), "pressupost 2026.pdf");
    assert.match(await card.locator(".file-size").innerText(), /^\d+ bytes$/);
    const [download] = await Promise.all([
      bob.page.waitForEvent("download"),
      card.getByRole("button", { name: "Baixa pressupost 2026.pdf" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "pressupost 2026.pdf");
    const saved = await download.path();
    assert.ok(saved, "the download completed");

    await alice.context.close();
    await bob.context.close();
  });

  it("shows an image the server gives no preview as a file card with its name and size, that downloads", T, async () => {
    // A few dozen bytes whose header claims 20000×20000 pixels: over the server's limit for previews.
    const bytes = png(1, 1, [0, 0, 0], { width: 20_000, height: 20_000 });
    const uploaded = [];
    const alice = await open("alice");
    const bob = await open("bob");
    const bobFileReads = [];
    bob.page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith("/api/v1/files/")) bobFileReads.push(path);
    });
    alice.page.on("response", async (response) => {
      if (new URL(response.url()).pathname === "/api/v1/files" && response.request().method() === "POST") uploaded.push(await response.json());
    });
    await openChannel(alice.page, "fitxers");
    await openChannel(bob.page, "fitxers");
    await attachWithButton(alice.page, [{ name: "plànol gegant.png", mimeType: "image/png", buffer: bytes }]);
    await until("uploaded", async () => (await alice.page.locator(".upload-chip").getAttribute("data-state")) === "done");
    // The server measured nothing: no width and height, so no preview.
    await until("the upload's answer read", async () => uploaded.length === 1);
    assert.equal(uploaded[0].content_type, "image/png");
    assert.equal(uploaded[0].width, undefined);
    assert.equal(uploaded[0].height, undefined);
    await alice.page.locator("#composer-input").fill("El plànol sencer");
    await alice.page.locator("#composer-input").press("Enter");

    const message = bob.page.locator(".message[data-message-id]").filter({ hasText: "El plànol sencer" });
    const card = message.locator(".file-card");
    await card.waitFor();
    assert.equal(await card.locator(".file-name").innerText(), "plànol gegant.png");
    assert.equal(await card.locator(".file-size").innerText(), `${bytes.length} bytes`);
    // A card of an image (its icon says IMG), not a preview (a button.file-image) or an <img>.
    assert.match(await card.getAttribute("class"), /\bfile-image\b/);
    assert.equal(await card.locator(".file-icon-label").textContent(), "IMG");
    assert.equal(await message.locator(".file-images, button.file-image, img").count(), 0, "no preview, no broken image");
    const readsOfIt = () => bobFileReads.filter((path) => path.startsWith(`/api/v1/files/${uploaded[0].id}`));
    assert.deepEqual(readsOfIt(), [], "nothing of it read before the download is asked for (no thumbnail)");
    const [download] = await Promise.all([bob.page.waitForEvent("download"), card.getByRole("button", { name: "Baixa plànol gegant.png" }).click()]);
    assert.equal(download.suggestedFilename(), "plànol gegant.png");
    assert.deepEqual(readFileSync(await download.path()), bytes, "the file as it was uploaded");
    assert.deepEqual(readsOfIt(), [`/api/v1/files/${uploaded[0].id}`]);
    await alice.context.close();
    await bob.context.close();
  });

  it("attaches files dropped on the channel, and in a thread's composer too", T, async () => {
    const alice = await open("alice");
    await openChannel(alice.page, "fitxers");
    const page = alice.page;

    // Dropped on the channel: the overlay while dragging, then a chip in the channel's composer.
    const b64 = png(16, 16, [10, 10, 10]).toString("base64");
    await page.locator("main.main").evaluate((main, data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], "arrossegat.png", { type: "image/png" }));
      main.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      window.__dropTransfer = transfer;
    }, b64);
    await page.locator(".drop-overlay").waitFor();
    await page.locator("main.main").evaluate((main) => {
      main.dispatchEvent(new DragEvent("drop", { dataTransfer: window.__dropTransfer, bubbles: true, cancelable: true }));
    });
    await page.locator(".drop-overlay").waitFor({ state: "detached" });
    const dropped = page.locator(".composer:not(.thread-composer) .upload-chip").filter({ hasText: "arrossegat.png" });
    await until("the dropped file uploaded", async () => (await dropped.getAttribute("data-state")) === "done");
    await dropped.getByRole("button", { name: "Treu arrossegat.png" }).click();
    await dropped.waitFor({ state: "detached" });
    // Its own root, so this test does not depend on the one before.
    await aliceApi.call("POST", `/api/v1/channels/${channel.id}/messages`, { body: "Fotos de la reunió" });
    const root = page.locator(".message-scroller .message[data-message-id]").filter({ hasText: "Fotos de la reunió" });
    await root.waitFor();
    await root.hover();
    await root.getByRole("button", { name: "Més opcions del missatge" }).click();
    await page.getByRole("menuitem", { name: "Respon en un fil" }).click();
    const panel = page.locator(".thread-panel");
    await panel.waitFor();
    await attachWithButton(page, [{ name: "resposta.png", mimeType: "image/png", buffer: png(20, 20, [0, 160, 0]) }], ".thread-composer");
    const chip = panel.locator(".upload-chip").filter({ hasText: "resposta.png" });
    await until("the reply's file uploaded", async () => (await chip.getAttribute("data-state")) === "done");
    await panel.locator(".send-button").click();
    await until("the reply shows its image", async () =>
      panel.locator(".message[data-message-id] .file-image img").evaluate((img) => img.naturalWidth === 20).catch(() => false),
    );
    await alice.context.close();
  });

  it("takes files shared from another app (the share target) and asks where to post them", T, async () => {
    // Service workers on, as in the installed app (the other tests block them).
    const context = await stack.browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ca-ES" });
    const page = await context.newPage();
    allProblems.push(watchPage(page, stack.webUrl));
    await page.goto(stack.webUrl + "/?e2e");
    await login(page, "bob");
    await until("the service worker controls the page", async () => page.evaluate(() => !!navigator.serviceWorker?.controller));
    const manifest = await (await fetch(stack.webUrl + "/manifest.webmanifest")).json();
    assert.equal(manifest.share_target.action, "/share-target");
    assert.equal(manifest.share_target.enctype, "multipart/form-data");

    // What Android does on "Share": a multipart POST to the action, here from a form.
    await page.evaluate(() => {
      const form = document.createElement("form");
      form.method = "POST";
      form.action = "/share-target";
      form.enctype = "multipart/form-data";
      form.id = "share-form";
      for (const [name, value] of [["title", "Obra nova"], ["text", "Fotos de la visita"]]) {
        const input = document.createElement("input");
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      const files = document.createElement("input");
      files.type = "file";
      files.name = "files";
      files.multiple = true;
      form.appendChild(files);
      document.body.appendChild(form);
    });
    await page.locator("#share-form input[type=file]").setInputFiles([
      { name: "visita.png", mimeType: "image/png", buffer: png(40, 30, [90, 90, 20]) },
      { name: "acta.pdf", mimeType: "application/pdf", buffer: PDF },
    ]);
    await Promise.all([page.waitForURL((url) => url.searchParams.has("share")), page.evaluate(() => document.getElementById("share-form").submit())]);
    const dialog = page.locator("dialog.dialog[open]");
    await dialog.waitFor({ timeout: 20_000 });
    assert.match(await dialog.locator(".share-summary").innerText(), /2 fitxers/);
    await dialog.locator('.pick-button[data-channel="fitxers"]').click();
    await dialog.waitFor({ state: "detached" });
    await page.locator(".channel-title-text").filter({ hasText: "fitxers" }).waitFor();
    assert.ok(!page.url().includes("share"), "the address no longer asks to share");
    await until("both shared files uploaded", async () => {
      const states = await page.locator(".upload-chip").evaluateAll((chips) => chips.map((c) => c.dataset.state));
      return states.length === 2 && states.every((s) => s === "done");
    });
    assert.equal(await page.locator("#composer-input").inputValue(), "Obra nova\nFotos de la visita");
    await page.locator("#composer-input").press("Enter");
    const sent = page.locator(".message[data-message-id]").filter({ hasText: "Fotos de la visita" });
    await until("the shared files are posted", async () => (await sent.locator(".file-card.file-pdf").count()) === 1 && (await sent.locator(".file-image").count()) === 1);
    await context.close();
  });
});
