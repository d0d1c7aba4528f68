// Browser tests of the IT support desk against the real server: `/suport` from any channel,
// the `@suport` bot's ticket card in the support department's channel (fields and buttons,
// updated in place when the team clicks), the requester's DMs from the bot, the department
// channel hidden from outsiders, and `/info` answered in the UI language the socket announces.
// See harness.mjs. Tests skip themselves, saying why, against a server without the desk.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, screenshot, sleep, startStack, until } from "./harness.mjs";

const T = { timeout: 180_000 };
let stack;
let general;
let deskMissing = null;
const people = {};
const allProblems = [];

const REQUEST = "La impressora de la 2a planta no imprimeix";

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

/** Opens a channel from the sidebar (through the drawer on a phone). */
async function openChannel(page, item, title) {
  if (!(await item.isVisible())) await page.locator(".menu-button").click();
  await item.click();
  await page.locator(".channel-title-text").filter({ hasText: title }).waitFor();
}

const channelNamed = (page, name) => page.locator(`.channel-item[data-channel="${name}"]`);
const botDm = (page) => page.locator(".channel-item").filter({ hasText: "Suport TIC" });

/** Types into the composer and sends with Enter (closing the command popup first if open). */
async function command(page, text) {
  const input = page.locator("#composer-input");
  await input.fill(text);
  if (await page.locator(".command-option").count()) await input.press("Escape");
  await input.press("Enter");
}

/** Field values of a card, by title. */
async function fields(card) {
  const cells = card.locator(".field-cell");
  const out = {};
  for (let i = 0; i < (await cells.count()); i++) {
    out[(await cells.nth(i).locator(".field-title").innerText()).trim()] = (await cells.nth(i).locator(".field-value").innerText()).trim();
  }
  return out;
}

async function settleForScreenshot(page) {
  await page.mouse.move(5, 5);
  await sleep(400);
}

describe("support desk", () => {
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
    people.oriol = await api.createUser("oriol", "Oriol Vidal");
    for (const name of Object.keys(people)) people[name].api = await api.as(name);
    general = await people.anna.api.call("POST", "/api/v1/channels", { name: "general", kind: "public" });
    for (const name of ["tecnic", "oriol"]) await people[name].api.call("POST", `/api/v1/channels/${general.id}/join`, {});
    const probe = await fetch(`${stack.webUrl}/api/v1/tickets`, { headers: { Authorization: `Bearer ${people.anna.api.token}` } });
    if (!probe.ok) deskMissing = `GET /api/v1/tickets answers ${probe.status}: no support desk in this server binary`;
  });

  after(async () => {
    await stack?.close();
  });

  it("a ticket from /suport reaches the team as a card whose buttons update it in place", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    const requester = await open("anna");
    const tech = await open("tecnic");
    const techPhone = await open("tecnic", { viewport: { width: 360, height: 740 } });
    const ticChannel = channelNamed(tech.page, "tic");
    await openChannel(tech.page, ticChannel, "tic");
    await openChannel(techPhone.page, channelNamed(techPhone.page, "tic"), "tic");

    // The requester opens the ticket from an ordinary channel.
    const page = requester.page;
    await openChannel(page, channelNamed(page, "general"), "general");
    await command(page, `/suport ${REQUEST}`);
    const note = page.locator(".message.note");
    await note.waitFor({ timeout: 10_000 });
    const noteText = await note.innerText();
    assert.match(noteText, /Només el veus tu/);
    assert.match(noteText, /#1\b/);
    assert.match(await note.locator("strong").first().innerText(), /#1/, "the Markdown of the answer is rendered");
    await until("nothing left pending", async () => (await page.locator('.message[data-delivery="pending"], .message[data-delivery="failed"]').count()) === 0);
    assert.equal(await page.locator(".message[data-delivery]").filter({ hasText: "/suport" }).count(), 0, "the command is not posted");

    // The bot's DM shows up in the sidebar, marked as a bot, with an unread badge.
    const dm = botDm(page);
    await dm.waitFor({ timeout: 10_000 });
    await dm.locator(".bot-badge").waitFor();
    await until("the DM's unread badge", async () => (await dm.locator(".badge").count()) === 1);
    await openChannel(page, dm, "Suport TIC");
    const opened = page.locator(".message").filter({ hasText: "He obert el tiquet" });
    await opened.waitFor();
    assert.match(await opened.innerText(), /He obert el tiquet #1: La impressora/);
    assert.equal(await opened.locator(".bot-badge").count(), 1);

    // The team sees the card: coloured bar, title, fields, buttons.
    const card = tech.page.locator(".message").filter({ hasText: "#1 · La impressora" });
    await card.waitFor({ timeout: 10_000 });
    assert.equal(await card.locator(".author").innerText(), "Suport TIC");
    assert.equal(await card.locator(".bot-badge").count(), 1);
    assert.equal(await card.locator(".att-title").innerText(), `#1 · ${REQUEST}`);
    assert.equal(await card.locator(".attachment").getAttribute("data-color"), "warning");
    assert.deepEqual(await fields(card), {
      "Sol·licitant": "Anna Soler",
      Estat: "obert",
      Prioritat: "normal",
      Categoria: "altres",
      "Assignat a": "ningú",
    });
    const labels = await card.locator(".message-actions button").allInnerTexts();
    assert.deepEqual(labels, ["Assigna-me-la", "En curs", "En espera", "Resolta", "Comenta"]);
    assert.match(await card.getByRole("button", { name: "Assigna-me-la" }).getAttribute("class"), /action-primary/);
    // The card is drawn once; its one-line description, already in the title, is not repeated.
    assert.equal((await card.innerText()).split(`#1 · ${REQUEST}`).length - 1, 1);
    assert.equal(await card.locator(".att-text").count(), 0);
    // The footer's machine timestamp is shown as a local date and time.
    const openedAt = card.locator(".att-footer time");
    assert.match(await openedAt.getAttribute("datetime"), /^\d{4}-\d{2}-\d{2}T/);
    assert.doesNotMatch(await card.locator(".att-footer").innerText(), /T\d{2}:\d{2}/);
    const phoneCard = techPhone.page.locator(".message").filter({ hasText: "#1 · La impressora" });
    await phoneCard.waitFor({ timeout: 10_000 });
    for (const [session, name] of [[tech, "support-card-desktop"], [techPhone, "support-card-phone"]]) {
      await settleForScreenshot(session.page);
      await screenshot(session.page, name);
    }
    const noOverflow = async (p) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(await noOverflow(techPhone.page), "no horizontal scrolling on the phone");
    const phoneButtons = await phoneCard.locator(".message-actions button").evaluateAll((els) => els.map((e) => e.getBoundingClientRect()));
    for (const box of phoneButtons) {
      assert.ok(box.height >= 44, `buttons are touch targets on the phone (${box.height}px)`);
      assert.ok(box.right <= 360, "buttons stay on screen");
    }

    // A click: the same row changes, nothing is added.
    const seq = await card.getAttribute("data-seq");
    const rowsBefore = await tech.page.locator(".message[data-seq]").evaluateAll((els) => els.map((e) => e.dataset.seq));
    await card.getByRole("button", { name: "Assigna-me-la" }).click();
    await until("the card shows the assignee", async () => (await fields(card))["Assignat a"] === "Teresa Tècnica");
    assert.equal(await card.getAttribute("data-seq"), seq, "same message, same place");
    const rowsAfter = await tech.page.locator(".message[data-seq]").evaluateAll((els) => els.map((e) => e.dataset.seq));
    assert.deepEqual(rowsAfter, rowsBefore, "no row added, none reordered");
    assert.equal(await tech.page.locator(".message").filter({ hasText: "#1 · La impressora" }).count(), 1, "no duplicate card");
    assert.equal(await card.locator(".message-actions button[disabled]").count(), 0, "the buttons work again");
    await until("the phone's card too", async () => (await fields(phoneCard))["Assignat a"] === "Teresa Tècnica");
    for (const [session, name] of [[tech, "support-card-assigned-desktop"], [techPhone, "support-card-assigned-phone"]]) {
      await settleForScreenshot(session.page);
      await screenshot(session.page, name);
    }
    // The requester hears of it in the DM, which is open.
    await page.locator(".message").filter({ hasText: "Teresa Tècnica s'ocupa del tiquet #1" }).waitFor({ timeout: 10_000 });

    // Resolved: colour and status change.
    await card.getByRole("button", { name: "Resolta" }).click();
    await until("the card shows it resolved", async () => (await fields(card)).Estat === "resolt");
    assert.equal(await card.locator(".attachment").getAttribute("data-color"), "good");
    assert.equal(await card.locator(".attachment").evaluate((el) => getComputedStyle(el).borderLeftColor), await tech.page.evaluate(() => {
      const probe = document.createElement("div");
      probe.className = "attachment bar-good";
      document.body.append(probe);
      const colour = getComputedStyle(probe).borderLeftColor;
      probe.remove();
      return colour;
    }));
    assert.equal(await tech.page.locator(".message").filter({ hasText: "#1 · La impressora" }).count(), 1);
    const resolvedLine = page.locator(".message").filter({ hasText: "El tiquet #1 ara és resolt" });
    await resolvedLine.waitFor({ timeout: 10_000 });
    assert.equal(await resolvedLine.locator("strong").innerText(), "resolt");
    await settleForScreenshot(page);
    await screenshot(page, "support-dm");
    await settleForScreenshot(tech.page);
    await screenshot(tech.page, "support-card-resolved");

    // "Comenta" answers privately, to the one who clicked (on each of their devices).
    await card.getByRole("button", { name: "Comenta" }).click();
    const hint = tech.page.locator(".message.note").filter({ hasText: "/ticket 1 comenta" });
    await hint.waitFor({ timeout: 10_000 });
    await techPhone.page.locator(".message.note").filter({ hasText: "/ticket 1 comenta" }).waitFor({ timeout: 10_000 });

    for (const session of [requester, tech, techPhone]) await session.context.close();
  });

  it("keeps the support channel from people outside the department", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    const outsider = await open("oriol");
    const { page } = outsider;
    await channelNamed(page, "general").waitFor();
    assert.equal(await channelNamed(page, "tic").count(), 0, "not in the sidebar");
    await page.getByRole("button", { name: /Explora els canals/ }).click();
    const dialog = page.locator("dialog.dialog");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: /general/ }).first().waitFor();
    assert.doesNotMatch(await dialog.innerText(), /\btic\b/, "not offered to join");
    await page.keyboard.press("Escape");
    // Nor through the API, nor its card's buttons.
    const channels = await people.oriol.api.call("GET", "/api/v1/channels");
    const list = Array.isArray(channels) ? channels : channels.channels;
    assert.equal(list.filter((c) => c.name === "tic").length, 0);
    await outsider.context.close();
  });

  it("answers /info in the language of the interface, also after switching it", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    const { api } = stack;
    await api.call("PUT", "/api/v1/info/vpn", { title: "Connexió VPN", body: "Obre **FortiClient** i entra amb el teu usuari.", lang: "ca" });
    await api.call("PUT", "/api/v1/info/vpn", { title: "Conexión VPN", body: "Abre **FortiClient** y entra con tu usuario.", lang: "es" });

    const session = await open("anna");
    const { page } = session;
    await openChannel(page, channelNamed(page, "general"), "general");
    const notes = page.locator(".message.note");
    await command(page, "/info vpn");
    await until("the Catalan article", async () => (await notes.count()) === 1);
    assert.match(await notes.nth(0).innerText(), /Connexió VPN/);
    assert.equal(await notes.nth(0).locator("strong").nth(1).innerText(), "FortiClient");

    // Switching to Spanish reconnects the socket quietly, announcing the new language.
    await page.getByRole("button", { name: "Preferències" }).click();
    await page.locator('[data-testid="language"]').selectOption("es");
    await page.getByRole("button", { name: "Cerrar", exact: true }).click();
    assert.equal(await page.locator(".offline-banner.visible").count(), 0, "no offline banner for it");
    await command(page, "/info vpn");
    await until("the Spanish article", async () => (await notes.count()) === 2);
    assert.match(await notes.nth(1).innerText(), /Conexión VPN/);
    assert.match(await notes.nth(1).innerText(), /Solo lo ves tú/);
    // And after a reconnection.
    await page.evaluate(() => window.__xerrada.reconnect());
    await sleep(1000);
    await command(page, "/info vpn");
    await until("the Spanish article again", async () => (await notes.count()) === 3);
    assert.match(await notes.nth(2).innerText(), /Conexión VPN/);
    await page.getByRole("button", { name: "Preferencias" }).click();
    await page.locator('[data-testid="language"]').selectOption("ca");
    await session.context.close();

    // A browser in Spanish gets Spanish from its first connection; English falls back to Catalan.
    for (const [locale, title] of [["es-ES", "Conexión VPN"], ["en-GB", "Connexió VPN"]]) {
      const fresh = await open("oriol", { locale });
      await openChannel(fresh.page, channelNamed(fresh.page, "general"), "general");
      await command(fresh.page, "/info vpn");
      const note = fresh.page.locator(".message.note");
      await note.waitFor({ timeout: 10_000 });
      assert.match(await note.innerText(), new RegExp(title), locale);
      await fresh.context.close();
    }
  });

  it("stays within its origin and CSP, with no page errors", T, async () => {
    assert.deepEqual(allProblems.flat(), [], "no foreign requests, CSP violations or page errors");
  });
});
