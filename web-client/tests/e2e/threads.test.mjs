// Browser tests of threads: replying in a thread on a desktop (side panel) and on a phone (full
// screen with a back button), the root's summary kept live for the other user, "also send to
// the channel", the threads view with its unread badge, and the up arrow ignoring hidden
// replies. Against the real server; see harness.mjs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, openChannel, screenshot, startStack, until } from "./harness.mjs";

const T = { timeout: 120_000 };
let stack;
let users;
let channel;
/** The seq of the thread's root (the channel's creation and joins come first). */
let rootSeq;
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

const channelTexts = (page) => page.locator(".message-scroller .message[data-delivery] .message-text").allInnerTexts();
const threadTexts = (page) => page.locator(".thread-panel .message[data-delivery] .message-text").allInnerTexts();
const channelMessage = (page, text) => page.locator(".message-scroller .message[data-message-id]").filter({ hasText: text }).last();

async function post(who, body, extra = {}) {
  return users[who].api.call("POST", `/api/v1/channels/${channel.id}/messages`, { body, ...extra });
}

async function replyInThread(page, text, alsoInChannel = false) {
  if (alsoInChannel) await page.locator(".thread-panel .also-in-channel input").check();
  await page.locator("#thread-input").fill(text);
  await page.locator("#thread-input").press("Enter");
}

describe("threads in a real browser", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    users = {};
    for (const [username, name] of [["alice", "Alícia Puig"], ["bob", "Bernat Soler"]]) {
      users[username] = await api.createUser(username, name);
      users[username].api = await api.as(username);
    }
    channel = await users.alice.api.call("POST", "/api/v1/channels", { name: "obres", kind: "public" });
    await users.bob.api.call("POST", `/api/v1/channels/${channel.id}/join`);
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("replies in a thread on a desktop; the other user sees the summary and the reply live", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "obres");
    await openChannel(bob.page, "obres");
    const root = "Qui revisa el projecte de la plaça?";
    rootSeq = (await post("bob", root)).seq;
    await until("alice sees the root", async () => (await channelTexts(alice.page)).includes(root));

    // From the message menu: Reply in thread.
    const message = channelMessage(alice.page, root);
    await message.hover();
    await message.getByRole("button", { name: "Més opcions del missatge" }).click();
    await alice.page.getByRole("menuitem", { name: "Respon en un fil" }).click();
    const panel = alice.page.locator(".thread-panel");
    await panel.waitFor();
    await until("the root shows in the panel", async () => (await threadTexts(alice.page)).includes(root));
    const box = await panel.boundingBox();
    assert.ok(box.x > 500 && box.width < 500, `a side panel on a desktop: ${JSON.stringify(box)}`);

    await replyInThread(alice.page, "Jo me'n cuido");
    await until("the reply is in alice's thread", async () => (await threadTexts(alice.page)).includes("Jo me'n cuido"));
    // Not in the channel's timeline, for either of them.
    await until("bob sees the summary live", async () => (await channelMessage(bob.page, root).locator(".thread-summary").innerText().catch(() => "")).includes("1 resposta"));
    assert.ok(!(await channelTexts(bob.page)).includes("Jo me'n cuido"), "the reply stays in its thread");
    assert.ok(!(await channelTexts(alice.page)).includes("Jo me'n cuido"));
    assert.equal(await channelMessage(bob.page, root).locator(".thread-participants .avatar").first().innerText(), "AP");

    // Bob opens it from the summary and answers, also in the channel.
    await channelMessage(bob.page, root).locator(".thread-summary").click();
    await until("bob's panel has alice's reply", async () => (await threadTexts(bob.page)).includes("Jo me'n cuido"));
    await replyInThread(bob.page, "Gràcies! Dijous en parlem", true);
    await until("alice sees bob's reply in the thread, live", async () => (await threadTexts(alice.page)).includes("Gràcies! Dijous en parlem"));
    await until("and in the channel too", async () => (await channelTexts(alice.page)).includes("Gràcies! Dijous en parlem"));
    await until("the summary counts 2", async () => (await channelMessage(alice.page, root).locator(".thread-summary").innerText()).includes("2 respostes"));
    await screenshot(alice.page, "thread-desktop");

    // The up arrow edits alice's last message of the channel's timeline, not her hidden reply.
    await alice.page.locator(".thread-close").click();
    await panel.waitFor({ state: "detached" });
    await alice.page.locator("#composer-input").fill("Un missatge al canal");
    await alice.page.locator("#composer-input").press("Enter");
    await until("sent", async () => (await alice.page.locator(".message-scroller .message[data-delivery='sent']").filter({ hasText: "Un missatge al canal" }).count()) === 1);
    await post("alice", "Resposta amagada", { thread_root: rootSeq });
    await alice.page.locator("#composer-input").press("ArrowUp");
    const editor = alice.page.locator(".message-scroller .message.editing textarea");
    await editor.waitFor();
    assert.equal(await editor.inputValue(), "Un missatge al canal");
    await editor.press("Escape");
    await alice.context.close();
    await bob.context.close();
  });

  it("the threads view lists followed threads with unread replies; opening one reads it", T, async () => {
    const alice = await open("alice");
    await post("bob", "Una resposta nova de Bernat", { thread_root: rootSeq });
    await alice.page.locator("[data-testid='threads-view']").click();
    const item = alice.page.locator(".thread-item").filter({ hasText: "Qui revisa el projecte" });
    await item.waitFor();
    await until("one unread reply", async () => (await item.locator(".badge").innerText().catch(() => "")) === "1");
    await item.click();
    await until("the thread opens with the new reply", async () => (await threadTexts(alice.page)).includes("Una resposta nova de Bernat"));
    // Read now: the view shows no badge any more, and the channel's own marker did not move back.
    await alice.page.locator("[data-testid='threads-view']").click();
    await item.waitFor();
    await until("no unread badge", async () => (await item.locator(".badge").count()) === 0);
    await alice.context.close();
  });

  it("replies in a thread at phone width: the thread covers the channel and has a back button", T, async () => {
    const bob = await open("bob", { viewport: { width: 360, height: 740 } });
    const alice = await open("alice");
    await openChannel(bob.page, "obres");
    await openChannel(alice.page, "obres");
    const summary = channelMessage(bob.page, "Qui revisa el projecte").locator(".thread-summary");
    await summary.click();
    const panel = bob.page.locator(".thread-panel");
    await panel.waitFor();
    const box = await panel.boundingBox();
    const width = await bob.page.evaluate(() => document.documentElement.clientWidth);
    assert.ok(box.x === 0 && box.width === width && width <= 380, `full screen: ${JSON.stringify(box)} of ${width}`);
    await replyInThread(bob.page, "Des del mòbil");
    await until("bob sees his reply", async () => (await threadTexts(bob.page)).includes("Des del mòbil"));
    await until("alice's summary counts it live", async () => (await channelMessage(alice.page, "Qui revisa el projecte").locator(".thread-summary").innerText()).includes("5 respostes"));
    await screenshot(bob.page, "thread-phone");
    await bob.page.getByRole("button", { name: "Torna al canal" }).click();
    await panel.waitFor({ state: "detached" });
    await bob.page.locator("#composer-input").waitFor();
    await alice.context.close();
    await bob.context.close();
  });
});
