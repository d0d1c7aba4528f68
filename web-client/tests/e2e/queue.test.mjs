// Browser tests of "Cua de suport", the support team's queue: the sidebar entry only for the
// team (`support_team` in GET /me), the list with filters and bulk assignment, the
// ticket page (status, comment), the requester's DM from the bot, and live refresh when the
// ticket changes elsewhere. Same setup as support.test.mjs; skips against a server without
// the desk.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, screenshot, startStack, until } from "./harness.mjs";

const T = { timeout: 180_000 };
let stack;
let deskMissing = null;
const people = {};
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

/** Opens the queue from the sidebar (through the drawer on a phone). */
async function openQueue(page) {
  const entry = page.locator('[data-testid="queue-open"]');
  await entry.waitFor({ state: "attached", timeout: 10_000 });
  if (!(await entry.isVisible())) await page.locator(".menu-button").click();
  await entry.click();
  await page.locator('[data-testid="queue-area"]').waitFor({ timeout: 10_000 });
}

const rows = (page) => page.locator('[data-testid="queue-table"] tbody tr');
const row = (page, number) => page.locator(`[data-testid="queue-table"] tr[data-ticket="${number}"]`);

describe("support queue", () => {
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
    // Everyone needs a channel to land in (login waits for the composer).
    const general = await people.anna.api.call("POST", "/api/v1/channels", { name: "general", kind: "public" });
    for (const name of ["tecnic", "oriol"]) await people[name].api.call("POST", `/api/v1/channels/${general.id}/join`, {});
    const probe = await fetch(`${stack.webUrl}/api/v1/tickets/stats`, { headers: { Authorization: `Bearer ${people.tecnic.api.token}` } });
    if (!probe.ok) {
      deskMissing = `GET /api/v1/tickets/stats answers ${probe.status}: no support desk in this server binary`;
      return;
    }
    people.t1 = await people.anna.api.call("POST", "/api/v1/tickets", { description: "La impressora de la 2a planta no imprimeix", priority: "alta", category: "maquinari" });
    people.t2 = await people.anna.api.call("POST", "/api/v1/tickets", { description: "No puc entrar a la VPN des de casa", category: "xarxa/VPN" });
  });

  after(async () => {
    await stack?.close();
  });

  it("the team filters, assigns in bulk, resolves and comments; changes arrive live", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    const tech = await open("tecnic");
    const page = tech.page;
    await openQueue(page);

    // The figures and both tickets, with the requester's name.
    await page.locator('[data-testid="queue-figures"]').waitFor();
    await until("two tickets", async () => (await rows(page).count()) === 2);
    assert.match(await row(page, people.t1.number).innerText(), /Anna Soler/);
    assert.match(await row(page, people.t2.number).innerText(), /VPN/);

    // Filter by status: both are open, none is resolved.
    await page.locator('[data-testid="filter-status"]').selectOption("resolved");
    await until("no resolved tickets", async () => (await rows(page).count()) === 0);
    await page.locator('[data-testid="filter-status"]').selectOption("open");
    await until("two open tickets", async () => (await rows(page).count()) === 2);
    // And by free text.
    await page.locator('[data-testid="filter-text"]').fill("vpn");
    await until("one ticket about the VPN", async () => (await rows(page).count()) === 1);
    await page.locator('[data-testid="filter-text"]').fill("");
    await until("two again", async () => (await rows(page).count()) === 2);

    // Select both and assign them to myself at once.
    await page.locator('[data-testid="select-all"]').check();
    await page.locator('[data-testid="bulk-assignee"]').selectOption(people.tecnic.id);
    await page.locator('[data-testid="bulk-assign"]').click();
    await page.locator('[data-testid="bulk-result"]').filter({ hasText: "2" }).waitFor();
    for (const ticket of [people.t1, people.t2]) {
      const answer = await people.tecnic.api.call("GET", `/api/v1/tickets/${ticket.number}`);
      assert.equal(answer.assignee_id, people.tecnic.id);
    }
    await until("both rows show the assignee", async () => {
      const texts = await page.locator('[data-testid="queue-table"] td[data-field="assignee"]').allInnerTexts();
      return texts.length === 2 && texts.every((x) => x.includes("Teresa Tècnica"));
    });
    await page.locator('[data-testid="filter-assignee"]').selectOption("@me");
    await until("both are mine", async () => (await rows(page).count()) === 2);
    await page.locator('[data-testid="filter-assignee"]').selectOption("@nobody");
    await until("none is unassigned", async () => (await rows(page).count()) === 0);
    await page.locator('[data-testid="filter-assignee"]').selectOption("");
    await page.locator('[data-testid="filter-status"]').selectOption("");

    // Open the first ticket, resolve it and comment.
    await row(page, people.t1.number).locator(".queue-open-ticket").click();
    const ticketPage = page.locator('[data-testid="queue-ticket"]');
    await ticketPage.locator("h2").filter({ hasText: `#${people.t1.number}` }).waitFor();
    assert.match(await ticketPage.locator('[data-testid="ticket-others"]').innerText(), /VPN/, "the requester's other ticket");
    await page.locator('[data-testid="ticket-status"]').selectOption("resolved");
    await until("resolved", async () => (await people.tecnic.api.call("GET", `/api/v1/tickets/${people.t1.number}`)).status === "resolved");
    const COMMENT = "He canviat el tòner, ja imprimeix";
    await page.locator('[data-testid="ticket-comment"]').fill(COMMENT);
    await page.locator('[data-testid="ticket-comment-send"]').click();
    await page.locator('[data-testid="ticket-history"] li[data-kind="comment"]').filter({ hasText: COMMENT }).waitFor();
    await page.locator('[data-testid="ticket-history"] li[data-kind="status"]').waitFor();

    // The requester reads the comment in the bot's DM.
    const anna = await open("anna");
    const dm = anna.page.locator(".channel-item").filter({ hasText: "Suport TIC" });
    await dm.waitFor({ timeout: 10_000 });
    await dm.click();
    await anna.page.locator(".message").filter({ hasText: COMMENT }).first().waitFor({ timeout: 10_000 });

    // A change made elsewhere (REST) shows up in the open ticket and in the list, no reload.
    await people.tecnic.api.call("PATCH", `/api/v1/tickets/${people.t1.number}`, { priority: "urgent", note: "Canviat per REST" });
    await page.locator('[data-testid="ticket-history"] li[data-kind="note"]').filter({ hasText: "Canviat per REST" }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="ticket-priority"]').inputValue(), "urgent");
    await screenshot(page, "queue-ticket");
    await page.locator('[data-testid="queue-back"]').click();
    await people.tecnic.api.call("PATCH", `/api/v1/tickets/${people.t2.number}`, { status: "waiting" });
    await until("the list shows the new status", async () => /En espera/.test(await row(page, people.t2.number).locator('td[data-field="status"]').innerText()), 10_000);
    await screenshot(page, "queue-list");

    // Keyboard and phone: the queue opens and the list stacks at 360 px.
    const phone = await open("tecnic", { viewport: { width: 360, height: 740 } });
    await openQueue(phone.page);
    await until("tickets on the phone", async () => (await rows(phone.page).count()) === 2);
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 362, `no sideways scrolling at 360 px (${width})`);
    await screenshot(phone.page, "queue-phone");
  });

  it("a plain member has no queue entry", T, async (t) => {
    if (deskMissing) return t.skip(deskMissing);
    const member = await open("oriol");
    // Reloaded (the session survives), the client asks GET /me whether they are on the team.
    const asked = member.page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/me");
    await member.page.reload();
    assert.equal((await (await asked).json()).support_team, false);
    await member.page.locator('[data-testid="search-view"]').waitFor({ state: "attached" });
    await member.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
    assert.equal(await member.page.locator('[data-testid="queue-open"]').count(), 0);
    const answer = await fetch(`${stack.webUrl}/api/v1/tickets/stats`, { headers: { Authorization: `Bearer ${people.oriol.api.token}` } });
    assert.equal(answer.status, 403);
  });

  it("leaves no problems behind", () => {
    assert.deepEqual(allProblems.flat(), []);
  });
});
