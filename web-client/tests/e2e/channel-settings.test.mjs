// Browser tests of channel settings: the topic set by a member shows live for the other, the
// owner archives (the other member gets the read-only banner live, and the channel leaves the
// sidebar until asked for) and unarchives, the owner's rename shows live in the other member's
// sidebar and header, a member of a private channel adds people picked from the directory as
// they type (arrows and Enter on a desktop, a tap on a touch screen), and a muted channel shows
// no unread badge, dimmed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PASSWORD, login, openAs, openChannel, startStack, until, watchPage } from "./harness.mjs";

const T = { timeout: 120_000 };
let stack;
let users;
const channels = {};
const allProblems = [];

async function open(username, options) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

async function openSettings(page) {
  await page.getByRole("button", { name: "Configuració del canal" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  return dialog;
}

describe("channel settings in a real browser", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    users = {};
    for (const [username, name] of [["alice", "Alícia Puig"], ["bob", "Bernat Soler"]]) {
      users[username] = await api.createUser(username, name);
      users[username].api = await api.as(username);
    }
    for (const name of ["obres", "general"]) {
      channels[name] = await users.alice.api.call("POST", "/api/v1/channels", { name, kind: "public" });
      await users.bob.api.call("POST", `/api/v1/channels/${channels[name].id}/join`);
    }
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("a member sets the topic, the owner archives and unarchives; the other member sees it live", T, async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "obres");
    await openChannel(bob.page, "obres");

    const settings = await openSettings(bob.page);
    // Bob is not the owner: no rename, no archive; he sees the members with their presence.
    assert.equal(await settings.getByRole("button", { name: "Arxiva el canal" }).count(), 0);
    await settings.locator(".member-list li").filter({ hasText: "@alice" }).waitFor();
    await settings.getByLabel("Tema").fill("Obres de la plaça");
    await settings.getByRole("button", { name: "Desa els canvis" }).click();
    await settings.getByText("Desat.").waitFor();
    await bob.page.keyboard.press("Escape");
    await until("alice sees the topic live", async () => (await alice.page.locator(".channel-topic").innerText().catch(() => "")) === "Obres de la plaça");

    const owner = await openSettings(alice.page);
    await owner.getByRole("button", { name: "Arxiva el canal" }).click();
    await owner.getByRole("button", { name: "Desarxiva el canal" }).waitFor();
    await alice.page.keyboard.press("Escape");
    await bob.page.getByText("Aquest canal està arxivat: només es pot llegir.").waitFor();
    assert.equal(await bob.page.locator("#composer-input").count(), 0, "no composer in an archived channel");
    // Bob moves away: the archived channel leaves his sidebar, until he asks for archived ones.
    await openChannel(bob.page, "general");
    const archivedItem = bob.page.locator('.channel-item[data-channel="obres"]');
    await until("hidden", async () => (await archivedItem.count()) === 0);
    await bob.page.getByLabel("Mostra els canals arxivats").check();
    await archivedItem.waitFor();

    const again = await openSettings(alice.page);
    await again.getByRole("button", { name: "Desarxiva el canal" }).click();
    await again.getByRole("button", { name: "Arxiva el canal" }).waitFor();
    await alice.page.keyboard.press("Escape");
    await alice.page.locator("#composer-input").waitFor();
    await alice.context.close();
    await bob.context.close();
  });

  it("the owner renames the channel; the other member's sidebar and header show the new name live", T, async () => {
    const magatzem = await users.alice.api.call("POST", "/api/v1/channels", { name: "magatzem", kind: "public" });
    await users.bob.api.call("POST", `/api/v1/channels/${magatzem.id}/join`);
    const alice = await open("alice");
    const bob = await open("bob");
    await openChannel(alice.page, "magatzem");
    await openChannel(bob.page, "magatzem");

    // Bob is a member, not the owner: no name field for him.
    const theirs = await openSettings(bob.page);
    await theirs.getByLabel("Tema").waitFor();
    assert.equal(await theirs.getByLabel("Nom", { exact: true }).count(), 0);
    await bob.page.keyboard.press("Escape");
    await theirs.waitFor({ state: "detached" });

    const settings = await openSettings(alice.page);
    await settings.getByLabel("Nom", { exact: true }).fill("magatzem-central");
    await settings.getByRole("button", { name: "Desa els canvis" }).click();
    await settings.getByText("Desat.").waitFor();
    await alice.page.keyboard.press("Escape");

    // Live on bob's page, no reload: the sidebar item and the header both carry the new name.
    await bob.page.locator('.channel-item[data-channel="magatzem-central"]').waitFor();
    assert.equal(await bob.page.locator('.channel-item[data-channel="magatzem"]').count(), 0);
    assert.match(await bob.page.locator('.channel-item[data-channel="magatzem-central"]').innerText(), /magatzem-central/);
    await until("bob's header shows the new name", async () => (await bob.page.locator(".channel-title-text").innerText()) === "magatzem-central");
    // And the owner's own page, from the server's answer.
    await alice.page.locator(".channel-title-text").filter({ hasText: "magatzem-central" }).waitFor();
    await alice.context.close();
    await bob.context.close();
  });

  it("adds members to a private channel from the directory as one types: arrows and Enter, or a tap", T, async () => {
    for (const [username, name] of [["carla", "Carla Vidal"], ["dani", "Daniel Vidal"]]) await stack.api.createUser(username, name);
    const direccio = await users.alice.api.call("POST", "/api/v1/channels", { name: "direccio", kind: "private" });
    const memberNames = async () => (await users.alice.api.call("GET", `/api/v1/channels/${direccio.id}/members`)).map((u) => u.username).sort();

    const alice = await open("alice");
    await openChannel(alice.page, "direccio");
    const settings = await openSettings(alice.page);
    const box = settings.getByRole("combobox", { name: "Afegeix un membre" });
    const options = settings.getByRole("option");
    const offered = async () => (await options.allInnerTexts()).map((text) => text.replace(/\s+/g, " ")).join("|");
    await box.fill("vidal");
    await until("both Vidals offered, by name", async () => (await offered()) === "@carla Carla Vidal|@dani Daniel Vidal");
    assert.equal(await options.nth(0).getAttribute("aria-selected"), "true");
    // The arrows move the choice (and wrap); Escape closes the list, not the dialog.
    await box.press("ArrowDown");
    await box.press("ArrowDown");
    await box.press("ArrowDown");
    assert.equal(await options.nth(1).getAttribute("aria-selected"), "true");
    assert.equal(await box.getAttribute("aria-activedescendant"), await options.nth(1).getAttribute("id"));
    await box.press("Escape");
    await settings.getByRole("listbox").waitFor({ state: "hidden" });
    assert.equal(await alice.page.getByRole("dialog").count(), 1);
    await box.press("Backspace");
    await until("offered again", async () => (await options.count()) === 2);
    await box.press("ArrowDown");
    await box.press("Enter");
    await settings.locator(".member-list li").filter({ hasText: "@dani" }).waitFor();
    await settings.getByText("S'ha afegit Daniel Vidal.").waitFor();
    assert.equal(await box.inputValue(), "");
    assert.deepEqual(await memberNames(), ["alice", "dani"]);
    // A member is not offered again.
    await box.fill("vidal");
    await until("only carla left", async () => (await offered()) === "@carla Carla Vidal");
    await alice.context.close();

    // On a touch screen, a tap adds; someone created after the page loaded is found too.
    const context = await stack.browser.newContext({ viewport: { width: 390, height: 780 }, locale: "ca-ES", serviceWorkers: "block", hasTouch: true, isMobile: true });
    const page = await context.newPage();
    allProblems.push(watchPage(page, stack.webUrl));
    await page.goto(stack.webUrl + "/?e2e");
    await login(page, "alice", PASSWORD);
    await stack.api.createUser("ernest", "Ernest Vidal");
    await openChannel(page, "direccio");
    const phone = await openSettings(page);
    await phone.getByText("Escriu un nom i toca la persona per afegir-la.").waitFor();
    await phone.getByRole("combobox", { name: "Afegeix un membre" }).fill("ern");
    const ernest = phone.getByRole("option").filter({ hasText: "Ernest Vidal" });
    await ernest.waitFor();
    const height = (await ernest.boundingBox()).height;
    assert.ok(height >= 44, `a touch target of at least 44 px: ${height}`);
    await ernest.tap();
    await phone.locator(".member-list li").filter({ hasText: "@ernest" }).waitFor();
    assert.deepEqual(await memberNames(), ["alice", "dani", "ernest"]);
    await context.close();
  });

  it("a muted channel is dimmed and shows no unread badge", T, async () => {
    const bob = await open("bob");
    await openChannel(bob.page, "general");
    const settings = await openSettings(bob.page);
    await settings.getByRole("button", { name: "Silencia el canal" }).click();
    await settings.getByRole("button", { name: "Deixa de silenciar el canal" }).waitFor();
    await bob.page.keyboard.press("Escape");
    await openChannel(bob.page, "obres");
    await users.alice.api.call("POST", `/api/v1/channels/${channels.general.id}/messages`, { body: "Ningú no ho ha de notar" });
    await users.alice.api.call("POST", `/api/v1/channels/${channels.obres.id}/messages`, { body: "Això sí" });
    await bob.page.locator(".message-scroller .message-text").filter({ hasText: "Això sí" }).waitFor();
    const item = bob.page.locator('.channel-item[data-channel="general"]');
    assert.match(await item.getAttribute("class"), /muted-channel/);
    assert.equal(await item.locator(".badge").count(), 0, "no badge on a muted channel");
    assert.equal(await bob.page.title(), "Xerrada");
    await bob.context.close();
  });
});
