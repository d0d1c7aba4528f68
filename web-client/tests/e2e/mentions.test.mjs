// Browser tests of mentions: the composer's @ completion (keyboard, and touch at phone width
// without talk of arrow keys), the mention badge in the other user's channel list kept live and
// cleared on reading, and the mark on a message that mentions me. Against the real server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { messageTexts, openAs, openChannel, startStack, until } from "./harness.mjs";

const T = { timeout: 120_000 };
let stack;
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

describe("mentions in a real browser", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    const users = {};
    for (const [username, name] of [["alice", "Alícia Puig"], ["bob", "Bernat Soler"], ["carla", "Carla Vidal"]]) {
      users[username] = await api.createUser(username, name);
      users[username].api = await api.as(username);
    }
    for (const name of ["obres", "general"]) {
      const channel = await users.alice.api.call("POST", "/api/v1/channels", { name, kind: "public" });
      await users.bob.api.call("POST", `/api/v1/channels/${channel.id}/join`);
    }
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("completes @ with the keyboard; the other user gets a live mention badge, cleared on reading", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "obres");
    await openChannel(bob.page, "general");
    const composer = alice.page.locator("#composer-input");
    await composer.pressSequentially("Revisa-ho @");
    const list = alice.page.getByRole("listbox", { name: "Persones i grups per mencionar" });
    await list.waitFor();
    // The channel's members arrive a moment after the list opens (@canal and @aquí need none).
    await list.getByRole("option").filter({ hasText: "@bob" }).waitFor();
    const options = await list.getByRole("option").allInnerTexts();
    // Members of the channel first (not me; carla is not a member), then @canal and @aquí.
    assert.match(options[0], /@bob/);
    assert.ok(!options.some((o) => o.includes("@carla")), options.join());
    assert.ok(options.some((o) => o.includes("@canal")) && options.some((o) => o.includes("@aquí")));
    assert.match(await alice.page.locator(".mention-popup .command-hint").innerText(), /Fletxes/);
    // Escape closes it; typing goes on; Enter completes.
    await composer.press("Escape");
    await list.waitFor({ state: "detached" });
    await composer.pressSequentially("b");
    await list.waitFor();
    await composer.press("ArrowDown");
    await composer.press("ArrowUp");
    await composer.press("Enter");
    assert.equal(await composer.inputValue(), "Revisa-ho @bob ");
    // Typed straight after completing: every key lands after the mention, in order.
    await composer.pressSequentially("si us plau");
    await composer.press("Enter");
    await until("alice's message as typed", async () => (await messageTexts(alice.page)).at(-1) === "Revisa-ho @bob si us plau");

    const badge = bob.page.locator('.channel-item[data-channel="obres"] [data-testid="mention-badge"]');
    await until("bob's mention badge", async () => (await badge.innerText().catch(() => "")) === "@1");
    await openChannel(bob.page, "obres");
    const mine = bob.page.locator(".message.mentions-me").filter({ hasText: "si us plau" });
    await mine.waitFor();
    assert.equal(await mine.locator(".mention-me").innerText(), "@bob");
    await openChannel(bob.page, "general");
    assert.equal(await badge.count(), 0, "read: no badge any more");
    await alice.context.close();
    await bob.context.close();
  });

  it("completes @ with a tap at phone width, and says nothing of arrow keys", T, async () => {
    const context = await stack.browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: "ca-ES", serviceWorkers: "block" });
    const page = await context.newPage();
    await page.goto(stack.webUrl + "/?e2e");
    await page.locator('input[name="username"]').fill("bob");
    await page.locator('input[name="password"]').fill("correct horse battery");
    await page.locator('button[type="submit"]').click();
    await page.locator("#composer-input").waitFor();
    await page.locator("#composer-input").pressSequentially("@ali");
    const option = page.getByRole("option").filter({ hasText: "@alice" });
    await option.tap();
    assert.equal(await page.locator("#composer-input").inputValue(), "@alice ");
    await page.locator("#composer-input").fill("/");
    const hint = await page.locator(".command-popup .command-hint").innerText();
    assert.ok(!/Fletxes|Tab/.test(hint), hint);
    await page.locator("#composer-input").fill("@");
    const mentionHint = await page.locator(".mention-popup .command-hint").innerText();
    assert.equal(mentionHint, "Toca un nom per mencionar-lo.");
    await context.close();
  });
});
