// Browser tests of pins and saved messages: pinning from the menu is seen live by the other
// user (the mark, and the pinned list kept current), unpinning takes it away, a saved message
// shows in the saved view, and an old pinned or saved message (not in the loaded page) opens
// in its channel scrolled to it and highlighted. Against the real server; see harness.mjs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, openChannel, startStack, until } from "./harness.mjs";

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

/** Whether the message with this seq is inside the visible part of the channel's list. */
async function inView(page, seq) {
  return page.evaluate((s) => {
    const scroller = document.querySelector(".message-scroller");
    const row = document.querySelector(`.message-scroller .message[data-seq="${s}"]`);
    if (!scroller || !row) return false;
    const a = scroller.getBoundingClientRect();
    const b = row.getBoundingClientRect();
    return b.top >= a.top - 1 && b.bottom <= a.bottom + 1 && b.height > 0;
  }, seq);
}

const channelMessage = (page, text) => page.locator(".message-scroller .message[data-message-id]").filter({ hasText: text }).last();

async function menuItem(page, text, item) {
  const message = channelMessage(page, text);
  await message.hover();
  await message.getByRole("button", { name: "Més opcions del missatge" }).click();
  await page.getByRole("menuitem", { name: item, exact: true }).click();
}

describe("pins and saved messages in a real browser", () => {
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
    await users.bob.api.call("POST", `/api/v1/channels/${channel.id}/messages`, { body: "Horari d'estiu: de 8 a 15 h" });
    await users.bob.api.call("POST", `/api/v1/channels/${channel.id}/messages`, { body: "Una altra cosa" });
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("pins from the menu; the other user sees the mark and the pinned list change live", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "obres");
    await openChannel(bob.page, "obres");
    // Bob opens the pinned list first: empty.
    await bob.page.getByRole("button", { name: "Mostra els missatges fixats" }).click();
    const panel = bob.page.locator(".pins-panel");
    await panel.getByText("No hi ha cap missatge fixat en aquest canal.").waitFor();

    await menuItem(alice.page, "Horari d'estiu", "Fixa");
    await until("alice sees the mark", async () => (await channelMessage(alice.page, "Horari d'estiu").locator("[data-testid='pin-mark']").count()) === 1);
    await until("bob sees the mark live", async () => (await channelMessage(bob.page, "Horari d'estiu").locator("[data-testid='pin-mark']").count()) === 1);
    await until("bob's pinned list has it", async () => (await panel.locator(".message-card").allInnerTexts()).some((t) => t.includes("Horari d'estiu") && t.includes("Fixat per Alícia Puig")));

    await menuItem(alice.page, "Horari d'estiu", "Desfixa");
    await until("bob's list is empty again", async () => (await panel.locator(".message-card").count()) === 0);
    assert.equal(await channelMessage(bob.page, "Horari d'estiu").locator("[data-testid='pin-mark']").count(), 0);
    await bob.page.getByRole("button", { name: "Tanca els missatges fixats" }).click();
    await panel.waitFor({ state: "detached" });
    await alice.context.close();
    await bob.context.close();
  });

  it("saves a message and finds it in the saved view; takes it out again", T, async () => {
    const alice = await open("alice");
    await openChannel(alice.page, "obres");
    await menuItem(alice.page, "Una altra cosa", "Desa");
    await alice.page.locator("[data-testid='saved-view']").click();
    const card = alice.page.locator(".saved-view .message-card").filter({ hasText: "Una altra cosa" });
    await card.waitFor();
    assert.match(await card.innerText(), /a obres/);
    // Back to the channel from the card; the menu now offers to take it out.
    await card.locator(".card-note").click();
    await alice.page.locator(".channel-title-text").filter({ hasText: "obres" }).waitFor();
    await menuItem(alice.page, "Una altra cosa", "Treu de desats");
    await alice.page.locator("[data-testid='saved-view']").click();
    await alice.page.getByText("Encara no has desat cap missatge.").waitFor();
    await alice.context.close();
  });

  it("opens an old pinned or saved message in its channel, scrolled to it and highlighted", T, async () => {
    const history = await users.alice.api.call("POST", "/api/v1/channels", { name: "historic", kind: "public" });
    const posted = [];
    // More than the first page and the scroll-back it may trigger (one author's rows are short).
    for (let i = 1; i <= 150; i++) posted.push(await users.alice.api.call("POST", `/api/v1/channels/${history.id}/messages`, { body: `Acta número ${i}` }));
    const pinned = posted[4];
    const saved = posted[11];
    await users.alice.api.call("PUT", `/api/v1/channels/${history.id}/pins/${pinned.id}`);
    await users.alice.api.call("PUT", `/api/v1/saved/${saved.id}`);

    const alice = await open("alice");
    const around = [];
    alice.page.on("request", (request) => {
      if (/\/messages\?.*around=/.test(request.url())) around.push(new URL(request.url()).searchParams.get("around"));
    });
    await openChannel(alice.page, "historic");
    await channelMessage(alice.page, "Acta número 150").waitFor();
    assert.equal(await alice.page.locator(`.message-scroller .message[data-seq="${pinned.seq}"]`).count(), 0);

    await alice.page.getByRole("button", { name: "Mostra els missatges fixats" }).click();
    const card = alice.page.locator(".pins-panel .message-card").filter({ hasText: "Acta número 5" });
    await card.locator(".card-note").click();
    await alice.page.locator(`.message-scroller .message.flash[data-seq="${pinned.seq}"]`).waitFor();
    await until("the pinned message in view", () => inView(alice.page, pinned.seq));
    assert.deepEqual(around, [String(pinned.seq)], "fetched with around");
    // The pins panel stays beside the channel on a wide screen.
    assert.equal(await alice.page.locator(".pins-panel").count(), 1);

    // From the saved view, the same.
    await alice.page.locator("[data-testid='saved-view']").click();
    await alice.page.locator(".saved-view .message-card").filter({ hasText: "Acta número 12" }).locator(".card-note").click();
    await alice.page.locator(".channel-title-text").filter({ hasText: "historic" }).waitFor();
    await alice.page.locator(`.message-scroller .message.flash[data-seq="${saved.seq}"]`).waitFor();
    await until("the saved message in view", () => inView(alice.page, saved.seq));
    await alice.context.close();

    // On a phone the pins panel covers the channel: it makes way for the message opened from it.
    await users.bob.api.call("POST", `/api/v1/channels/${history.id}/join`);
    const bob = await open("bob", { viewport: { width: 360, height: 740 } });
    await openChannel(bob.page, "historic");
    await bob.page.getByRole("button", { name: "Mostra els missatges fixats" }).click();
    await bob.page.locator(".pins-panel .message-card").filter({ hasText: "Acta número 5" }).locator(".card-note").click();
    await bob.page.locator(".pins-panel").waitFor({ state: "detached" });
    await bob.page.locator(`.message-scroller .message.flash[data-seq="${pinned.seq}"]`).waitFor();
    await until("in view on the phone", () => inView(bob.page, pinned.seq));
    await bob.context.close();
  });
});
