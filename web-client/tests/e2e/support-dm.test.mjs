// Browser tests of talking to `@suport` in its DM, against the real server: a message written
// while the requester has an open ticket gets a question (which request is it for?) whose
// ticket button turns it into a comment, seen live by the team in the card's thread and in the
// queue; resolving from the card asks the requester for a rating, whose 👍 becomes a thank-you,
// while the card's buttons follow the ticket; and a screenshot sent to the bot opens a request
// with it, shown on the card and on the queue's ticket page, where the team attaches files to a
// comment and to an internal note. Same setup as support.test.mjs; skips against a server
// without the desk or without files on tickets.
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { openAs, screenshot, startStack, until } from "./harness.mjs";

const T = { timeout: 180_000 };
const REQUEST = "La impressora de la 2a planta no imprimeix";
const FOLLOW_UP = "Encara no imprimeix: ara diu que no té paper";
const SCREENSHOT_REQUEST = "Em surt aquest error en obrir el correu";
let stack;
let deskMissing = null;
let ticChannelId;
const people = {};
const allProblems = [];
/** Sessions shared by the tests, in order: the requester, the team in #tic, the team in the queue. */
const s = {};

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

/**
 * A PNG that looks a little like a screenshot: a title bar, a window and a red error box. Valid,
 * so the server recognises it, measures it and makes a thumbnail.
 */
function screenshotPng(width = 480, height = 300) {
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
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const pixel = (x, y) => {
    if (y < 28) return [45, 55, 72];
    const inBox = x > width * 0.2 && x < width * 0.8 && y > height * 0.35 && y < height * 0.7;
    if (inBox) return y < height * 0.35 + 24 ? [200, 40, 40] : [255, 235, 235];
    return (y - 28) % 40 < 4 && x > 24 && x < width - 24 ? [210, 214, 220] : [246, 247, 249];
  };
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = [0];
    for (let x = 0; x < width; x++) row.push(...pixel(x, y));
    rows.push(Buffer.from(row));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

/** Opens a channel from the sidebar and waits for its title. */
async function openChannel(page, item, title) {
  await item.waitFor({ timeout: 10_000 });
  await item.click();
  await page.locator(".channel-title-text").filter({ hasText: title }).waitFor();
}

const botDm = (page) => page.locator(".channel-item").filter({ hasText: "Suport TIC" });
/** Messages of the open channel's timeline (not of the thread panel). */
const timeline = (page) => page.locator(".message-scroller .message[data-message-id]");
const byId = (page, id) => page.locator(`.message-scroller .message[data-message-id="${id}"]`);
const buttonLabels = (message) => message.locator(".message-actions button").allInnerTexts();

/** Field values of a card, by title. */
async function fields(card) {
  const cells = card.locator(".field-cell");
  const out = {};
  for (let i = 0; i < (await cells.count()); i++) {
    out[(await cells.nth(i).locator(".field-title").innerText()).trim()] = (await cells.nth(i).locator(".field-value").innerText()).trim();
  }
  return out;
}

/** The labels of a message's buttons as the server has them now. */
async function serverLabels(api, channelId, messageId) {
  const page = await api.call("GET", `/api/v1/channels/${channelId}/messages?limit=100`);
  const message = page.messages.find((m) => m.id === messageId);
  return (message?.extras?.actions ?? []).map((a) => a.label);
}

/** Opens the queue from the sidebar. */
async function openQueue(page) {
  const entry = page.locator('[data-testid="queue-open"]');
  await entry.waitFor({ timeout: 10_000 });
  await entry.click();
  await page.locator('[data-testid="queue-area"]').waitFor({ timeout: 10_000 });
}

async function openTicket(page, number) {
  await page.locator(`[data-testid="queue-table"] tr[data-ticket="${number}"] .queue-open-ticket`).click();
  await page.locator('[data-testid="queue-ticket"] h2').filter({ hasText: `#${number} ·` }).waitFor({ timeout: 10_000 });
}

/** Attaches through a paperclip button and the file chooser it opens. */
async function attachWithButton(page, button, files) {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), button.click()]);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles(files);
}

/** Whether an <img> has decoded (its bytes were read with the token into an object URL). */
const loaded = (img) => img.evaluate((el) => el.complete && el.naturalWidth > 0).catch(() => false);

async function settle(page) {
  await page.mouse.move(5, 5);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

describe("talking to @suport in its DM", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    let tic;
    try {
      tic = await api.call("POST", "/api/v1/departments", { slug: "tic", name: "Informàtica (TIC)" });
    } catch (e) {
      deskMissing = `could not create the department (${e.message.slice(0, 80)})`;
      return;
    }
    people.tecnic = await api.createUser("tecnic", "Teresa Tècnica", { department_ids: [tic.id] });
    people.anna = await api.createUser("anna", "Anna Soler");
    for (const name of Object.keys(people)) people[name].api = await api.as(name);
    const general = await people.anna.api.call("POST", "/api/v1/channels", { name: "general", kind: "public" });
    await people.tecnic.api.call("POST", `/api/v1/channels/${general.id}/join`, {});
    const me = await people.tecnic.api.call("GET", "/api/v1/me");
    if (me.support_team !== true) {
      deskMissing = "GET /api/v1/me has no support_team: this server binary predates it";
      return;
    }
    const channels = await people.tecnic.api.call("GET", "/api/v1/channels");
    ticChannelId = (Array.isArray(channels) ? channels : channels.channels).find((c) => c.name === "tic").id;
    people.t1 = await people.anna.api.call("POST", "/api/v1/tickets", { description: REQUEST });
  });

  after(async () => {
    await stack?.close();
  });

  it("a new DM message while a ticket is open asks which request; its button makes it a comment, live in the card's thread and the queue", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    s.anna = await open("anna");
    s.tech = await open("tecnic");
    s.queue = await open("tecnic");
    const number = people.t1.number;

    // The team: the card's thread open in #tic, and the ticket open in the queue.
    const tech = s.tech.page;
    await openChannel(tech, tech.locator('.channel-item[data-channel="tic"]'), "tic");
    const card = timeline(tech).filter({ hasText: `#${number} · ${REQUEST}` });
    await card.waitFor({ timeout: 10_000 });
    await card.hover();
    await card.getByRole("button", { name: "Més opcions del missatge" }).click();
    await tech.getByRole("menuitem", { name: "Respon en un fil" }).click();
    const panel = tech.locator(".thread-panel");
    await panel.waitFor();
    // The card is the thread's root, drawn as in the channel.
    await panel.locator(".thread-root .att-title").filter({ hasText: `#${number} · ${REQUEST}` }).waitFor();
    await openQueue(s.queue.page);
    await openTicket(s.queue.page, number);
    assert.equal(await s.queue.page.locator('[data-testid="ticket-history"] li[data-kind="comment"]').count(), 0);

    // The requester writes to the bot in its DM, as to a person.
    const page = s.anna.page;
    await openChannel(page, botDm(page), "Suport TIC");
    await page.locator(".message").filter({ hasText: `He obert el tiquet #${number}` }).waitFor({ timeout: 10_000 });
    await page.locator("#composer-input").fill(FOLLOW_UP);
    await page.locator("#composer-input").press("Enter");
    const question = timeline(page).filter({ hasText: "Tens peticions obertes" }).last();
    await question.waitFor({ timeout: 10_000 });
    const [ticketButton, ...rest] = await buttonLabels(question);
    // The ticket's button names it by number and title (the server shortens a long title).
    const prefix = `Comentari a #${number}: `;
    assert.ok(ticketButton.startsWith(prefix) && REQUEST.startsWith(ticketButton.slice(prefix.length).replace(/…$/, "")), ticketButton);
    assert.deepEqual(rest, ["És una petició nova", "Les meves peticions"]);
    assert.deepEqual(await question.locator(".message-actions button").evaluateAll((els) => els.map((e) => e.dataset.action)), [`comment_on_${number}`, "open", "mine"]);
    await settle(page);
    await screenshot(page, "support-dm-question");

    // A click on the ticket's button: the question becomes a confirmation, without buttons.
    const questionId = await question.getAttribute("data-message-id");
    await question.locator(`[data-action="comment_on_${number}"]`).click();
    const answered = byId(page, questionId);
    await until("the question says it was added", async () => /Afegit com a comentari al tiquet #\d+/.test(await answered.innerText()));
    assert.match(await answered.innerText(), new RegExp(`tiquet #${number}\\b`));
    await until("the question has no buttons left", async () => (await answered.locator(".message-actions button").count()) === 0);

    // The team sees it live: in the card's thread, relayed by the bot, and in the queue's history.
    const relayed = panel.locator(".message").filter({ hasText: FOLLOW_UP });
    await relayed.waitFor({ timeout: 10_000 });
    assert.match(await relayed.innerText(), /Anna Soler/);
    assert.match(await relayed.innerText(), /sol·licitant/);
    const comment = s.queue.page.locator('[data-testid="ticket-history"] li[data-kind="comment"]').filter({ hasText: FOLLOW_UP });
    await comment.waitFor({ timeout: 10_000 });
    assert.match(await comment.innerText(), /Anna Soler/);
    // And the requester's DM confirms it with the usual comment line.
    await timeline(page).filter({ hasText: `Comentari de Anna Soler al tiquet #${number}` }).waitFor({ timeout: 10_000 });
    await tech.locator(".thread-close").click();
  });

  it("resolving from the card asks the requester for a rating; 👍 becomes a thank-you; the card's buttons follow the ticket", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    const number = people.t1.number;
    const tech = s.tech.page;
    const card = timeline(tech).filter({ hasText: `#${number} · ${REQUEST}` });
    const cardId = await card.getAttribute("data-message-id");
    const api = people.tecnic.api;
    /** The card shows exactly the buttons the server has on it now. */
    const buttonsMatchServer = async () => {
      const [shown, sent] = [await buttonLabels(card), await serverLabels(api, ticChannelId, cardId)];
      return JSON.stringify(shown) === JSON.stringify(sent) && shown;
    };

    // Open and unassigned: "assign to me" is offered.
    assert.ok((await until("the open card's buttons", buttonsMatchServer)).includes("Assigna-me-la"));
    await card.getByRole("button", { name: "Assigna-me-la" }).click();
    await until("the card shows the assignee", async () => (await fields(card))["Assignat a"] === "Teresa Tècnica");
    const assigned = await until("the assigned card's buttons", async () => {
      const labels = await buttonsMatchServer();
      return labels && !labels.includes("Assigna-me-la") && labels;
    });
    assert.ok(assigned.includes("Resolta"));

    // Resolved from the card.
    await card.getByRole("button", { name: "Resolta" }).click();
    await until("the card shows it resolved", async () => (await fields(card)).Estat === "resolt");
    const resolved = await until("the resolved card's buttons", async () => {
      const labels = await buttonsMatchServer();
      return labels && !labels.includes("Resolta") && labels;
    });
    assert.ok(!resolved.includes("Assigna-me-la"), `no "assign to me" once assigned: ${JSON.stringify(resolved)}`);
    assert.equal(await card.locator(".attachment").getAttribute("data-color"), "good");

    // The requester, in the DM: the change, then the question with its two buttons.
    const page = s.anna.page;
    await timeline(page).filter({ hasText: `El tiquet #${number} ara és resolt` }).waitFor({ timeout: 10_000 });
    const rating = timeline(page).filter({ hasText: `Com ha anat la resolució del tiquet #${number}` }).last();
    await rating.waitFor({ timeout: 10_000 });
    assert.deepEqual(await buttonLabels(rating), ["👍 Bé", "👎 No gaire"]);
    await settle(page);
    await screenshot(page, "support-satisfaction");
    const ratingId = await rating.getAttribute("data-message-id");
    await rating.locator('[data-action="rate_up"]').click();
    const thanked = byId(page, ratingId);
    await until("the question becomes a thank-you", async () => /Gràcies per la teva valoració/.test(await thanked.innerText()));
    assert.match(await thanked.innerText(), /👍/);
    await until("the thank-you has no buttons", async () => (await thanked.locator(".message-actions button").count()) === 0);
    await settle(page);
    await screenshot(page, "support-satisfaction-thanks");

    // The queue's page shows the new status live (the card changed), and the rating once
    // reloaded: a rating changes nothing the team's sockets see (no card edit, no thread line).
    const queue = s.queue.page;
    await until("the queue shows it resolved", async () => (await queue.locator('[data-testid="ticket-status"]').inputValue()) === "resolved");
    await queue.locator('[data-testid="queue-back"]').click();
    await openTicket(queue, number);
    await queue.locator('[data-testid="ticket-history"] li[data-kind="rating"]').filter({ hasText: "👍" }).waitFor({ timeout: 10_000 });
    const ticket = await api.call("GET", `/api/v1/tickets/${number}`);
    assert.deepEqual(ticket.history.filter((e) => e.kind === "rating").map((e) => e.detail), ["up"]);
  });

  it("a screenshot sent to @suport opens a request with it; the team sees it on the card and in the queue, and attaches files to a comment and a note", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    const page = s.anna.page;
    const tech = s.tech.page;
    const queue = s.queue.page;

    // The requester attaches the screenshot with the paperclip and writes what happens.
    await attachWithButton(page, page.locator(".composer:not(.thread-composer) .attach-button"), [{ name: "error-correu.png", mimeType: "image/png", buffer: screenshotPng() }]);
    await page.locator('.composer .upload-chip[data-state="done"]').waitFor({ timeout: 10_000 });
    await page.locator("#composer-input").fill(SCREENSHOT_REQUEST);
    await page.locator("#composer-input").press("Enter");
    const sent = timeline(page).filter({ hasText: SCREENSHOT_REQUEST }).last();
    await until("the sent message shows the image", async () => loaded(sent.locator(".file-image img")));

    // Ticket #1 is resolved, not closed: the bot asks; "a new request" opens one with the file.
    const offer = timeline(page).filter({ has: page.locator('[data-action="open"]') }).last();
    await offer.waitFor({ timeout: 10_000 });
    await offer.locator('[data-action="open"]').click();
    const opened = timeline(page).filter({ hasText: "He obert el tiquet #" }).filter({ hasText: SCREENSHOT_REQUEST });
    await opened.waitFor({ timeout: 10_000 });
    const number = Number(/#(\d+)/.exec(await opened.innerText())[1]);
    assert.notEqual(number, people.t1.number);
    const detail = await people.anna.api.call("GET", `/api/v1/tickets/${number}`);
    assert.deepEqual(detail.files.map((f) => [f.name, f.internal]), [["error-correu.png", false]]);

    // The team's card shows the image, as a message's file.
    const card = timeline(tech).filter({ hasText: `#${number} · ${SCREENSHOT_REQUEST}` });
    await card.waitFor({ timeout: 10_000 });
    await until("the card's image preview", async () => loaded(card.locator(".file-image img")));
    await settle(tech);
    await screenshot(tech, "support-card-files");

    // The queue: the ticket's page shows it under the description, and opens it in the lightbox.
    await queue.locator('[data-testid="queue-back"]').click();
    await until("the new ticket in the list", async () => (await queue.locator(`[data-testid="queue-table"] tr[data-ticket="${number}"]`).count()) === 1);
    await openTicket(queue, number);
    const files = queue.locator('[data-testid="ticket-files"]');
    const preview = files.locator(".file-image");
    await until("the ticket's image preview", async () => loaded(preview.locator("img")));
    assert.match(await files.locator(".queue-file-batch").first().innerText(), /Anna Soler/);
    assert.equal(await files.locator('.queue-file-batch[data-internal="true"]').count(), 0);
    await preview.click();
    const lightbox = queue.locator("dialog.lightbox");
    await lightbox.waitFor();
    await until("the whole image in the lightbox", async () => loaded(lightbox.locator(".lightbox-image")));
    assert.equal(await lightbox.locator(".lightbox-name").innerText(), "error-correu.png");
    await queue.keyboard.press("Escape");
    await lightbox.waitFor({ state: "detached" });

    // Attaching in the comment box: a file can be cancelled while it uploads (held here).
    const commentBox = queue.locator('[data-testid="ticket-comment-box"]');
    const held = [];
    let holding = true;
    await queue.route("**/api/v1/files", async (route) => {
      if (route.request().method() !== "POST" || !holding) return route.continue();
      await new Promise((resolve) => held.push(resolve));
      await route.continue().catch(() => undefined);
    });
    await attachWithButton(queue, commentBox.locator(".attach-button"), [{ name: "descartat.txt", mimeType: "text/plain", buffer: Buffer.from("no cal") }]);
    const uploading = commentBox.locator('.upload-chip[data-state="uploading"]');
    await uploading.waitFor();
    await uploading.locator("progress").waitFor();
    assert.equal(await commentBox.locator('[data-testid="ticket-comment-send"]').isDisabled(), true, "nothing to send while it uploads");
    await uploading.locator(".upload-cancel").click();
    await until("the chip is gone", async () => (await commentBox.locator(".upload-chip").count()) === 0);
    holding = false;
    for (const resolve of held.splice(0)) resolve();
    await queue.unroute("**/api/v1/files");

    // A comment with a file: the requester gets both.
    const COMMENT = "T'envio el diagnòstic del correu";
    await attachWithButton(queue, commentBox.locator(".attach-button"), [{ name: "diagnosi.pdf", mimeType: "application/pdf", buffer: PDF }]);
    await commentBox.locator('.upload-chip[data-state="done"]').waitFor({ timeout: 10_000 });
    await queue.locator('[data-testid="ticket-comment"]').fill(COMMENT);
    await queue.locator('[data-testid="ticket-comment-send"]').click();
    const history = queue.locator('[data-testid="ticket-history"]');
    await history.locator('li[data-kind="comment"]').filter({ hasText: COMMENT }).waitFor({ timeout: 10_000 });
    const filesLine = history.locator('li[data-kind="files"]');
    await filesLine.waitFor();
    assert.match(await filesLine.innerText(), /ha adjuntat fitxers: diagnosi\.pdf/);
    await until("the box is empty again", async () => (await commentBox.locator(".upload-chip").count()) === 0 && (await queue.locator('[data-testid="ticket-comment"]').inputValue()) === "");
    const pdfCard = files.locator('.queue-file-batch[data-internal="false"] .file-card').filter({ hasText: "diagnosi.pdf" });
    await pdfCard.waitFor();
    assert.equal(await pdfCard.locator(".file-download").count(), 1);

    // A note with a file: it needs its text, and the file is internal.
    const noteBox = queue.locator('[data-testid="ticket-note-box"]');
    await attachWithButton(queue, noteBox.locator(".attach-button"), [{ name: "credencials.txt", mimeType: "text/plain", buffer: Buffer.from("usuari provisional: anna.tmp") }]);
    await noteBox.locator('.upload-chip[data-state="done"]').waitFor({ timeout: 10_000 });
    assert.equal(await noteBox.locator('[data-testid="ticket-note-send"]').isDisabled(), true, "files alone are no note");
    await noteBox.locator(".queue-box-notice").waitFor();
    const NOTE = "Li he creat un usuari provisional";
    await queue.locator('[data-testid="ticket-note"]').fill(NOTE);
    await queue.locator('[data-testid="ticket-note-send"]').click();
    await history.locator('li[data-kind="note"]').filter({ hasText: NOTE }).waitFor({ timeout: 10_000 });
    assert.match(await history.locator('li[data-kind="note_files"]').innerText(), /ha adjuntat fitxers a una nota interna: credencials\.txt/);
    const internal = files.locator('.queue-file-batch[data-internal="true"]');
    await internal.waitFor();
    assert.equal(await internal.locator(".queue-internal-badge").innerText(), "Nota interna");
    assert.match(await internal.locator(".file-card").innerText(), /credencials\.txt/);

    // What the requester may read: the public files only; the comment's file in the DM.
    const mine = await people.anna.api.call("GET", `/api/v1/tickets/${number}`);
    assert.deepEqual(mine.files.map((f) => f.name), ["error-correu.png", "diagnosi.pdf"]);
    assert.ok(!mine.history.some((e) => e.kind === "note_files"));
    await timeline(page).filter({ hasText: COMMENT }).locator(".file-card").filter({ hasText: "diagnosi.pdf" }).waitFor({ timeout: 10_000 });

    // The description, the files and the start of the history, in the queue's own scroller.
    await queue.locator('[data-testid="ticket-files"]').evaluate((files) => {
      const main = files.closest(".queue-main");
      const heading = [...main.querySelectorAll("h3")][0];
      main.scrollTop += heading.getBoundingClientRect().top - main.getBoundingClientRect().top - 8;
    });
    await settle(queue);
    await screenshot(queue, "queue-ticket-files");
  });

  it("stays within its origin and CSP, with no page errors", () => {
    assert.deepEqual(allProblems.flat(), [], "no foreign requests, CSP violations or page errors");
  });
});
