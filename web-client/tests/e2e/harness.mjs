// Shared set-up for the browser tests: a real `xerrada` server on a fresh data dir, the built
// client served by `vite preview` (proxying /api to that server, with the production CSP), a
// headless Debian Chromium driven by playwright-core, and REST helpers to seed data.
//
// Environment:
//   XERRADA_BIN      server binary (default ../target/debug/xerrada, relative to web-client/)
//   XERRADA_WEB_URL  unset: serve dist/ with vite preview (the default);
//                    "server": the xerrada server serves the client itself at /;
//                    an http(s) URL: use that running deployment (no server is started, and
//                    tests that restart the server are skipped); seeding uses the same origin
//                    with XERRADA_ADMIN_PASSWORD.
//   CHROMIUM_PATH    browser (default /usr/bin/chromium)
//   E2E_SCREENSHOTS  folder for screenshots (default test-results/screenshots, untracked; set it
//                    to docs/screenshots to refresh the ones the README shows)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const webClientDir = resolve(here, "../..");
export const screenshotDir = process.env.E2E_SCREENSHOTS ?? join(webClientDir, "test-results", "screenshots");
export const ADMIN_PASSWORD = process.env.XERRADA_ADMIN_PASSWORD ?? "adminpass1";
export const PASSWORD = "correct horse battery";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function waitForHttp(url, timeoutMs = 30_000, child = null) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = new Error(`${url}: ${response.status}`);
    } catch (e) {
      lastError = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${url}: ${lastError}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A running xerrada server; `restart()` stops it (SIGTERM: sockets close with 1001) and starts it again on the same port and data. */
export class XerradaServer {
  constructor({ port, dataDir, configPath }) {
    this.port = port;
    this.dataDir = dataDir;
    this.configPath = configPath;
    this.url = `http://127.0.0.1:${port}`;
    this.child = null;
    this.log = [];
  }

  static async start(options = {}) {
    const dataDir = mkdtempSync(join(tmpdir(), "xerrada-e2e-"));
    let configPath = null;
    if (options.config) {
      configPath = join(dataDir, "xerrada.toml");
      writeFileSync(configPath, options.config);
    }
    const server = new XerradaServer({ port: await freePort(), dataDir, configPath });
    await server.launch(options.allowedOrigin);
    return server;
  }

  async launch(allowedOrigin = this.allowedOrigin) {
    this.allowedOrigin = allowedOrigin;
    const bin = resolve(webClientDir, process.env.XERRADA_BIN ?? "../target/debug/xerrada");
    if (!existsSync(bin)) throw new Error(`server binary not found at ${bin} (set XERRADA_BIN)`);
    const args = ["--data-dir", join(this.dataDir, "data")];
    if (this.configPath) args.push("--config", this.configPath);
    args.push("serve", "--bind", `127.0.0.1:${this.port}`);
    if (allowedOrigin) args.push("--allowed-origin", allowedOrigin);
    this.child = spawn(bin, args, {
      env: { ...process.env, XERRADA_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk) => {
      this.log.push(chunk.toString());
      if (this.log.length > 400) this.log.splice(0, 200);
    };
    this.child.stdout.on("data", keep);
    this.child.stderr.on("data", keep);
    await waitForHttp(`${this.url}/healthz`, 30_000, this.child);
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timeout = sleep(10_000).then(() => "timeout");
    if ((await Promise.race([exited, timeout])) === "timeout") {
      child.kill("SIGKILL");
      await exited;
    }
  }

  async restart(downtimeMs = 0) {
    await this.stop();
    if (downtimeMs) await sleep(downtimeMs);
    await this.launch();
  }

  async dispose() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** `vite preview` of dist/ with the API proxied to `apiUrl`. */
export async function startPreview(apiUrl) {
  if (!existsSync(join(webClientDir, "dist", "index.html"))) {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(webClientDir, "node_modules/vite/bin/vite.js"), "preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
    { cwd: webClientDir, env: { ...process.env, XERRADA_API_URL: apiUrl }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, 30_000, child);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Everything a test file needs: server, web URL, browser. `options.config` is extra
 * xerrada.toml content (e.g. a small replay limit).
 */
export async function startStack(options = {}) {
  const external = process.env.XERRADA_WEB_URL;
  let server = null;
  let preview = null;
  let webUrl;
  if (external && external !== "server") {
    webUrl = external.replace(/\/$/, "");
  } else {
    server = await XerradaServer.start(options);
    if (external === "server") webUrl = server.url;
    else {
      preview = await startPreview(server.url);
      webUrl = preview.url;
    }
  }
  const cleanup = async () => {
    if (preview) await preview.stop();
    if (server) await server.dispose();
  };
  let browser;
  let api;
  try {
    // playwright-core's launch() gives every run a fresh temporary profile (--user-data-dir).
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    });
    api = new AdminApi(webUrl);
    await api.login();
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await cleanup();
    throw e;
  }
  return {
    server,
    webUrl,
    browser,
    api,
    canRestart: server !== null,
    async close() {
      await browser.close().catch(() => undefined);
      await cleanup();
    },
  };
}

/** REST calls as a given user (admin by default), for seeding and checking. */
export class AdminApi {
  constructor(baseUrl, username = "admin", password = ADMIN_PASSWORD) {
    this.baseUrl = baseUrl;
    this.username = username;
    this.password = password;
    this.token = null;
  }

  async login() {
    const answer = await this.call("POST", "/api/v1/auth/login", { username: this.username, password: this.password }, false);
    this.token = answer.access_token;
    this.user = answer.user;
    return answer;
  }

  async call(method, path, body, auth = true) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth) headers.Authorization = `Bearer ${this.token}`;
    const response = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  createUser(username, displayName, extra = {}) {
    return this.call("POST", "/api/v1/users", { username, display_name: displayName, password: PASSWORD, ...extra });
  }

  async as(username, password = PASSWORD) {
    const api = new AdminApi(this.baseUrl, username, password);
    await api.login();
    return api;
  }
}

/** A logged-in page for `username` in its own browser context. */
export async function openAs(stack, username, { viewport = { width: 1280, height: 800 }, locale = "ca-ES", password = PASSWORD } = {}) {
  const context = await stack.browser.newContext({ viewport, locale, serviceWorkers: "block" });
  const page = await context.newPage();
  const problems = watchPage(page, stack.webUrl);
  // `?e2e` exposes the client's test hook (window.__xerrada), absent in normal use.
  await page.goto(stack.webUrl + "/?e2e");
  await login(page, username, password);
  return { context, page, problems };
}

export async function login(page, username, password = PASSWORD) {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.locator("#composer-input").waitFor({ timeout: 20_000 });
}

/**
 * Records what must never happen: a request to another origin, a CSP violation, an uncaught
 * error. Tests assert the list is empty at the end.
 */
export function watchPage(page, webUrl) {
  const origin = new URL(webUrl).origin;
  const problems = [];
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== origin) problems.push(`foreign request: ${url}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  return problems;
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The text of the messages rendered in the open channel, in order. */
export async function messageTexts(page) {
  return page.locator(".message[data-delivery] .message-content > .message-text").allInnerTexts();
}

/** Waits until `fn` returns a truthy value (polling), or fails with `what`. */
export async function until(what, fn, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Opens a channel from the sidebar (through the drawer on a phone) and waits for it. */
export async function openChannel(page, name) {
  const item = page.locator(`.channel-item[data-channel="${name}"]`);
  if (!(await item.isVisible())) await page.locator(".menu-button").click();
  await item.click();
  await page.locator(".channel-title-text").filter({ hasText: name }).waitFor();
}
