// Browser tests of profiles: a click on an author's name opens their card with status and local
// time; one's own card changes the display name, status and time zone (the browser's by default)
// and the password; a member who takes the admin's display name can still be told apart.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openAs, openChannel, startStack } from "./harness.mjs";

const T = { timeout: 120_000 };
let stack;
let users;
let channel;
const allProblems = [];

describe("profiles in a real browser", () => {
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
    await users.bob.api.call("PATCH", `/api/v1/users/${users.bob.id}`, { status_text: "De vacances", timezone: "America/New_York" });
    await users.bob.api.call("POST", `/api/v1/channels/${channel.id}/messages`, { body: "Hola des de Nova York" });
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("opens someone's card from their name, and edits one's own", T, async () => {
    const alice = await openAs(stack, "alice", { viewport: { width: 1280, height: 800 } });
    allProblems.push(alice.problems);
    await openChannel(alice.page, "obres");
    await alice.page.locator(".message-scroller .author-button").filter({ hasText: "Bernat Soler" }).first().click();
    const card = alice.page.locator("[data-testid='profile-card']");
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /De vacances/);
    assert.match(text, /Hora local: \d\d:\d\d \(America\/New_York\)/);
    await alice.page.keyboard.press("Escape");

    await alice.page.locator(".sidebar-footer .me").click();
    const dialog = alice.page.getByRole("dialog");
    await dialog.getByLabel("Nom visible").fill("Alícia Puig i Soler");
    await dialog.getByLabel("Estat", { exact: true }).fill("Reunió fins a les 12");
    assert.ok((await dialog.getByLabel("Zona horària").inputValue()).length > 0, "the browser's zone by default");
    await dialog.getByRole("button", { name: "Desa el perfil" }).click();
    await dialog.getByText("Perfil desat.").waitFor();
    const me = await users.alice.api.call("GET", `/api/v1/users/${users.alice.id}`);
    assert.equal(me.display_name, "Alícia Puig i Soler");
    assert.equal(me.status_text, "Reunió fins a les 12");
    // A wrong current password is refused; the right one changes it.
    await dialog.getByLabel("Contrasenya actual").fill("wrong password");
    await dialog.getByLabel("Contrasenya nova").fill("una contrasenya nova");
    await dialog.getByRole("button", { name: "Canvia la contrasenya" }).click();
    await dialog.getByRole("alert").waitFor();
    await dialog.getByLabel("Contrasenya actual").fill("correct horse battery");
    await dialog.getByRole("button", { name: "Canvia la contrasenya" }).click();
    await dialog.getByText("Contrasenya canviada.").waitFor();
    await alice.context.close();
  });

  it("tells a member who took the admin's name from the admin", T, async () => {
    const { api } = stack;
    const adminName = api.user.display_name;
    await api.call("POST", `/api/v1/channels/${channel.id}/join`);
    await api.call("POST", `/api/v1/channels/${channel.id}/messages`, { body: "Avís oficial: demà no hi ha servei" });
    const mallory = await api.createUser("mallory", "Marta Llull");
    const malloryApi = await api.as("mallory");
    await malloryApi.call("POST", `/api/v1/channels/${channel.id}/join`);
    // The rename, through the profile card as a person would do it.
    const m = await openAs(stack, "mallory");
    allProblems.push(m.problems);
    await m.page.locator(".sidebar-footer .me").click();
    const dialog = m.page.getByRole("dialog");
    await dialog.getByLabel("Nom visible").fill(adminName);
    await dialog.getByRole("button", { name: "Desa el perfil" }).click();
    await dialog.getByText("Perfil desat.").waitFor();
    assert.equal((await malloryApi.call("GET", `/api/v1/users/${mallory.id}`)).display_name, adminName);
    await m.page.keyboard.press("Escape");
    await openChannel(m.page, "obres");
    await m.page.locator("#composer-input").fill("Envieu-me la vostra contrasenya, si us plau");
    await m.page.locator("#composer-input").press("Enter");
    await m.page.locator('.message[data-delivery="sent"]').filter({ hasText: "Envieu-me" }).waitFor();
    await m.context.close();

    const bob = await openAs(stack, "bob");
    allProblems.push(bob.problems);
    await openChannel(bob.page, "obres");
    const official = bob.page.locator(".message").filter({ hasText: "Avís oficial" });
    const fake = bob.page.locator(".message").filter({ hasText: "Envieu-me" });
    await official.waitFor();
    await fake.waitFor();
    // The same name on both...
    assert.equal(await official.locator(".author").innerText(), adminName);
    assert.equal(await fake.locator(".author").innerText(), adminName);
    // ...but only the admin's is marked ADMIN, and each shows whose account it is.
    assert.equal(await official.locator(".admin-badge").count(), 1);
    assert.equal(await fake.locator(".admin-badge").count(), 0);
    assert.equal(await official.locator(".author-username").innerText(), `@${api.user.username}`);
    assert.equal(await fake.locator(".author-username").innerText(), "@mallory");
    assert.match((await fake.locator(".author").getAttribute("title")) ?? "", /@mallory/);
    // The profile card says so too.
    await fake.locator(".author-button").click();
    const card = bob.page.locator("[data-testid='profile-card']");
    await card.waitFor();
    assert.match(await card.innerText(), /@mallory/);
    assert.equal(await card.locator(".admin-badge").count(), 0);
    await bob.page.keyboard.press("Escape");
    await bob.context.close();
  });
});
