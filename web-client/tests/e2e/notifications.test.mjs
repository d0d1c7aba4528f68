// Desktop notifications in a real browser against the real server (see harness.mjs for set-up
// and environment): a direct message or a mention of the user notifies while the tab is hidden;
// nothing while it is visible, nothing for an ordinary channel message or the user's own
// messages; permission is asked only from the button in Settings, never on page load.
//
// Headless Chromium shows no real notifications, so `window.Notification` is replaced before the
// page's scripts run by a class that records what the client shows (`window.__notifications`)
// and each `requestPermission()` call (`window.__permissionRequests`); `document.visibilityState`
// and `document.hidden` are overridden so the tab can look hidden (`window.__setVisibility`).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PASSWORD, login, messageTexts, openChannel, sleep, startStack, until, watchPage } from "./harness.mjs";

const T = { timeout: 90_000 };
let stack;
let users;
let general;
const allProblems = [];

/** Runs in the page before any of its scripts: the recording Notification and the visibility switch. */
function fakeNotifications({ permission, visibility }) {
  window.__notifications = [];
  window.__permissionRequests = 0;
  class RecordingNotification {
    static permission = permission;
    static requestPermission() {
      window.__permissionRequests += 1;
      RecordingNotification.permission = "granted";
      return Promise.resolve("granted");
    }
    constructor(title, options = {}) {
      this.title = title;
      this.body = options.body;
      this.onclick = null;
      window.__notifications.push({ title, body: options.body });
    }
    close() {}
    addEventListener() {}
    removeEventListener() {}
  }
  Object.defineProperty(window, "Notification", { value: RecordingNotification, configurable: true, writable: true });
  let state = visibility;
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => state === "hidden" });
  window.__setVisibility = (next) => {
    state = next;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  if (visibility === "hidden") document.addEventListener("DOMContentLoaded", () => window.__setVisibility("hidden"));
}

/** A logged-in page for `username` whose notifications are recorded. */
async function openRecorded(username, { permission = "granted", visibility = "hidden" } = {}) {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "ca-ES", serviceWorkers: "block" });
  if (permission === "granted") await context.grantPermissions(["notifications"], { origin: stack.webUrl });
  await context.addInitScript(fakeNotifications, { permission, visibility });
  const page = await context.newPage();
  allProblems.push(watchPage(page, stack.webUrl));
  await page.goto(stack.webUrl + "/?e2e");
  await login(page, username, PASSWORD);
  return { context, page };
}

const recorded = (page) => page.evaluate(() => window.__notifications);
const permissionRequests = (page) => page.evaluate(() => window.__permissionRequests);
const setVisibility = (page, state) => page.evaluate((s) => window.__setVisibility(s), state);

async function post(api, channelId, body) {
  return api.call("POST", `/api/v1/channels/${channelId}/messages`, { body });
}

describe("desktop notifications", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    users = {};
    for (const [username, name] of [["anna", "Anna Ferrer"], ["biel", "Biel Roca"]]) {
      users[username] = await api.createUser(username, name);
      users[username].api = await api.as(username);
    }
    general = await users.anna.api.call("POST", "/api/v1/channels", { name: "general", kind: "public" });
    await users.biel.api.call("POST", `/api/v1/channels/${general.id}/join`);
  }, T);

  after(async () => {
    await stack?.close();
  });

  it("notifies a hidden tab of direct messages and mentions only, and asks permission only from Settings", T, async () => {
    const anna = await openRecorded("anna");
    const { page } = anna;
    await openChannel(page, "general");
    assert.equal(await page.evaluate(() => document.visibilityState), "hidden");
    assert.equal(await permissionRequests(page), 0, "no permission request on page load or login");

    // Hidden tab. Neither an ordinary channel message nor her own messages (even mentioning
    // herself, sent from another session) notify; the DM and the mention do.
    await post(users.biel.api, general.id, "Bon dia a tothom, avui plou");
    await post(users.anna.api, general.id, "Nota per a mi, @anna: trucar a l'arquitecte");
    await until("the ordinary and own messages rendered", async () => {
      const texts = await messageTexts(page);
      return texts.includes("Bon dia a tothom, avui plou") && texts.includes("Nota per a mi, @anna: trucar a l'arquitecte");
    });
    const dm = await users.biel.api.call("POST", "/api/v1/dms", { user_ids: [users.anna.id] });
    await post(users.biel.api, dm.id, "Tens un moment per revisar l'informe?");
    await post(users.biel.api, general.id, "@anna, pots confirmar la reunió de dijous?");
    await until("two notifications", async () => (await recorded(page)).length >= 2);
    await sleep(1000);
    assert.deepEqual(await recorded(page), [
      { title: "Biel Roca", body: "Tens un moment per revisar l'informe?" },
      { title: "Biel Roca t'ha mencionat a #general", body: "@anna, pots confirmar la reunió de dijous?" },
    ]);

    // Visible tab: the same kinds of messages arrive (shown in the page) without notifying.
    await setVisibility(page, "visible");
    await post(users.biel.api, dm.id, "Quan puguis, eh");
    await post(users.biel.api, general.id, "@anna també cal l'acta");
    await until("the visible mention rendered", async () => (await messageTexts(page)).includes("@anna també cal l'acta"));
    await until("the visible DM counted as unread", async () => {
      const item = page.locator(".channel-item.unread").filter({ hasText: "Biel Roca" });
      return (await item.count()) === 1 && (await item.locator(".badge").innerText()) === "2";
    });
    await sleep(500);
    assert.equal((await recorded(page)).length, 2, "nothing notified while visible");

    // Settings: opening it asks nothing; turning them off stops them; turning them on asks the
    // browser (a user gesture) and they come back.
    await page.getByRole("button", { name: "Preferències" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Actives per a missatges directes i mencions.").waitFor();
    assert.equal(await permissionRequests(page), 0, "opening Settings asks nothing");
    await dialog.getByRole("button", { name: "Desactiva-les" }).click();
    await dialog.getByText("Desactivades.").waitFor();
    await setVisibility(page, "hidden");
    await post(users.biel.api, dm.id, "Amb les notificacions desactivades");
    await until("the DM while off counted as unread", async () =>
      (await page.locator(".channel-item.unread").filter({ hasText: "Biel Roca" }).locator(".badge").innerText()) === "3",
    );
    await sleep(500);
    assert.equal((await recorded(page)).length, 2, "nothing notified while turned off");
    assert.equal(await permissionRequests(page), 0);
    await dialog.getByRole("button", { name: "Activa-les" }).click();
    await dialog.getByText("Actives per a missatges directes i mencions.").waitFor();
    assert.equal(await permissionRequests(page), 1, "the Settings button asked the browser");
    await post(users.biel.api, dm.id, "Ja tornen a funcionar");
    await until("a third notification", async () => (await recorded(page)).length === 3);
    assert.deepEqual((await recorded(page))[2], { title: "Biel Roca", body: "Ja tornen a funcionar" });

    // A reload asks nothing either, and the choice is remembered.
    await page.reload();
    await page.locator("#composer-input").waitFor({ timeout: 20_000 });
    assert.equal(await permissionRequests(page), 0, "no permission request after a reload");
    await anna.context.close();
  });

  it("a first-time user is asked only when clicking the button in Settings", T, async () => {
    const biel = await openRecorded("biel", { permission: "default" });
    const { page } = biel;
    await openChannel(page, "general");
    assert.equal(await permissionRequests(page), 0, "no permission request on page load or login");
    // Not allowed yet: a DM notifies nothing.
    const dm = await users.anna.api.call("POST", "/api/v1/dms", { user_ids: [users.biel.id] });
    await post(users.anna.api, dm.id, "Abans de donar permís");
    await until("the DM counted as unread", async () => (await page.locator(".channel-item.unread").filter({ hasText: "Anna Ferrer" }).count()) === 1);
    await sleep(500);
    assert.deepEqual(await recorded(page), []);

    await page.getByRole("button", { name: "Preferències" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Desactivades.").waitFor();
    assert.equal(await permissionRequests(page), 0, "opening Settings asks nothing");
    await dialog.getByRole("button", { name: "Activa-les" }).click();
    await dialog.getByText("Actives per a missatges directes i mencions.").waitFor();
    assert.equal(await permissionRequests(page), 1, "asked once, from the click");
    await post(users.anna.api, dm.id, "Després de donar permís");
    await until("notified", async () => (await recorded(page)).length === 1);
    assert.deepEqual(await recorded(page), [{ title: "Anna Ferrer", body: "Després de donar permís" }]);
    await biel.context.close();
  });

  it("caused no foreign request, CSP violation or page error", () => {
    assert.deepEqual(allProblems.flat(), []);
  });
});
