// Browser tests of the web client against the real server (see harness.mjs for set-up and
// environment). Run with `npm run test:e2e` after `npm run build`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AdminApi, PASSWORD, login, messageTexts, openAs, openChannel, screenshot, sleep, startStack, until, watchPage } from "./harness.mjs";

const T = { timeout: 90_000 };
let stack;
let users;
let general;
let department;
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

async function send(page, text) {
  await page.locator("#composer-input").fill(text);
  await page.locator("#composer-input").press("Enter");
}

describe("Xerrada web client in a real browser", () => {
  before(async () => {
    // A tiny replay limit makes a reconnect after a few missed messages go through `resync`.
    stack = await startStack({ config: "[realtime]\nreplay_limit = 3\n" });
    const { api } = stack;
    department = await api.call("POST", "/api/v1/departments", { slug: "urbanisme", name: "Urbanisme" });
    users = {};
    for (const [username, name] of [["alice", "Alícia Puig"], ["bob", "Bernat Soler"], ["carol", "Carla Vidal"]]) {
      users[username] = await api.createUser(username, name, { department_ids: [department.id] });
      users[username].api = await api.as(username);
    }
    general = await users.alice.api.call("POST", "/api/v1/channels", { name: "general", kind: "public", topic: "Avisos i conversa general" });
    await users.bob.api.call("POST", `/api/v1/channels/${general.id}/join`);
    await users.carol.api.call("POST", `/api/v1/channels/${general.id}/join`);
  }, T);

  after(async () => {
    await stack?.close();
  });

  it("shows Catalan by default and switches to Spanish and English", T, async () => {
    const context = await stack.browser.newContext({ locale: "ca-ES", serviceWorkers: "block" });
    const page = await context.newPage();
    allProblems.push(watchPage(page, stack.webUrl));
    await page.goto(stack.webUrl + "/");
    const submit = page.locator('button[type="submit"]');
    assert.equal(await submit.innerText(), "Entra");
    await screenshot(page, "login");
    assert.equal(await page.locator("html").getAttribute("lang"), "ca");
    await page.locator('[data-testid="language"]').selectOption("es");
    assert.equal(await submit.innerText(), "Entrar");
    await page.locator('[data-testid="language"]').selectOption("en");
    assert.equal(await submit.innerText(), "Log in");
    // Remembered across reloads.
    await page.reload();
    assert.equal(await page.locator('button[type="submit"]').innerText(), "Log in");
    await login(page, "carol");
    assert.equal(await page.locator("#sec-channels").innerText(), "CHANNELS");
    await page.locator('[data-testid="language"]').waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Settings" }).click();
    await page.locator('[data-testid="language"]').selectOption("ca");
    await page.getByRole("button", { name: "Tanca", exact: true }).click();
    assert.equal(await page.locator("#sec-channels").innerText(), "CANALS");
    await context.close();
  });

  it("the English browser gets English without choosing", T, async () => {
    const context = await stack.browser.newContext({ locale: "en-GB", serviceWorkers: "block" });
    const page = await context.newPage();
    await page.goto(stack.webUrl + "/");
    assert.equal(await page.locator('button[type="submit"]').innerText(), "Log in");
    await context.close();
  });

  it("two users chat live both ways, and a reload keeps the history", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "general");
    await openChannel(bob.page, "general");

    await send(alice.page, "Bon dia, Bernat!");
    await until("bob sees alice's message", async () => (await messageTexts(bob.page)).includes("Bon dia, Bernat!"));
    // Typing indicator reaches the other side.
    await bob.page.locator("#composer-input").pressSequentially("Bon d", { delay: 20 });
    await until("alice sees bob typing", async () => (await alice.page.locator(".typing-line").innerText()).includes("Bernat Soler"));
    await bob.page.locator("#composer-input").fill("");
    await send(bob.page, "Bon dia, Alícia!");
    await until("alice sees bob's reply", async () => (await messageTexts(alice.page)).includes("Bon dia, Alícia!"));
    await until("alice's own message is acknowledged", async () =>
      (await alice.page.locator('.message[data-delivery="pending"]').count()) === 0,
    );

    // The HttpOnly refresh cookie keeps her logged in across the reload.
    await alice.page.reload();
    await alice.page.locator("#composer-input").waitFor({ timeout: 20_000 });
    await openChannel(alice.page, "general");
    await until("history after reload", async () => {
      const texts = await messageTexts(alice.page);
      return texts.includes("Bon dia, Bernat!") && texts.includes("Bon dia, Alícia!");
    });
    const texts = await messageTexts(alice.page);
    assert.ok(texts.indexOf("Bon dia, Bernat!") < texts.indexOf("Bon dia, Alícia!"), "history in order");
    await alice.context.close();
    await bob.context.close();
  });

  it("renders Markdown and shows an XSS attempt as plain text", T, async () => {
    const alice = await open("alice");
    await openChannel(alice.page, "general");
    let alerted = false;
    alice.page.on("dialog", async (d) => {
      alerted = true;
      await d.dismiss();
    });
    await send(alice.page, "**negreta** i _cursiva_ i `codi` a https://example.org/x");
    await send(alice.page, '<img src=x onerror="alert(1)"><script>alert(2)</script>');
    const last = alice.page.locator(".message .message-text").last();
    await until("xss message shown", async () => (await last.innerText()).includes("<script>alert(2)</script>"));
    const md = alice.page.locator(".message .message-text").filter({ hasText: "negreta" }).last();
    assert.equal(await md.locator("strong").innerText(), "negreta");
    assert.equal(await md.locator("em").innerText(), "cursiva");
    assert.equal(await md.locator("code").innerText(), "codi");
    const link = md.locator("a");
    assert.equal(await link.getAttribute("href"), "https://example.org/x");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await alice.page.locator(".message-text img, .message-text script").count(), 0);
    assert.equal(alerted, false);
    await alice.context.close();
  });

  it("a message the server refuses shows as failed, with retry and discard", T, async () => {
    const alice = await open("alice");
    await openChannel(alice.page, "general");
    const huge = "a".repeat(17_000);
    await alice.page.locator("#composer-input").fill(huge);
    await alice.page.locator("#composer-input").press("Enter");
    const failed = alice.page.locator('.message[data-delivery="failed"]');
    await failed.waitFor({ timeout: 15_000 });
    assert.match(await failed.locator(".failed-line").innerText(), /massa llarg/);
    await failed.getByRole("button", { name: "Torna-ho a provar" }).click();
    await alice.page.locator('.message[data-delivery="failed"]').waitFor({ timeout: 15_000 });
    await alice.page.locator('.message[data-delivery="failed"]').getByRole("button", { name: "Descarta" }).click();
    await alice.page.locator('.message[data-delivery="failed"]').waitFor({ state: "detached" });
    await alice.context.close();
  });

  it("scrolling back loads older pages of a long history", T, async () => {
    const channel = await users.bob.api.call("POST", "/api/v1/channels", { name: "arxiu", kind: "public" });
    await users.alice.api.call("POST", `/api/v1/channels/${channel.id}/join`);
    for (let i = 1; i <= 200; i++) {
      await users.bob.api.call("POST", `/api/v1/channels/${channel.id}/messages`, { body: `Missatge històric ${i}` });
    }
    const alice = await open("alice");
    await openChannel(alice.page, "arxiu");
    await until("newest page", async () => (await messageTexts(alice.page)).includes("Missatge històric 200"));
    const before = await alice.page.locator(".message[data-seq]").evaluateAll((els) => Math.min(...els.map((e) => Number(e.dataset.seq))));
    assert.ok(before > 100, `only the newest page is loaded at first (oldest seq ${before})`);
    const seen = new Set();
    await until(
      "the first message after scrolling back",
      async () => {
        for (const text of await messageTexts(alice.page)) seen.add(text);
        await alice.page.locator(".message-scroller").evaluate((el) => {
          el.scrollTop = 0;
        });
        return seen.has("Missatge històric 1") && (await alice.page.locator(".channel-start").count()) === 1;
      },
      30_000,
    );
    // Scroll down through everything: each message once, in order.
    const ordered = [];
    await alice.page.locator(".message-scroller").evaluate((el) => {
      el.scrollTop = 0;
    });
    for (let step = 0; step < 200; step++) {
      const texts = await messageTexts(alice.page);
      for (const text of texts) if (!ordered.includes(text)) ordered.push(text);
      const atEnd = await alice.page.locator(".message-scroller").evaluate((el) => {
        el.scrollTop += el.clientHeight * 0.8;
        return el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
      });
      await sleep(30);
      if (atEnd && ordered.includes("Missatge històric 200")) break;
    }
    const historic = ordered.filter((t) => t.startsWith("Missatge històric"));
    assert.deepEqual(historic, Array.from({ length: 200 }, (_, i) => `Missatge històric ${i + 1}`));
    // Windowed: far fewer rows in the DOM than messages.
    const rows = await alice.page.locator(".row").count();
    assert.ok(rows < 120, `windowed rendering keeps the DOM small (${rows} rows)`);
    await alice.context.close();
  });

  it("a message typed while offline is delivered exactly once when back", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "general");
    await openChannel(bob.page, "general");
    await alice.context.setOffline(true);
    await alice.page.locator(".offline-banner.visible").waitFor({ timeout: 15_000 });
    const body = `Escrit sense connexió ${Date.now()}`;
    await send(alice.page, body);
    const mine = alice.page.locator(".message").filter({ hasText: body });
    assert.equal(await mine.getAttribute("data-delivery"), "pending");
    await sleep(1500);
    await alice.context.setOffline(false);
    await until("delivered", async () => (await mine.getAttribute("data-delivery")) === "sent", 30_000);
    await alice.page.locator(".offline-banner.visible").waitFor({ state: "detached", timeout: 15_000 });
    await until("bob sees it", async () => (await messageTexts(bob.page)).includes(body));
    await sleep(1000);
    assert.equal((await messageTexts(bob.page)).filter((t) => t === body).length, 1);
    assert.equal((await messageTexts(alice.page)).filter((t) => t === body).length, 1);
    const page = await users.bob.api.call("GET", `/api/v1/channels/${general.id}/messages?limit=50`);
    assert.equal(page.messages.filter((m) => m.body === body).length, 1, "stored once");
    await alice.context.close();
    await bob.context.close();
  });

  it("after a server restart, missed messages arrive once and in order", T, async (t) => {
    if (!stack.canRestart) return t.skip("the server is not ours to restart");
    const bob = await open("bob");
    await openChannel(bob.page, "general");
    // Bob's link goes down, the others keep talking, then the server restarts (1001).
    await bob.context.setOffline(true);
    await bob.page.locator(".offline-banner.visible").waitFor({ timeout: 15_000 });
    const missed = Array.from({ length: 8 }, (_, i) => `Mentre no hi eres ${i + 1}`);
    for (const body of missed.slice(0, 4)) await users.alice.api.call("POST", `/api/v1/channels/${general.id}/messages`, { body });
    await stack.server.restart();
    await users.alice.api.login();
    await users.carol.api.login();
    for (const [i, body] of missed.slice(4).entries()) {
      const api = i % 2 ? users.alice.api : users.carol.api;
      await api.call("POST", `/api/v1/channels/${general.id}/messages`, { body });
    }
    await bob.context.setOffline(false);
    await until("bob catches up", async () => (await messageTexts(bob.page)).includes(missed[7]), 40_000);
    await sleep(1000);
    const texts = (await messageTexts(bob.page)).filter((t) => t.startsWith("Mentre no hi eres"));
    assert.deepEqual(texts, missed, "each missed message once, in order");
    // And the live connection works again both ways.
    await send(bob.page, "Ja torno a ser aquí");
    const alice = await open("alice");
    await openChannel(alice.page, "general");
    await until("alice sees bob", async () => (await messageTexts(alice.page)).includes("Ja torno a ser aquí"));
    await users.carol.api.call("POST", `/api/v1/channels/${general.id}/messages`, { body: "Benvingut" });
    await until("bob sees carol", async () => (await messageTexts(bob.page)).includes("Benvingut"));
    await alice.context.close();
    await bob.context.close();
  });

  it("creates a channel, joins from the browser and starts a DM from the directory", T, async () => {
    const carol = await open("carol");
    await carol.page.getByRole("button", { name: "Crea un canal" }).click();
    await carol.page.getByLabel("Nom", { exact: true }).fill("festa-major");
    await carol.page.getByRole("button", { name: "Crea", exact: true }).click();
    await carol.page.locator(".channel-title-text").filter({ hasText: "festa-major" }).waitFor();
    await send(carol.page, "Qui s'apunta a organitzar-la?");

    const alice = await open("alice");
    await alice.page.getByRole("button", { name: "Explora els canals" }).click();
    await alice.page.getByRole("button", { name: "Uneix-t'hi festa-major" }).click();
    await alice.page.locator(".channel-title-text").filter({ hasText: "festa-major" }).waitFor();
    await until("history of the joined channel", async () => (await messageTexts(alice.page)).includes("Qui s'apunta a organitzar-la?"));

    await alice.page.getByRole("button", { name: "Nou missatge directe" }).click();
    await alice.page.getByLabel("Cerca persones").fill("carla");
    await alice.page.locator(".pick-button").filter({ hasText: "Carla Vidal" }).click();
    await alice.page.locator(".channel-title-text").filter({ hasText: "Carla Vidal" }).waitFor();
    await send(alice.page, "Et puc ajudar amb la festa");
    await until("carol gets the DM with an unread badge", async () => {
      const item = carol.page.locator(".channel-item.unread").filter({ hasText: "Alícia Puig" });
      return (await item.count()) === 1 && (await item.locator(".badge").innerText()) === "1";
    });
    await carol.page.locator(".channel-item").filter({ hasText: "Alícia Puig" }).click();
    await until("carol reads it", async () => (await messageTexts(carol.page)).includes("Et puc ajudar amb la festa"));
    await until("badge cleared", async () => (await carol.page.locator(".channel-item.unread").filter({ hasText: "Alícia Puig" }).count()) === 0);
    await alice.context.close();
    await carol.context.close();
  });

  it("is usable from the keyboard, with labelled controls and the list as an ARIA log", T, async () => {
    const alice = await open("alice");
    const { page } = alice;
    await openChannel(page, "general");
    const log = page.locator('[role="log"]');
    assert.equal(await log.getAttribute("aria-live"), "polite");
    // Every control has an accessible name.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("button, input, textarea, select, a[href]")]
        .filter((el) => {
          const labelled = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.textContent.trim() || el.getAttribute("title");
          const hasLabel = el.id && document.querySelector(`label[for="${el.id}"]`);
          return !labelled && !hasLabel && !el.closest("label");
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);
    // Arrow keys move between channels in the sidebar; Enter opens one.
    await page.locator('.channel-item[data-channel="general"]').focus();
    await page.keyboard.press("ArrowUp");
    const focused = await page.evaluate(() => document.activeElement?.dataset.channel);
    assert.notEqual(focused, "general");
    await page.keyboard.press("Enter");
    await page.locator(".channel-title-text").filter({ hasText: focused === "Urbanisme" ? "Urbanisme" : focused }).waitFor();
    // Alt+ArrowDown goes to the next channel from anywhere.
    await page.locator("#composer-input").focus();
    await page.keyboard.press("Alt+ArrowDown");
    await page.locator(".channel-title-text").filter({ hasText: "general" }).waitFor();
    // In the message list, arrows move the focus from message to message.
    // The channel's history must be on screen before arrows can move through it.
    await page.locator(".message").first().waitFor();
    await page.locator(".message-scroller").focus();
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    const active = await page
      .waitForFunction(() => document.activeElement?.classList.contains("message"), null, { timeout: 5000 })
      .then(() => true, () => false);
    assert.equal(active, true, "a message has the focus");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "focus is visible");
    await alice.context.close();
  });

  it("works on a 360 px phone: drawer, switching channels, sending", T, async () => {
    const phone = await open("bob", { viewport: { width: 360, height: 740 } });
    const { page } = phone;
    assert.equal(await page.locator(".sidebar").isVisible(), false, "sidebar hidden behind the drawer");
    await page.locator(".menu-button").click();
    await page.locator('.channel-item[data-channel="general"]').waitFor({ state: "visible" });
    const box = await page.locator('.channel-item[data-channel="general"]').boundingBox();
    assert.ok(box.height >= 44, `touch target is ${box.height}px tall`);
    await page.locator('.channel-item[data-channel="general"]').click();
    await page.locator(".sidebar").waitFor({ state: "hidden" });
    await send(page, "Enviat des del mòbil");
    await until("sent from the phone", async () => (await page.locator(".message").filter({ hasText: "Enviat des del mòbil" }).getAttribute("data-delivery")) === "sent");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, "no horizontal scrolling");
    const sendBox = await page.locator(".send-button").boundingBox();
    assert.ok(sendBox.width >= 44 && sendBox.height >= 44);
    await phone.context.close();
  });

  it("takes screenshots of the desktop and phone layouts", T, async () => {
    const alice = await open("alice");
    await openChannel(alice.page, "general");
    await users.bob.api.call("POST", `/api/v1/channels/${general.id}/messages`, {
      body: "Recordeu:\n- **dijous** reunió de coordinació\n- portar l'informe `PLA-2026-04`\n\n> La documentació és a https://example.org/expedients",
    });
    await users.carol.api.call("POST", `/api/v1/channels/${general.id}/messages`, { body: "Gràcies @alice, hi seré" });
    await until("rendered", async () => (await messageTexts(alice.page)).some((t) => t.includes("Gràcies")));
    await alice.page.mouse.move(5, 5);
    await sleep(300);
    await screenshot(alice.page, "desktop");
    await alice.page.getByRole("button", { name: "Explora els canals" }).click();
    await alice.page.locator(".pick-item").first().waitFor();
    await screenshot(alice.page, "desktop-browse");
    await alice.page.keyboard.press("Escape");
    const phone = await open("bob", { viewport: { width: 360, height: 740 } });
    await openChannel(phone.page, "general");
    await phone.page.mouse.move(5, 5);
    await sleep(300);
    await screenshot(phone.page, "phone");
    await phone.page.locator(".menu-button").click();
    await sleep(400);
    await screenshot(phone.page, "phone-drawer");
    const dark = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "dark", locale: "ca-ES", serviceWorkers: "block" });
    const darkPage = await dark.newPage();
    await darkPage.goto(stack.webUrl + "/");
    await login(darkPage, "carol");
    await openChannel(darkPage, "general");
    await darkPage.mouse.move(5, 5);
    await sleep(300);
    await screenshot(darkPage, "desktop-dark");
    await dark.close();
    await alice.context.close();
    await phone.context.close();
  });

  it("logging out returns to the login screen and the old session no longer works", T, async () => {
    const context = await stack.browser.newContext({ serviceWorkers: "block", locale: "ca-ES" });
    const page = await context.newPage();
    allProblems.push(watchPage(page, stack.webUrl));
    await page.goto(stack.webUrl + "/");
    const loginResponse = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login"));
    await login(page, "carol");
    const { access_token: token } = await (await loginResponse).json();
    const api = new AdminApi(stack.webUrl);
    api.token = token;
    await api.call("GET", "/api/v1/me");
    await page.locator('[data-testid="logout"]').click();
    await page.locator('input[name="password"]').waitFor();
    await assert.rejects(api.call("GET", "/api/v1/me"), /401/);
    // A reload stays logged out: nothing usable was left in the page's storage.
    await page.reload();
    await page.locator('input[name="password"]').waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.ok(!stored.includes(token) && !/refresh/i.test(stored), `nothing secret in storage: ${stored}`);
    await context.close();
  });

  it("installs as an app: manifest, service worker, opens offline to the banner", T, async () => {
    const context = await stack.browser.newContext({ locale: "ca-ES" });
    const page = await context.newPage();
    await page.goto(stack.webUrl + "/");
    const manifest = await page.evaluate(async () => (await fetch("/manifest.webmanifest")).json());
    assert.equal(manifest.display, "standalone");
    assert.ok(manifest.icons.some((i) => i.sizes === "512x512"));
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await until("service worker controls the page", async () => {
      await page.reload();
      return page.evaluate(() => navigator.serviceWorker.controller !== null);
    });
    await context.setOffline(true);
    await page.reload();
    await page.locator(".offline-banner.visible").waitFor({ timeout: 15_000 });
    await context.setOffline(false);
    await page.locator('input[name="password"]').waitFor({ timeout: 30_000 });
    await context.close();
  });

  it("sends the CSP and security headers, and the page never leaves its origin", T, async () => {
    const response = await fetch(stack.webUrl + "/");
    const csp = response.headers.get("content-security-policy") ?? "";
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
      assert.ok(csp.includes(directive), `CSP has ${directive}: ${csp}`);
    }
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    const html = await response.text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), "no inline script in index.html");
    assert.ok(!/<style/i.test(html) && !/\sstyle=/i.test(html), "no inline style in index.html");
    const problems = allProblems.flat();
    assert.deepEqual(problems, [], "no foreign requests, CSP violations or page errors");
  });
});
