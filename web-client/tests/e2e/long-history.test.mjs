// 10,000 messages in one channel stay smooth: scroll back through the whole history (paged
// over REST, 50 at a time, as a user would), then measure how long the browser takes to draw
// while scrolling through it. Slow to seed, so it runs only with E2E_LONG=1.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { openAs, sleep, startStack } from "./harness.mjs";

const COUNT = 10_000;
const long = process.env.E2E_LONG === "1";
let stack;

before(async () => {
  if (!long) return;
  stack = await startStack();
  await stack.api.createUser("erola", "Erola Mas");
  const erola = await stack.api.as("erola");
  const channel = await erola.call("POST", "/api/v1/channels", { name: "registre", kind: "public" });
  let next = 1;
  const worker = async () => {
    while (next <= COUNT) {
      const i = next++;
      await erola.call("POST", `/api/v1/channels/${channel.id}/messages`, {
        body: i % 10 === 0 ? `Entrada **${i}**\n- detall u\n- detall dos` : `Entrada ${i}`,
        client_msg_id: `seed-${i}`,
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
});

after(async () => {
  await stack?.close();
});

it("scrolls smoothly through 10,000 messages", { timeout: 600_000, skip: !long && "set E2E_LONG=1" }, async () => {
  const { page, context } = await openAs(stack, "erola");
  await page.locator('.channel-item[data-channel="registre"]').click();
  const scroller = page.locator(".message-scroller");
  const started = Date.now();
  while ((await page.locator(".channel-start").count()) === 0) {
    await scroller.evaluate((el) => {
      el.scrollTop = 0;
    });
    await sleep(50);
    assert.ok(Date.now() - started < 400_000, "history loaded in time");
  }
  const loaded = await page.evaluate(() => document.querySelectorAll(".message[data-seq]").length);
  console.log(`# all history loaded in ${Date.now() - started} ms; ${loaded} message rows in the DOM`);
  assert.ok(loaded < 150, "windowed");
  // Scroll from top to bottom in steps, measuring the worst frame.
  const worst = await scroller.evaluate(async (el) => {
    const frames = [];
    let last = performance.now();
    for (let i = 0; i < 300; i++) {
      el.scrollTop += el.scrollHeight / 300;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    frames.sort((a, b) => a - b);
    return { p95: frames[Math.floor(frames.length * 0.95)], max: frames[frames.length - 1] };
  });
  console.log(`# frame times while scrolling: p95 ${worst.p95.toFixed(1)} ms, max ${worst.max.toFixed(1)} ms`);
  assert.ok(worst.p95 < 50, `p95 frame ${worst.p95} ms`);
  await context.close();
});
