// Browser tests of the commands a channel offers besides the built-in ones: a bot that speaks
// the Telegram-compatible Bot API registers its commands with `setMyCommands`, and the
// composer's "/" popup offers them (with the bot's @username) in the channels the bot is in,
// and only there. Against the real server; see harness.mjs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, openChannel, screenshot, startStack, until } from "./harness.mjs";

const T = { timeout: 120_000 };
const BUILT_IN = ["/help", "/suport", "/ticket", "/tickets", "/info"];
let stack;
let withBot;
let withoutBot;
let bot;

/** Calls the Telegram-compatible Bot API, which lives at the server's root (`/bot<token>/…`). */
async function telegram(token, method, params) {
  const base = stack.server?.url ?? stack.webUrl;
  const response = await fetch(`${base}/bot${token}/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(params),
  });
  const answer = await response.json();
  assert.equal(answer.ok, true, `${method}: ${JSON.stringify(answer)}`);
  return answer.result;
}

/** Whether the page has had the answer to its request for a channel's commands. */
function commandsFetched(page, channelId) {
  return page.evaluate(
    (path) => performance.getEntriesByType("resource").some((e) => new URL(e.name).pathname === path),
    `/api/v1/channels/${channelId}/commands`,
  );
}

describe("a channel's bot commands in the composer", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    const alice = await api.createUser("alice", "Alícia Puig");
    alice.api = await api.as("alice");
    withBot = await alice.api.call("POST", "/api/v1/channels", { name: "operacions", kind: "public", topic: "Serveis i incidències" });
    withoutBot = await alice.api.call("POST", "/api/v1/channels", { name: "cafeteria", kind: "public", topic: "" });
    bot = await api.call("POST", "/api/v1/bots", { username: "monitor", display_name: "Monitor de serveis" });
    await telegram(bot.token, "setMyCommands", { commands: [{ command: "estat", description: "Estat dels serveis" }] });
    await api.call("PUT", `/api/v1/channels/${withBot.id}/members/${bot.bot.id}`);
    // The server's own list, as the client will get it.
    const offered = await alice.api.call("GET", `/api/v1/channels/${withBot.id}/commands`);
    assert.deepEqual(
      offered.map((c) => [c.name, c.description, c.bot_username]),
      [["estat", "Estat dels serveis", "monitor"]],
    );
  }, T);

  after(async () => {
    await stack?.close();
  });

  it("offers the bot's command where the bot is, completes it, and not elsewhere", T, async () => {
    const { context, page, problems } = await openAs(stack, "alice");
    const input = page.locator("#composer-input");
    const options = page.locator(".command-option");

    await openChannel(page, "operacions");
    await input.pressSequentially("/es");
    await until("the bot's command is offered", async () => (await options.count()) === 1);
    const option = options.first();
    assert.equal(await option.locator(".command-name").innerText(), "/estat");
    assert.equal(await option.locator(".command-description").innerText(), "Estat dels serveis");
    assert.equal(await option.locator(".command-bot").innerText(), "@monitor");
    assert.equal(await option.locator(".command-bot").getAttribute("title"), "Ordre del bot @monitor");
    assert.equal(await option.getAttribute("aria-selected"), "true");
    assert.equal(await input.getAttribute("aria-activedescendant"), "command-estat");
    await screenshot(page, "bot-commands");
    await input.press("Tab");
    assert.equal(await input.inputValue(), "/estat ");
    assert.equal(await options.count(), 0, "closed after completing");

    // The built-ins first, then the channel's; the keyboard goes through them all.
    await input.fill("");
    await input.press("/");
    await until("the whole list", async () => (await options.count()) === 6);
    assert.deepEqual(await page.locator(".command-option .command-name").allInnerTexts(), [...BUILT_IN, "/estat"]);
    await input.press("ArrowUp");
    assert.equal(await options.nth(5).getAttribute("aria-selected"), "true");
    assert.equal(await input.getAttribute("aria-activedescendant"), "command-estat");
    await input.press("Enter");
    assert.equal(await input.inputValue(), "/estat ");
    await input.fill("/est");
    await input.press("Escape");
    assert.equal(await options.count(), 0, "Escape closes it");
    await input.fill("");

    // A channel without the bot: only the built-ins, once its own list has come.
    await openChannel(page, "cafeteria");
    await until("the channel's commands fetched", () => commandsFetched(page, withoutBot.id));
    await input.fill("/");
    await until("the built-ins", async () => (await options.count()) === BUILT_IN.length);
    assert.deepEqual(await page.locator(".command-option .command-name").allInnerTexts(), BUILT_IN);
    assert.equal(await page.locator(".command-bot").count(), 0);
    await input.fill("/es");
    assert.equal(await options.count(), 0, "nothing to offer for /es");
    await input.fill("");

    // Back where the bot is: offered again (from the session's cache).
    await openChannel(page, "operacions");
    await input.fill("/es");
    await until("offered again", async () => (await options.count()) === 1);
    await input.fill("");

    assert.deepEqual(problems, [], "no foreign requests, CSP violations or page errors");
    await context.close();
  });
});
