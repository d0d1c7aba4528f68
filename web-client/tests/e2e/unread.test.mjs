// Browser tests of unread messages: the "new messages" divider where the unread ones start,
// the jump to it, and "mark as unread", whose badge another tab of the same person shows too.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, openChannel, startStack, until } from "./harness.mjs";

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

describe("unread messages in a real browser", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    users = {};
    for (const [username, name] of [["alice", "Alícia Puig"], ["bob", "Bernat Soler"]]) {
      users[username] = await api.createUser(username, name);
      users[username].api = await api.as(username);
    }
    for (const name of ["general", "obres"]) {
      channels[name] = await users.alice.api.call("POST", "/api/v1/channels", { name, kind: "public" });
      await users.bob.api.call("POST", `/api/v1/channels/${channels[name].id}/join`);
    }
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("shows the divider at the first unread, and mark unread shows the badge in another tab", T, async () => {
    const tab1 = await open("alice");
    await openChannel(tab1.page, "general");
    await users.alice.api.call("POST", `/api/v1/channels/${channels.obres.id}/messages`, { body: "Ja llegit" });
    for (let i = 1; i <= 40; i++) {
      await users.bob.api.call("POST", `/api/v1/channels/${channels.obres.id}/messages`, { body: `Nou ${i}` });
    }
    const badge = (page) => page.locator('.channel-item[data-channel="obres"] .badge');
    await until("40 unread", async () => (await badge(tab1.page).innerText().catch(() => "")) === "40");
    await openChannel(tab1.page, "obres");
    const divider = tab1.page.locator("[data-testid='unread-divider']");
    // The list opens at the bottom; the jump button brings the divider into view.
    await tab1.page.getByRole("button", { name: "Salta al primer missatge no llegit" }).click();
    await divider.waitFor();
    const next = await tab1.page.locator(".row").filter({ has: divider }).evaluate((row) => row.nextElementSibling?.textContent ?? "");
    assert.match(next, /Nou 1\b/);

    // A second tab of alice, in another channel; the first marks "Nou 39" unread.
    const tab2 = await open("alice");
    await openChannel(tab2.page, "general");
    const message = tab1.page.locator(".message-scroller .message[data-message-id]").filter({ hasText: "Nou 39" });
    await message.scrollIntoViewIfNeeded();
    await message.hover();
    await message.getByRole("button", { name: "Més opcions del missatge" }).click();
    await tab1.page.getByRole("menuitem", { name: "Marca com a no llegit" }).click();
    await until("the other tab shows 2 unread", async () => (await badge(tab2.page).innerText().catch(() => "")) === "2");
    // The tab that marked it keeps it unread while it is open: the divider moves there.
    await until("divider before Nou 39", async () =>
      /Nou 39/.test(await tab1.page.locator(".row").filter({ has: divider }).evaluate((row) => row.nextElementSibling?.textContent ?? "").catch(() => "")),
    );
    await tab1.context.close();
    await tab2.context.close();
  });
});
