// Browser tests of channel settings: the topic set by a member shows live for the other, the
// owner archives (the other member gets the read-only banner live, and the channel leaves the
// sidebar until asked for) and unarchives, and a muted channel shows no unread badge, dimmed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, openChannel, startStack, until } from "./harness.mjs";

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
