// Browser tests of unread messages: the "new messages" divider where the unread ones start,
// the channel opening at it when more unread messages than fit follow it (at its end when they
// fit), the jump to it, and "mark as unread", whose badge another tab of the same person shows
// too.
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
    const scroller = tab1.page.locator(".message-scroller");
    const dividerNearTop = async () => {
      const [d, box] = await Promise.all([divider.boundingBox().catch(() => null), scroller.boundingBox()]);
      return d !== null && d.y >= box.y - 1 && d.y - box.y < 60;
    };
    // More unread messages than fit: the list opens with the divider near its top, not at the end.
    await until("the divider near the top", dividerNearTop);
    assert.equal(await tab1.page.getByRole("button", { name: "Salta al primer missatge no llegit" }).count(), 0);
    // From the end, the jump button brings the divider back into view.
    await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await tab1.page.getByRole("button", { name: "Salta al primer missatge no llegit" }).click();
    await until("the divider near the top again", dividerNearTop);
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

  it("opens a channel at its end when its few unread messages fit", T, async () => {
    const tab = await open("alice");
    await openChannel(tab.page, "obres");
    for (let i = 1; i <= 3; i++) {
      await users.bob.api.call("POST", `/api/v1/channels/${channels.general.id}/messages`, { body: `Poc ${i}` });
    }
    await until("3 unread", async () => (await tab.page.locator('.channel-item[data-channel="general"] .badge').innerText().catch(() => "")) === "3");
    await openChannel(tab.page, "general");
    await tab.page.locator("[data-testid='unread-divider']").waitFor();
    await tab.page.locator(".message-scroller .message").filter({ hasText: "Poc 3" }).waitFor();
    await until("at the end", async () =>
      tab.page.locator(".message-scroller").evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2),
    );
    await tab.context.close();
  });
});
