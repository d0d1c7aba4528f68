// Session life in the browser: access tokens are refreshed before they expire, so a socket
// that reconnects later still authenticates. The server runs with 10-second access tokens.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { messageTexts, openAs, sleep, startStack } from "./harness.mjs";

let stack;

before(async () => {
  stack = await startStack({ config: "[auth]\naccess_ttl_secs = 10\n" });
  await stack.api.createUser("dani", "Dani Roca");
  const dani = await stack.api.as("dani");
  await dani.call("POST", "/api/v1/channels", { name: "torn-de-nit", kind: "public" });
});

after(async () => {
  await stack?.close();
});

it("refreshes the access token before it expires and reconnects with the new one", { timeout: 90_000 }, async (t) => {
  if (process.env.XERRADA_WEB_URL && process.env.XERRADA_WEB_URL !== "server") return t.skip("needs our own server config");
  const { page, context, problems } = await openAs(stack, "dani");
  const refreshes = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/api/v1/auth/refresh")) refreshes.push(r.status());
  });
  await sleep(25_000);
  assert.ok(refreshes.includes(200), `a refresh succeeded (${refreshes.join(",")})`);
  // Drop the socket: the reconnect must authenticate with a token issued after login.
  await page.evaluate(() => window.__xerrada.reconnect());
  await page.locator("#composer-input").fill("Encara hi sóc");
  await page.locator("#composer-input").press("Enter");
  const mine = page.locator(".message").filter({ hasText: "Encara hi sóc" });
  const deadline = Date.now() + 20_000;
  while ((await mine.getAttribute("data-delivery")) !== "sent") {
    assert.ok(Date.now() < deadline, "message delivered after the reconnect");
    await sleep(200);
  }
  assert.ok((await messageTexts(page)).includes("Encara hi sóc"));
  assert.equal(await page.locator('input[name="password"]').count(), 0, "still logged in");
  assert.deepEqual(problems, []);
  await context.close();
});
