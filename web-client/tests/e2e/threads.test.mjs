// Browser tests of threads: replying in a thread on a desktop (side panel) and on a phone (full
// screen with a back button), the root's summary kept live for the other user, "also send to
// the channel", the threads view with its unread badge (and new threads joining it live), the
// up arrow ignoring hidden replies, a reply's own menu in the panel (react, edit, delete;
// the up arrow edits my last reply), seen live by the other user, and "mark unread" on a
// reply, kept across a reload. Against the real server; see harness.mjs.
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

  it("a reply in the thread panel has the message menu: react, edit (also by the up arrow) and delete, live for the other", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "obres");
    await openChannel(bob.page, "obres");
    const root = "Revisem el pressupost de l'escola?";
    const seq = (await post("bob", root)).seq;
    await post("alice", "Sí, dilluns", { thread_root: seq });
    for (const page of [alice.page, bob.page]) {
      await until("the summary", async () => (await channelMessage(page, root).locator(".thread-summary").innerText().catch(() => "")).includes("1 resposta"));
      await channelMessage(page, root).locator(".thread-summary").click();
      await until("the reply in the panel", async () => (await threadTexts(page)).includes("Sí, dilluns"));
    }
    const reply = (page, text) => page.locator(".thread-panel .message[data-message-id]").filter({ hasText: text }).last();
    const openMenu = async (page, text) => {
      const message = reply(page, text);
      await message.hover();
      await message.getByRole("button", { name: "Més opcions del missatge" }).click();
      await page.locator(".thread-panel .message-menu").waitFor();
    };

    // Alice reacts from the reply's menu; bob sees the chip, and adds his own from it.
    await openMenu(alice.page, "Sí, dilluns");
    await alice.page.locator(".thread-panel .message-menu [data-emoji='👍']").click();
    // By its id: its text changes below.
    const replyId = await reply(alice.page, "Sí, dilluns").getAttribute("data-message-id");
    const chip = (page) => page.locator(`.thread-panel .message[data-message-id="${replyId}"] .reaction-chip[data-emoji='👍']`);
    await until("bob sees alice's reaction", async () => (await chip(bob.page).getAttribute("aria-label").catch(() => "")) === "👍: 1 reacció");
    await chip(bob.page).click();
    await until("alice sees two", async () => (await chip(alice.page).getAttribute("aria-label").catch(() => "")) === "👍: 2 reaccions");

    // Alice edits it from the menu; bob sees the new text, marked edited.
    await openMenu(alice.page, "Sí, dilluns");
    await alice.page.getByRole("menuitem", { name: "Edita el missatge" }).click();
    const editor = alice.page.locator(".thread-panel .message.editing textarea");
    await editor.waitFor();
    await editor.fill("Sí, dimarts");
    await editor.press("Enter");
    await editor.waitFor({ state: "detached" });
    await until("bob sees the edit", async () => (await threadTexts(bob.page)).some((text) => text.startsWith("Sí, dimarts") && text.includes("(editat)")));
    // Still the reactions on it.
    await until("the chip stays", async () => (await chip(bob.page).count()) === 1);

    // The up arrow in the panel's empty composer edits her last reply of this thread.
    await replyInThread(alice.page, "Porto els números");
    await until("sent", async () => (await alice.page.locator(".thread-panel .message[data-delivery='sent']").filter({ hasText: "Porto els números" }).count()) === 1);
    await alice.page.locator("#thread-input").press("ArrowUp");
    await editor.waitFor();
    assert.equal(await editor.inputValue(), "Porto els números");
    await editor.fill("Porto els números i el pla");
    await editor.press("Enter");
    await editor.waitFor({ state: "detached" });
    await until("bob sees the second edit", async () => (await threadTexts(bob.page)).some((text) => text.startsWith("Porto els números i el pla")));
    assert.equal(await alice.page.evaluate(() => document.activeElement?.id), "thread-input", "back to the thread's composer");

    // Alice deletes it: a tombstone for both, the thread still open behind the dialog.
    await openMenu(alice.page, "Porto els números i el pla");
    await alice.page.getByRole("menuitem", { name: "Elimina el missatge" }).click();
    await alice.page.getByRole("button", { name: "Elimina", exact: true }).click();
    await until("bob sees the tombstone", async () => (await threadTexts(bob.page)).includes("S'ha eliminat aquest missatge"));
    assert.ok(!(await threadTexts(bob.page)).some((text) => text.includes("Porto els números")));
    await alice.page.locator(".thread-panel").waitFor();
    await screenshot(bob.page, "thread-reply-actions");
    await alice.context.close();
    await bob.context.close();
  });

  it("the threads view gains a thread I come to follow, live", T, async () => {
    const alice = await open("alice");
    await alice.page.locator("[data-testid='threads-view']").click();
    await alice.page.locator(".threads-view").waitFor();
    const item = (text) => alice.page.locator(".thread-item").filter({ hasText: text });

    // Someone replies to my message.
    const mine = "Algú té la clau del magatzem?";
    const seq = (await post("alice", mine)).seq;
    assert.equal(await item(mine).count(), 0);
    await post("bob", "La tinc jo", { thread_root: seq });
    await item(mine).waitFor();
    await until("with its unread reply", async () => (await item(mine).locator(".badge").innerText().catch(() => "")) === "1");

    // Someone mentions me in a reply to their own message.
    const theirs = "Calendari de vacances";
    const theirSeq = (await post("bob", theirs)).seq;
    await post("bob", "@alice hi pots mirar?", { thread_root: theirSeq });
    await item(theirs).waitFor();
    // Newest reply first.
    assert.match(await alice.page.locator(".thread-item").first().innerText(), /Calendari de vacances/);
    await alice.context.close();
  });

  it("marks a thread's reply unread from its menu: the thread shows in the threads view with its unread replies, also after a reload", T, async () => {
    // A thread bob does not follow: alice's root and replies.
    const root = "Qui porta les cadires a l'assemblea?";
    const seq = (await post("alice", root)).seq;
    for (const text of ["Jo en porto deu", "Falten les de la sala gran", "I les taules?"]) await post("alice", text, { thread_root: seq });
    const followed = async () => (await users.bob.api.call("GET", "/api/v1/threads")).threads.some((t) => t.channel_id === channel.id && t.root.seq === seq);
    assert.equal(await followed(), false);

    const bob = await open("bob");
    await openChannel(bob.page, "obres");
    const summary = channelMessage(bob.page, root).locator(".thread-summary");
    await until("the summary", async () => (await summary.innerText().catch(() => "")).includes("3 respostes"));
    await summary.click();
    await until("the replies in the panel", async () => (await threadTexts(bob.page)).includes("I les taules?"));
    const reply = bob.page.locator(".thread-panel .message[data-message-id]").filter({ hasText: "Falten les de la sala gran" });
    await reply.hover();
    await reply.getByRole("button", { name: "Més opcions del missatge" }).click();
    await bob.page.locator(".thread-panel .message-menu").getByRole("menuitem", { name: "Marca com a no llegit" }).click();
    await until("the server follows the thread for bob", followed);

    // The threads view lists it with the 2nd and 3rd replies unread.
    const item = bob.page.locator(".thread-item").filter({ hasText: root });
    const badge = async () => item.locator(".badge").innerText().catch(() => "");
    await bob.page.locator("[data-testid='threads-view']").click();
    await until("2 unread replies", async () => (await badge()) === "2");
    await screenshot(bob.page, "thread-marked-unread");

    // Back in the channel the panel shows the thread again; a reply arriving there now is not
    // read just by being on screen (it would read the whole thread, undoing the mark).
    await openChannel(bob.page, "obres");
    await bob.page.locator(".thread-panel").waitFor();
    await post("alice", "Les porto jo", { thread_root: seq });
    await until("the new reply in bob's panel", async () => (await threadTexts(bob.page)).includes("Les porto jo"));
    await bob.page.locator("[data-testid='threads-view']").click();
    await until("3 unread replies", async () => (await badge()) === "3");

    // Still unread after a reload.
    await bob.page.reload();
    await bob.page.locator("#composer-input").waitFor({ timeout: 20_000 });
    await bob.page.locator("[data-testid='threads-view']").click();
    await until("still 3 unread replies", async () => (await badge()) === "3");
    await bob.context.close();
  });
});
