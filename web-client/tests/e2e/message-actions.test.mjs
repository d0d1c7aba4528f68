// Browser tests of what people do to messages after sending them: react (quick reactions, the
// picker, the chips), edit (from the menu and with the up arrow), delete (with confirmation; an
// admin deletes anyone's), each seen live by another user, after a reconnect, on a phone and
// from the keyboard. Against the real server; see harness.mjs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ADMIN_PASSWORD, login, messageTexts, openAs, openChannel, screenshot, sleep, startStack, until, watchPage } from "./harness.mjs";

const T = { timeout: 120_000 };
let stack;
let users;
let channel;
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

async function send(page, text) {
  await page.locator("#composer-input").fill(text);
  await page.locator("#composer-input").press("Enter");
}

/** A sent message's element, by (part of) its text. */
function messageWith(page, text) {
  return page.locator(".message[data-message-id]").filter({ hasText: text }).last();
}

/** Opens a message's menu with the mouse, as on a desktop. */
async function openMenu(page, text) {
  const message = messageWith(page, text);
  await message.hover();
  await message.getByRole("button", { name: "Més opcions del missatge" }).click();
  const menu = page.getByRole("menu", { name: "Opcions del missatge" });
  await menu.waitFor();
  return menu;
}

/** The chips under a message, as `emoji count` strings. */
async function chips(page, text) {
  return messageWith(page, text)
    .locator(".reaction-chip")
    .evaluateAll((els) => els.map((el) => `${el.dataset.emoji} ${el.querySelector(".reaction-count").textContent}`));
}

/** Posts as `who` over REST and waits until `page` shows it. */
async function post(who, page, body) {
  const message = await users[who].api.call("POST", `/api/v1/channels/${channel.id}/messages`, { body });
  await until(`"${body}" shown`, async () => (await messageTexts(page)).some((t) => t.startsWith(body)));
  return message;
}

describe("reactions, edits and deletes in a real browser", () => {
  before(async () => {
    // A tiny replay limit makes the reconnect test go through `resync` and /events.
    stack = await startStack({ config: "[realtime]\nreplay_limit = 3\n" });
    const { api } = stack;
    users = {};
    for (const [username, name] of [["alice", "Alícia Puig"], ["bob", "Bernat Soler"]]) {
      users[username] = await api.createUser(username, name);
      users[username].api = await api.as(username);
    }
    channel = await users.alice.api.call("POST", "/api/v1/channels", { name: "coordinacio", kind: "public" });
    await users.bob.api.call("POST", `/api/v1/channels/${channel.id}/join`);
    await api.call("POST", `/api/v1/channels/${channel.id}/join`);
  }, T);

  after(async () => {
    await stack?.close();
  });

  it("reacts and takes the reaction back; the other user sees the chip appear and go, live", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "coordinacio");
    await openChannel(bob.page, "coordinacio");
    const body = "Demà plega el servidor antic";
    await post("bob", alice.page, body);
    await until("bob has it too", async () => (await messageTexts(bob.page)).includes(body));

    // A quick reaction from the menu.
    const menu = await openMenu(alice.page, body);
    assert.equal(await menu.locator(".menu-reactions [role='menuitem']").count(), 9, "8 quick reactions and the picker");
    // Bob's own message: no Edit; he is not an admin: no Delete.
    assert.equal(await menu.getByRole("menuitem", { name: "Edita el missatge" }).count(), 0);
    await menu.getByRole("menuitem", { name: "Reacciona amb 👍" }).click();
    await menu.waitFor({ state: "detached" });
    await until("bob sees alice's 👍", async () => (await chips(bob.page, body)).join() === "👍 1");
    const aliceChip = messageWith(alice.page, body).locator(".reaction-chip").first();
    await until("alice's chip is hers", async () => (await aliceChip.getAttribute("aria-pressed")) === "true");
    const bobChip = messageWith(bob.page, body).locator(".reaction-chip").first();
    assert.equal(await bobChip.getAttribute("aria-pressed"), "false");
    assert.equal(await bobChip.getAttribute("title"), "Alícia Puig ha reaccionat amb 👍");

    // Bob adds his own with the chip; then one from the picker.
    await bobChip.click();
    await until("alice sees 2", async () => (await chips(alice.page, body)).join() === "👍 2");
    assert.equal(await aliceChip.getAttribute("title"), "Alícia Puig i Bernat Soler han reaccionat amb 👍");
    await messageWith(bob.page, body).getByRole("button", { name: "Afegeix una reacció" }).click();
    const picker = bob.page.getByRole("group", { name: "Tria una reacció" });
    await picker.waitFor();
    assert.ok((await picker.locator("[role='menuitem']").count()) >= 40, "a few dozen emoji");
    await picker.getByRole("menuitem", { name: "Reacciona amb 🚀" }).click();
    await until("alice sees the rocket", async () => (await chips(alice.page, body)).join() === "👍 2,🚀 1");
    await screenshot(alice.page, "reactions-desktop");

    // Taking them back: the count drops, and a chip at zero goes.
    await aliceChip.click();
    await until("bob sees 1", async () => (await chips(bob.page, body)).join() === "👍 1,🚀 1");
    await messageWith(bob.page, body).locator('.reaction-chip[data-emoji="🚀"]').click();
    await bobChip.click();
    await until("alice sees no chips", async () => (await chips(alice.page, body)).length === 0);
    await until("bob sees no chips", async () => (await chips(bob.page, body)).length === 0);
    await alice.context.close();
    await bob.context.close();
  });

  it("edits the last message with the up arrow; the other user sees the new text marked edited", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "coordinacio");
    await openChannel(bob.page, "coordinacio");
    await send(alice.page, "Reunió a les 10");
    await until("sent", async () => (await messageWith(alice.page, "Reunió a les 10").getAttribute("data-delivery")) === "sent");
    await send(alice.page, "Porteu l'informe");
    await until("bob has both", async () => (await messageTexts(bob.page)).includes("Porteu l'informe"));
    await until("sent", async () => (await messageWith(alice.page, "Porteu l'informe").getAttribute("data-delivery")) === "sent");

    // Escape cancels and gives the composer back.
    const composer = alice.page.locator("#composer-input");
    await composer.press("ArrowUp");
    const editor = alice.page.getByRole("textbox", { name: "Edita el missatge" });
    await editor.waitFor();
    assert.equal(await editor.inputValue(), "Porteu l'informe", "the newest of mine");
    await editor.press("Escape");
    await editor.waitFor({ state: "detached" });
    assert.equal(await alice.page.evaluate(() => document.activeElement?.id), "composer-input");

    // The editor has the focus, caret at the end: typing goes on from there; Enter saves.
    await composer.press("ArrowUp");
    await editor.waitFor();
    assert.equal(await alice.page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Edita el missatge");
    await alice.page.keyboard.type(" imprès");
    await alice.page.keyboard.press("Enter");
    await editor.waitFor({ state: "detached" });
    const edited = (page) => messageWith(page, "Porteu l'informe imprès");
    await until("bob sees the new text", async () => (await messageTexts(bob.page)).some((t) => t.startsWith("Porteu l'informe imprès")));
    assert.equal(await edited(bob.page).locator(".edited-mark").innerText(), "(editat)");
    assert.equal(await edited(alice.page).locator(".edited-mark").innerText(), "(editat)");
    assert.equal(await messageWith(bob.page, "Reunió a les 10").locator(".edited-mark").count(), 0);
    const stored = await users.bob.api.call("GET", `/api/v1/channels/${channel.id}/messages?limit=50`);
    assert.ok(stored.messages.find((m) => m.body === "Porteu l'informe imprès")?.edited_at, "stored as edited");

    // The menu edits an older one; a typing-empty composer is not needed for that.
    const menu = await openMenu(alice.page, "Reunió a les 10");
    await menu.getByRole("menuitem", { name: "Edita el missatge" }).click();
    await editor.waitFor();
    assert.equal(await alice.page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Edita el missatge");
    await editor.fill("Reunió a les 11");
    await alice.page.getByRole("button", { name: "Desa", exact: true }).click();
    await until("bob sees the second edit", async () => (await messageTexts(bob.page)).some((t) => t.startsWith("Reunió a les 11")));
    // The edits did not move anything: still in order, each once.
    const texts = (await messageTexts(bob.page)).filter((t) => /^(Reunió|Porteu)/.test(t));
    assert.deepEqual(texts, ["Reunió a les 11 (editat)", "Porteu l'informe imprès (editat)"]);
    await alice.context.close();
    await bob.context.close();
  });

  it("deletes after confirming; the other user sees a tombstone; an admin deletes anyone's", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "coordinacio");
    await openChannel(bob.page, "coordinacio");
    const body = "Aquest missatge sobra";
    await send(alice.page, body);
    await until("bob has it", async () => (await messageTexts(bob.page)).includes(body));
    await until("sent", async () => (await messageWith(alice.page, body).getAttribute("data-delivery")) === "sent");
    // A reaction that goes with the message.
    await messageWith(bob.page, body).hover();
    await (await openMenu(bob.page, body)).getByRole("menuitem", { name: "Reacciona amb 👀" }).click();
    await until("alice sees 👀", async () => (await chips(alice.page, body)).join() === "👀 1");
    // Not his: Bob may not delete it.
    const bobMenu = await openMenu(bob.page, body);
    assert.equal(await bobMenu.getByRole("menuitem", { name: "Elimina el missatge" }).count(), 0);
    await bob.page.keyboard.press("Escape");

    // Cancelling changes nothing.
    let menu = await openMenu(alice.page, body);
    await menu.getByRole("menuitem", { name: "Elimina el missatge" }).click();
    let dialog = alice.page.getByRole("dialog", { name: "Vols eliminar aquest missatge?" });
    await dialog.waitFor();
    assert.ok((await dialog.innerText()).includes(body), "the dialog quotes the message");
    await dialog.getByRole("button", { name: "Cancel·la" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.ok((await messageTexts(alice.page)).includes(body));

    menu = await openMenu(alice.page, body);
    await menu.getByRole("menuitem", { name: "Elimina el missatge" }).click();
    dialog = alice.page.getByRole("dialog", { name: "Vols eliminar aquest missatge?" });
    await dialog.getByRole("button", { name: "Elimina", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    for (const page of [alice.page, bob.page]) {
      await until("the tombstone", async () => (await messageTexts(page)).includes("S'ha eliminat aquest missatge"));
      assert.ok(!(await messageTexts(page)).includes(body), "the text is gone");
    }
    const tombstone = bob.page.locator(".message.deleted").last();
    assert.equal(await tombstone.locator(".reaction-chip").count(), 0, "no reactions");
    await tombstone.hover();
    assert.equal(await tombstone.locator(".message-menu-button").count(), 0, "no actions");

    // An admin deletes Bob's message; the menu says so only to the admin.
    const admin = await open("admin", { password: ADMIN_PASSWORD });
    await openChannel(admin.page, "coordinacio");
    const bobs = "Missatge d'en Bernat per esborrar";
    await post("bob", admin.page, bobs);
    menu = await openMenu(admin.page, bobs);
    await menu.getByRole("menuitem", { name: "Elimina el missatge" }).click();
    await admin.page.getByRole("dialog").getByRole("button", { name: "Elimina", exact: true }).click();
    await until("bob sees his message deleted", async () => !(await messageTexts(bob.page)).includes(bobs));
    await screenshot(bob.page, "message-deleted");
    await admin.context.close();
    await alice.context.close();
    await bob.context.close();
  });

  it("reactions, edits and deletes made while offline arrive after the reconnect (resume and resync)", T, async () => {
    const bob = await open("bob");
    await openChannel(bob.page, "coordinacio");
    const first = await post("alice", bob.page, "Primer, per reaccionar");
    const second = await post("alice", bob.page, "Segon, per editar");
    const third = await post("alice", bob.page, "Tercer, per esborrar");
    await bob.context.setOffline(true);
    await bob.page.locator(".offline-banner.visible").waitFor({ timeout: 15_000 });
    const base = `/api/v1/channels/${channel.id}/messages`;
    // More events than the replay limit (3): the rest comes from /events.
    await users.alice.api.call("PUT", `${base}/${first.id}/reactions/${encodeURIComponent("🎉")}`);
    await users.alice.api.call("PUT", `${base}/${first.id}/reactions/${encodeURIComponent("👍")}`);
    await stack.api.call("PUT", `${base}/${first.id}/reactions/${encodeURIComponent("👍")}`);
    await users.alice.api.call("DELETE", `${base}/${first.id}/reactions/${encodeURIComponent("🎉")}`);
    await users.alice.api.call("PATCH", `${base}/${second.id}`, { body: "Segon, editat fora de línia" });
    await users.alice.api.call("DELETE", `${base}/${third.id}`);
    await users.alice.api.call("POST", base, { body: "I un de nou" });
    await bob.context.setOffline(false);
    await until("bob catches up", async () => (await messageTexts(bob.page)).includes("I un de nou"), 40_000);
    await until("the reactions", async () => (await chips(bob.page, "Primer, per reaccionar")).join() === "👍 2");
    const texts = await messageTexts(bob.page);
    assert.ok(texts.includes("Segon, editat fora de línia (editat)"), texts.join(" | "));
    assert.ok(!texts.includes("Tercer, per esborrar"));
    // And live again afterwards.
    await users.alice.api.call("PUT", `${base}/${first.id}/reactions/${encodeURIComponent("✅")}`);
    await until("live after the reconnect", async () => (await chips(bob.page, "Primer, per reaccionar")).join() === "👍 2,✅ 1");
    await bob.context.close();
  });

  it("is usable from the keyboard: the menu opens from the message, arrows move, Escape closes", T, async () => {
    const alice = await open("alice");
    const { page } = alice;
    await openChannel(page, "coordinacio");
    const body = "Per provar amb el teclat";
    await post("bob", page, body);
    await page.locator(".message-scroller").focus();
    await page.keyboard.press("ArrowUp");
    assert.ok((await page.evaluate(() => document.activeElement?.textContent ?? "")).includes(body), "the newest message has the focus");
    await page.keyboard.press("Tab");
    // The author's name (it opens the profile card) comes first, then the message's menu button.
    if ((await page.evaluate(() => document.activeElement?.className ?? "")).includes("author-button")) await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Més opcions del missatge");
    await page.keyboard.press("Enter");
    await page.getByRole("menu").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Reacciona amb 👍");
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Reacciona amb ❤️");
    // Along the row to its end, "More reactions" (End now goes past it, to the actions below).
    for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowRight");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Més reaccions");
    await page.keyboard.press("Enter"); // the picker opens and takes the focus
    await page.getByRole("group", { name: "Tria una reacció" }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Reacciona amb 😀");
    await page.keyboard.press("ArrowDown");
    assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Reacciona amb 😄", "down moves a row, not an item");
    await page.keyboard.press("Escape");
    await page.getByRole("menu").waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Més opcions del missatge", "focus back on the button");
    await page.keyboard.press("Enter");
    await page.getByRole("menu").waitFor();
    await page.keyboard.press("Enter"); // 👍
    await until("reacted from the keyboard", async () => (await chips(page, body)).join() === "👍 1");
    // Every control has an accessible name, the new ones included.
    await messageWith(page, body).hover();
    await messageWith(page, body).getByRole("button", { name: "Més opcions del missatge" }).click();
    await page.getByRole("menuitem", { name: "Més reaccions" }).click();
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("button, input, textarea, select, a[href]")]
        .filter((el) => !(el.getAttribute("aria-label") || el.textContent.trim() || el.getAttribute("title")) && !(el.id && document.querySelector(`label[for="${el.id}"]`)))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
    await alice.context.close();
  });

  it("works on a 360 px touch screen: a tap shows the menu button, a long press shows who reacted", T, async () => {
    const context = await stack.browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: "ca-ES", serviceWorkers: "block" });
    const page = await context.newPage();
    allProblems.push(watchPage(page, stack.webUrl));
    await page.goto(stack.webUrl + "/?e2e");
    await login(page, "bob");
    await openChannel(page, "coordinacio");
    const body = "Des del mòbil també";
    const posted = await post("alice", page, body);
    await users.alice.api.call("PUT", `/api/v1/channels/${channel.id}/messages/${posted.id}/reactions/${encodeURIComponent("🙏")}`);
    await until("the chip", async () => (await chips(page, body)).join() === "🙏 1");

    // No hover on a phone: a tap on the message shows its "…" button.
    const message = messageWith(page, body);
    await message.locator(".message-text").tap();
    const button = message.getByRole("button", { name: "Més opcions del missatge" });
    await button.waitFor({ state: "visible" });
    const box = await button.boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, `menu button is ${box.width}x${box.height}`);
    await button.tap();
    const menu = page.getByRole("menu");
    await menu.waitFor();
    // A sheet along the bottom, inside the screen, with 44 px targets.
    const sheet = await menu.boundingBox();
    assert.ok(sheet.x >= 0 && sheet.x + sheet.width <= 360 && sheet.width > 300, `sheet ${JSON.stringify(sheet)}`);
    const item = await menu.getByRole("menuitem", { name: "Reacciona amb 😂" }).boundingBox();
    assert.ok(item.width >= 44 && item.height >= 44);
    await screenshot(page, "reactions-phone-menu");
    await menu.getByRole("menuitem", { name: "Reacciona amb 😂" }).tap();
    await until("reacted from the phone", async () => (await chips(page, body)).join() === "🙏 1,😂 1");

    // A long press on a chip names who reacted, and does not toggle it.
    const chip = message.locator('.reaction-chip[data-emoji="🙏"]');
    const at = await chip.boundingBox();
    const point = { pointerType: "touch", isPrimary: true, clientX: at.x + at.width / 2, clientY: at.y + at.height / 2 };
    await chip.dispatchEvent("pointerdown", point);
    await sleep(700);
    await chip.dispatchEvent("pointerup", point);
    await chip.dispatchEvent("click", point);
    await until("the names", async () => (await message.locator(".reaction-who").count()) === 1);
    assert.equal(await message.locator(".reaction-who").innerText(), "Alícia Puig ha reaccionat amb 🙏");
    await sleep(500);
    assert.equal((await chips(page, body)).join(), "🙏 1,😂 1", "the long press did not toggle the chip");

    // A long press on the message opens its menu.
    const text = message.locator(".message-text");
    const t = await text.boundingBox();
    const press = { pointerType: "touch", isPrimary: true, clientX: t.x + 10, clientY: t.y + t.height / 2 };
    await text.dispatchEvent("pointerdown", press);
    await sleep(700);
    await text.dispatchEvent("pointerup", press);
    await page.getByRole("menu").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, "no horizontal scrolling");
    await context.close();
  });

  it("never left the page's origin, broke the CSP or threw", () => {
    assert.deepEqual(allProblems.flat(), []);
  });
});
