// Browser tests of search: a word typed without its accent finds the accented one, the excerpt
// marks it (a user's literal "<mark>" stays text), and opening a result older than the page
// the channel loaded fetches the messages around it and shows the channel scrolled to it,
// highlighted; also at phone width, for a thread reply (its thread opens at it), with "load
// more", a refused query's message, Tab through the results and Escape. Against the real
// server; see harness.mjs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, openChannel, startStack, until } from "./harness.mjs";

const T = { timeout: 120_000 };
const FILLER = 130;
let stack;
let channel;
let target;
let reply;
const allProblems = [];

async function open(options) {
  const session = await openAs(stack, "erola", options);
  allProblems.push(session.problems);
  // Every request for messages around a seq (a result not in the loaded page).
  session.around = [];
  session.page.on("request", (request) => {
    if (/\/messages\?.*around=/.test(request.url())) session.around.push(request.url());
  });
  return session;
}

async function search(page, text) {
  if (!(await page.locator(".search-view").isVisible())) await page.getByTestId("search-open").click();
  const input = page.getByTestId("search-input");
  await input.fill(text);
  await input.press("Enter");
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

describe("search in a real browser", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    await api.createUser("erola", "Erola Mas");
    const erola = await api.as("erola");
    channel = await erola.call("POST", "/api/v1/channels", { name: "urbanisme", kind: "public" });
    const post = (body, extra = {}) => erola.call("POST", `/api/v1/channels/${channel.id}/messages`, { body, ...extra });
    await post("Primer recompte del dia");
    target = await post("Cal revisar la llicència d'obres <mark>urgent</mark> & ràpid");
    for (let i = 0; i < FILLER; i++) await post(`Recompte de farciment ${i}`);
    const root = await post("Tema del pressupost anual");
    reply = await post("Resposta sobre la subvenció del projecte", { thread_root: root.seq });
    for (let i = 0; i < 60; i++) await post(`Més farciment ${i}`);
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("finds an accented word typed without accent and opens the old message in its channel", T, async () => {
    const { page, context, around } = await open();
    await openChannel(page, "urbanisme");
    // The first page holds the newest messages only: the target is not in it.
    await page.locator(".message-scroller .message[data-seq]").first().waitFor();
    assert.equal(await page.locator(`.message-scroller .message[data-seq="${target.seq}"]`).count(), 0);

    await search(page, "llicencia");
    const result = page.locator(".search-result").first();
    await result.waitFor();
    assert.equal(await page.locator(".search-result").count(), 1);
    assert.equal(await result.locator(".search-excerpt mark").innerText(), "llicència");
    // The user's literal <mark> is text, not an element.
    assert.match(await result.locator(".search-excerpt").innerText(), /<mark>urgent<\/mark> & ràpid/);
    assert.equal(await result.locator(".search-excerpt mark").count(), 1);
    assert.match(await result.innerText(), /Erola Mas/);
    assert.match(await result.innerText(), /urbanisme/);

    // Tab from the box goes through the search button to the results.
    await page.getByTestId("search-input").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("search-result")), true);

    await result.click();
    const flashed = page.locator(`.message-scroller .message.flash[data-seq="${target.seq}"]`);
    await flashed.waitFor();
    await until("the result is scrolled into view", () => inView(page, target.seq));
    assert.equal(around.length, 1, "fetched with around");
    assert.match(around[0], new RegExp(`around=${target.seq}`));
    await page.locator(".channel-title-text").filter({ hasText: "urbanisme" }).waitFor();
    // The highlight fades: the class goes.
    await flashed.waitFor({ state: "detached", timeout: 10_000 });
    assert.equal(await page.locator(`.message-scroller .message[data-seq="${target.seq}"]`).count(), 1);

    // Back to the search: the results are kept; Escape closes it.
    await page.getByTestId("search-open").click();
    await page.locator(".search-result").first().waitFor();
    await page.keyboard.press("Escape");
    await page.locator(".search-view").waitFor({ state: "detached" });
    await page.locator(".channel-title-text").filter({ hasText: "urbanisme" }).waitFor();
    await context.close();
  });

  it("loads more results, shows a refused query's message, and opens a thread reply in its thread", T, async () => {
    const { page, context } = await open();
    await search(page, "recompte");
    await until("a first page of 20", async () => (await page.locator(".search-result").count()) === 20);
    await page.getByRole("button", { name: "Carrega'n més" }).click();
    await until("a second page", async () => (await page.locator(".search-result").count()) === 40);
    // Newest first.
    const first = await page.locator(".search-result").first().innerText();
    assert.match(first, /Recompte de farciment 129/);

    await search(page, "color:blau");
    const error = page.getByTestId("search-error");
    await error.waitFor();
    assert.match(await error.innerText(), /No es pot cercar: .+/);
    assert.equal(await page.locator(".search-result").count(), 0);

    await search(page, "subvencio");
    const result = page.locator(".search-result").first();
    await result.waitFor();
    assert.match(await result.innerText(), /resposta en un fil a urbanisme/);
    await result.click();
    await page.locator(`.thread-panel .thread-message.flash[data-seq="${reply.seq}"]`).waitFor();
    await context.close();
  });

  it("works at phone width: the search fills the screen and the result opens scrolled to it", T, async () => {
    const { page, context, around } = await open({ viewport: { width: 360, height: 740 } });
    await openChannel(page, "urbanisme");
    await page.locator(".message-scroller .message[data-seq]").first().waitFor();
    await search(page, "LLICENCIA");
    const view = page.locator(".search-view");
    const box = await view.boundingBox();
    assert.ok(box && box.width >= 355, `full width (${box?.width})`);
    const result = page.locator(".search-result").first();
    await result.waitFor();
    assert.equal(await result.locator(".search-excerpt mark").innerText(), "llicència");
    await result.click();
    await page.locator(`.message-scroller .message.flash[data-seq="${target.seq}"]`).waitFor();
    await until("the result is scrolled into view", () => inView(page, target.seq));
    assert.equal(around.length, 1);
    await context.close();
  });
});
