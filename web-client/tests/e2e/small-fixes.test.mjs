// Browser tests of the small fixes: initials of a name with a parenthesis, a reload reopening
// the channel that was open, a language switch re-rendering the open channel's texts at once,
// and the dot on the phone's menu button when something is unread elsewhere.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, openAs, openChannel, startStack, until } from "./harness.mjs";

const T = { timeout: 120_000 };
let stack;
let users;
const channels = {};
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

describe("small fixes in a real browser", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    users = {};
    for (const [username, name] of [["alice", "Alícia Puig"], ["xavier", "Xavier Pujol (Alcaldia)"]]) {
      users[username] = await api.createUser(username, name);
      users[username].api = await api.as(username);
    }
    for (const name of ["avisos", "obres", "zeta"]) {
      channels[name] = await users.alice.api.call("POST", "/api/v1/channels", { name, kind: "public" });
      await users.xavier.api.call("POST", `/api/v1/channels/${channels[name].id}/join`);
    }
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("initials skip the parenthesis; a reload reopens the open channel; a language switch re-renders it", T, async () => {
    await users.xavier.api.call("POST", `/api/v1/channels/${channels.zeta.id}/messages`, { body: "Bon dia" });
    // Something unread in "avisos", which would open first if the open channel were forgotten.
    await users.xavier.api.call("POST", `/api/v1/channels/${channels.avisos.id}/messages`, { body: "Avís" });
    const alice = await open("alice");
    await openChannel(alice.page, "zeta");
    const avatar = alice.page.locator(".message-scroller .message").filter({ hasText: "Bon dia" }).locator(".avatar");
    assert.equal(await avatar.innerText(), "XP");
    await alice.page.reload();
    await alice.page.locator(".channel-title-text").filter({ hasText: "zeta" }).waitFor();

    await alice.page.locator(".channel-start-title").waitFor();
    assert.match(await alice.page.locator(".channel-start-title").innerText(), /^Aquest és el començament de zeta/);
    assert.equal(await alice.page.locator(".day-separator").first().innerText(), "Avui");
    await alice.page.getByRole("button", { name: "Preferències", exact: true }).click();
    await alice.page.locator(".language-picker select").selectOption("es");
    await until("the start text in Spanish", async () => /^Este es el comienzo de zeta/.test(await alice.page.locator(".channel-start-title").innerText()));
    assert.equal(await alice.page.locator(".day-separator").first().innerText(), "Hoy");
    await alice.page.locator(".language-picker select").selectOption("ca");
    await alice.context.close();
  });

  it("on a phone the menu button shows a dot while another channel has unread messages", T, async () => {
    const phone = await open("xavier", { viewport: { width: 360, height: 740 } });
    await openChannel(phone.page, "obres");
    const dot = phone.page.locator("[data-testid='menu-dot']");
    await until("no dot: nothing unread elsewhere", async () => (await dot.count()) === 0);
    await users.alice.api.call("POST", `/api/v1/channels/${channels.zeta.id}/messages`, { body: "Novetat" });
    await dot.waitFor();
    assert.equal(await phone.page.locator(".menu-button").getAttribute("aria-label"), "Obre la llista de canals (hi ha missatges sense llegir)");
    await openChannel(phone.page, "zeta");
    await until("dot gone", async () => (await dot.count()) === 0);
    await phone.context.close();
  });
});
