// Browser tests of the admin area (the System Console): creating a person and reading their
// one-time password, a CSV import with bad lines, deactivating someone who has a tab open, a
// bot token made in the browser, the audit log with its filters and CSV, the support desk's
// settings edited and kept, and that a plain member never sees the entry. Against the real
// server; see harness.mjs.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { ADMIN_PASSWORD, PASSWORD, openAs, screenshot, startStack, until } from "./harness.mjs";

const T = { timeout: 120_000 };
let stack;
let departments;
const allProblems = [];

async function open(username, options = {}) {
  const session = await openAs(stack, username, options);
  allProblems.push(session.problems);
  return session;
}

/** A page logged in as the admin, with the admin area open at `section`. */
async function openAdmin(section, options = {}) {
  const session = await open("admin", { password: ADMIN_PASSWORD, ...options });
  await showAdmin(session.page, section);
  return session;
}

async function showAdmin(page, section) {
  const entry = page.getByTestId("admin-open");
  if (!(await entry.isVisible())) await page.locator(".menu-button").click();
  await entry.click();
  await page.getByTestId("admin-area").waitFor();
  await goTo(page, section);
}

async function goTo(page, section) {
  await page.locator(`.admin-nav-item[data-section="${section}"]`).click();
  await page.locator("#admin-section-title").waitFor();
}

/** Logs in from the login screen and waits for the chat (someone who may have no channel yet). */
async function logIn(page, username, password) {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.getByTestId("logout").waitFor({ timeout: 20_000 });
}

describe("the admin area in a real browser", () => {
  before(async () => {
    stack = await startStack();
    const { api } = stack;
    departments = {};
    for (const [slug, name] of [["tic", "Tecnologia"], ["oac", "Oficina d'Atenció Ciutadana"]]) {
      departments[slug] = await api.call("POST", "/api/v1/departments", { slug, name });
    }
    // The admin and the members have a channel to open, so the chat shows its composer.
    const general = await api.call("POST", "/api/v1/channels", { name: "general", kind: "public" });
    for (const [username, name] of [["marta", "Marta Pons"], ["pau", "Pau Riera"]]) {
      await api.createUser(username, name);
      const member = await api.as(username);
      await member.call("POST", `/api/v1/channels/${general.id}/join`);
    }
  }, T);

  after(async () => {
    await stack?.close();
    for (const problems of allProblems) assert.deepEqual(problems, []);
  });

  it("creates a person, shows their one-time password once, and they log in with it", T, async () => {
    const { page, context } = await openAdmin("users");
    await page.getByTestId("user-create-open").click();
    const form = page.getByTestId("user-create-form");
    await form.getByLabel("Nom d'usuari").fill("nuria");
    await form.getByLabel("Nom visible").fill("Núria Serra");
    await form.getByLabel("Correu electrònic (opcional)").fill("nuria@ajuntament.cat");
    await form.getByRole("checkbox", { name: /Tecnologia/ }).check();
    await page.getByTestId("user-create-submit").click();

    const secretDialog = page.getByRole("dialog", { name: "S'ha creat Núria Serra" });
    await secretDialog.waitFor();
    const password = await secretDialog.getByTestId("one-time-secret").inputValue();
    assert.ok(password.length >= 8, `a one-time password (${password})`);
    await secretDialog.getByText("no es tornarà a mostrar").waitFor();
    await secretDialog.getByTestId("secret-done").click();
    await secretDialog.waitFor({ state: "detached" });
    const row = page.locator('[data-testid="users-table"] tr[data-username="nuria"]');
    assert.match(await row.innerText(), /Núria Serra/);
    assert.match(await row.innerText(), /Tecnologia/);
    // Shown once: it is nowhere on the page any more.
    assert.equal(await page.getByText(password).count(), 0);

    const nuria = (await stack.api.call("GET", "/api/v1/users?q=nuria")).find((u) => u.username === "nuria");
    assert.deepEqual(nuria.department_ids, [departments.tic.id]);

    await page.getByTestId("admin-close").click();
    await page.getByTestId("logout").click();
    await logIn(page, "nuria", password);
    assert.equal(await page.locator(".me-name").innerText(), "Núria Serra");
    assert.equal(await page.getByTestId("admin-open").count(), 0, "a member has no admin entry");
    await context.close();
  });

  it("previews a CSV import of 50 people with 2 bad lines, then imports the 48", T, async () => {
    const lines = ["username,display_name,email,departments"];
    for (let i = 1; i <= 50; i++) {
      const n = String(i).padStart(2, "0");
      if (i === 10) lines.push(`mal usuari!,Persona ${n},p${n}@ajuntament.cat,tic`);
      else if (i === 30) lines.push(`persona${n},Persona ${n},p${n}@ajuntament.cat,inexistent`);
      else lines.push(`persona${n},Persona ${n},p${n}@ajuntament.cat,${i % 2 ? "tic" : "oac;tic"}`);
    }
    // The header is line 1, so person i is on line i + 1.
    const badLines = [11, 31];
    const { page, context } = await openAdmin("import");
    await page.getByTestId("import-text").fill(lines.join("\n"));
    await page.getByTestId("import-check").click();
    const preview = page.getByTestId("import-preview");
    await preview.waitFor();
    const errors = page.locator('[data-testid="import-errors"] li');
    assert.equal(await errors.count(), 2);
    assert.deepEqual(await errors.evaluateAll((items) => items.map((li) => Number(li.dataset.line))), badLines);
    assert.match(await errors.nth(0).innerText(), /^Línia 11:/);
    assert.match(await errors.nth(1).innerText(), /^Línia 31:.*inexistent/);
    assert.equal(await page.locator('[data-testid="import-rows"] tbody tr').count(), 48);
    // Nothing was created by the preview.
    assert.equal((await stack.api.call("GET", "/api/v1/users?q=persona")).length, 0);
    await screenshot(page, "admin-import-preview");

    const run = page.getByTestId("import-run");
    assert.equal(await run.innerText(), "Importa 48 persones");
    await run.click();
    await page.getByTestId("import-done").waitFor();
    assert.equal(await page.locator('[data-testid="import-passwords"] tbody tr').count(), 48);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("import-download").click()]);
    const csv = (await readFile(await download.path(), "utf8")).trim().split(/\r?\n/);
    assert.equal(csv[0], "username,display_name,password");
    assert.equal(csv.length, 49);

    const imported = (await stack.api.call("GET", "/api/v1/users?q=persona")).filter((u) => /^persona\d\d$/.test(u.username));
    assert.equal(imported.length, 48);
    assert.ok(!imported.some((u) => u.username === "persona30"));
    const p02 = imported.find((u) => u.username === "persona02");
    assert.deepEqual([...p02.department_ids].sort(), [departments.oac.id, departments.tic.id].sort());
    // A password from the CSV works.
    const [username, , password] = csv.find((line) => line.startsWith("persona01,")).split(",");
    const login = await fetch(`${stack.webUrl}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(login.status, 200);
    await context.close();
  });

  it("deactivating someone signs out the tab they have open", T, async () => {
    const pau = await open("pau");
    const { page, context } = await openAdmin("users");
    await page.getByTestId("user-search").fill("pau");
    await page.locator('tr[data-username="pau"]').getByTestId("user-manage").click();
    const dialog = page.getByRole("dialog", { name: "Gestiona Pau Riera" });
    await dialog.getByTestId("user-deactivate").click();
    const confirm = page.getByRole("dialog", { name: "Desactiva el compte" });
    await confirm.getByTestId("confirm").click();
    await confirm.waitFor({ state: "detached" });
    await dialog.getByText("S'ha desactivat el compte.").waitFor();
    await dialog.getByTestId("user-reactivate").waitFor();

    // Pau's own tab goes back to the login screen, saying why.
    await pau.page.locator('input[name="password"]').waitFor({ timeout: 15_000 });
    await pau.page.getByText("La sessió s'ha tancat").waitFor();
    const me = await fetch(`${stack.webUrl}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "pau", password: PASSWORD }),
    });
    assert.equal(me.status, 401, "a deactivated account cannot log in");
    await dialog.getByRole("button", { name: "Tanca", exact: true }).click();
    assert.match(await page.locator('tr[data-username="pau"]').innerText(), /Desactivat/);
    await pau.context.close();
    await context.close();
  });

  it("makes a bot and tokens in the browser that work against the API", T, async () => {
    const { page, context } = await openAdmin("bots");
    const form = page.getByTestId("bot-create-form");
    await form.getByLabel("Nom d'usuari").fill("informes");
    await form.getByLabel("Nom visible").fill("Informes diaris");
    await page.getByTestId("bot-create-submit").click();
    const created = page.getByRole("dialog", { name: "S'ha creat Informes diaris" });
    const first = await created.getByTestId("one-time-secret").inputValue();
    assert.match(first, /^xbot_/);
    await created.getByTestId("secret-done").click();

    await page.locator('[data-testid="bots"] li[data-username="informes"]').getByTestId("bot-tokens").click();
    const tokens = page.getByRole("dialog", { name: "Testimonis de Informes diaris" });
    await tokens.getByLabel("Etiqueta del testimoni nou (opcional)").fill("rotació");
    await tokens.getByTestId("bot-token-add").click();
    const shown = page.getByRole("dialog", { name: "Testimoni nou de Informes diaris" });
    const second = await shown.getByTestId("one-time-secret").inputValue();
    assert.match(second, /^xbot_/);
    assert.notEqual(second, first);
    await shown.getByTestId("secret-done").click();
    await tokens.getByText("rotació").waitFor();

    for (const token of [first, second]) {
      const response = await fetch(`${stack.webUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      assert.equal((await response.json()).username, "informes");
    }

    // Revoking the first one stops it at once.
    await tokens.getByRole("button", { name: "Revoca el testimoni first token" }).click();
    await page.getByRole("dialog", { name: "Revoca" }).getByTestId("confirm").click();
    await until("the token is shown revoked", async () => (await tokens.getByText("Revocat", { exact: true }).count()) === 1);
    const revoked = await fetch(`${stack.webUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${first}` } });
    assert.equal(revoked.status, 401);
    await context.close();
  });

  it("shows each of those actions in the audit log, filters it and downloads it as CSV", T, async () => {
    const { page, context } = await openAdmin("audit");
    const table = page.getByTestId("audit-table");
    await table.waitFor();
    // Newest first, a page at a time.
    const firstPage = await table.locator("tbody tr").count();
    assert.equal(firstPage, 50);
    await page.getByTestId("audit-more").click();
    await until("a second page", async () => (await table.locator("tbody tr").count()) > 50);

    const filters = page.getByRole("search", { name: "Filtres del registre" });
    for (const action of ["user.created", "user.imported", "user.deactivated", "bot.created", "bot.token_created", "bot.token_revoked", "auth.login"]) {
      await filters.getByLabel("Acció").selectOption(action);
      await filters.getByRole("button", { name: "Filtra" }).click();
      await until(`an entry for ${action}`, async () => {
        const actions = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.action));
        return actions.length > 0 && actions.every((a) => a === action);
      });
    }
    // user.created names Núria; the import made 48 entries.
    await filters.getByLabel("Acció").selectOption("user.imported");
    await filters.getByRole("button", { name: "Filtra" }).click();
    await until("48 imported", async () => (await table.locator("tbody tr").count()) === 48);
    await filters.getByLabel("Acció").selectOption("user.created");
    await filters.getByRole("button", { name: "Filtra" }).click();
    await until("nuria's creation", async () => /nuria|Núria/.test(await table.innerText()));

    // By who did it, and by day.
    await filters.getByLabel("Acció").selectOption("");
    await filters.getByLabel("Qui (usuari o identificador)").fill("pau");
    await filters.getByRole("button", { name: "Filtra" }).click();
    await until("only pau's actions", async () => {
      const actors = await table.locator("tbody tr td:nth-child(2)").allInnerTexts();
      return actors.length > 0 && actors.every((a) => a === "pau");
    });
    await filters.getByLabel("Qui (usuari o identificador)").fill("");
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
    await filters.getByLabel("Des del dia").fill(day);
    await filters.getByRole("button", { name: "Filtra" }).click();
    await page.getByText("0 entrades").waitFor();
    await filters.getByLabel("Des del dia").fill("");

    // The CSV: the same query, fetched with the token.
    await filters.getByLabel("Acció").selectOption("bot.created");
    await filters.getByRole("button", { name: "Filtra" }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-csv").click()]);
    assert.match(download.suggestedFilename(), /^xerrada-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = (await readFile(await download.path(), "utf8")).trim().split(/\r?\n/);
    assert.match(csv[0], /^id,at,actor_id,actor_name,action,target,ip,details/);
    assert.equal(csv.length, 2);
    assert.match(csv[1], /bot\.created/);
    await screenshot(page, "admin-audit");
    await context.close();
  });

  it("resets a password (shown once) and signs someone out everywhere", T, async () => {
    const marta = await open("marta");
    const { page, context } = await openAdmin("users");
    await page.locator('tr[data-username="marta"]').getByTestId("user-manage").click();
    const dialog = page.getByRole("dialog", { name: "Gestiona Marta Pons" });
    await dialog.getByTestId("user-reset-password").click();
    await page.getByRole("dialog", { name: "Restableix la contrasenya" }).getByTestId("confirm").click();
    const shown = page.getByRole("dialog", { name: "Restableix la contrasenya" }).filter({ has: page.getByTestId("one-time-secret") });
    const password = await shown.getByTestId("one-time-secret").inputValue();
    await shown.getByTestId("secret-done").click();
    // Her open tab is signed out, and only the new password works.
    await marta.page.locator('input[name="password"]').waitFor({ timeout: 15_000 });
    await assert.rejects(stack.api.as("marta"), /401/);
    const again = await stack.api.as("marta", password);
    assert.equal(again.user.username, "marta");

    await dialog.getByTestId("user-sign-out").click();
    await page.getByRole("dialog", { name: "Tanca totes les sessions" }).getByTestId("confirm").click();
    await dialog.getByText("S'han tancat totes les sessions.").waitFor();
    const me = await fetch(`${stack.webUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${again.token}` } });
    assert.equal(me.status, 401, "her API session ended too");
    // Back to the known password for the other tests.
    await stack.api.call("POST", `/api/v1/users/${again.user.id}/reset-password`, { password: PASSWORD });
    await marta.context.close();
    await context.close();
  });

  it("manages departments, channels, webhooks, commands and info articles", T, async () => {
    const { api } = stack;
    const marta = (await api.call("GET", "/api/v1/users?q=marta"))[0];
    const { page, context } = await openAdmin("departments");

    // A department: create, rename, a member in and out.
    await page.getByLabel("Identificador").fill("urb");
    await page.getByLabel("Nom", { exact: true }).fill("Urbanisme");
    await page.getByRole("button", { name: "Crea el departament" }).click();
    const urbRow = page.locator('[data-testid="departments"] li[data-slug="urb"]');
    await urbRow.waitFor();
    await urbRow.getByRole("button", { name: "Canvia el nom de Urbanisme" }).click();
    await urbRow.getByLabel("Nom nou de urb").fill("Urbanisme i Obres");
    await urbRow.getByRole("button", { name: "Desa" }).click();
    await urbRow.getByText("Urbanisme i Obres").waitFor();
    const urb = (await api.call("GET", "/api/v1/departments")).find((d) => d.slug === "urb");
    assert.equal(urb.name, "Urbanisme i Obres");
    await urbRow.getByRole("button", { name: "Membres de Urbanisme i Obres" }).click();
    const members = page.getByRole("dialog", { name: "Membres de Urbanisme i Obres" });
    await members.getByLabel("Afegeix per nom d'usuari").fill("marta");
    await members.getByRole("button", { name: "Afegeix", exact: true }).click();
    await members.locator('li[data-username="marta"]').waitFor();
    assert.deepEqual((await api.call("GET", `/api/v1/departments/${urb.id}/members`)).map((u) => u.username), ["marta"]);
    await members.getByRole("button", { name: "Treu Marta Pons" }).click();
    await page.getByRole("dialog", { name: "Treure un membre" }).getByTestId("confirm").click();
    await members.getByText("Encara no hi ha cap membre.").waitFor();
    assert.deepEqual(await api.call("GET", `/api/v1/departments/${urb.id}/members`), []);
    await members.getByRole("button", { name: "Tanca", exact: true }).click();

    // Channels: every kind but direct, archive and unarchive, members of a private one.
    const secret = await api.call("POST", "/api/v1/channels", { name: "comissio", kind: "private" });
    await api.call("POST", "/api/v1/dms", { user_ids: [marta.id] });
    await goTo(page, "channels");
    const table = page.getByTestId("channels-table");
    await table.locator('tr[data-channel="comissio"]').waitFor();
    const names = await table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.channel));
    for (const name of ["general", "comissio", "tic", "oac", "urb"]) assert.ok(names.includes(name), `${name} is listed`);
    assert.ok(!names.some((n) => n.includes(",")), "no direct channels");
    const general = table.locator('tr[data-channel="general"]');
    await general.getByRole("button", { name: "Arxiva general" }).click();
    await page.getByRole("dialog", { name: "Arxiva" }).getByTestId("confirm").click();
    await general.getByRole("button", { name: "Desarxiva general" }).waitFor();
    const channels = await api.call("GET", "/api/v1/admin/channels");
    assert.equal(channels.find((c) => c.name === "general").archived, true);
    await general.getByRole("button", { name: "Desarxiva general" }).click();
    await general.getByRole("button", { name: "Arxiva general" }).waitFor();
    assert.equal(await table.locator('tr[data-channel="tic"]').getByRole("button", { name: /^Arxiva/ }).count(), 0, "a department channel is not archived here");
    await table.locator('tr[data-channel="comissio"]').getByRole("button", { name: "Membres de #comissio" }).click();
    const channelMembers = page.getByRole("dialog", { name: "Membres de #comissio" });
    await channelMembers.getByLabel("Afegeix per nom d'usuari").fill("marta");
    await channelMembers.getByRole("button", { name: "Afegeix", exact: true }).click();
    await channelMembers.locator('li[data-username="marta"]').waitFor();
    assert.ok((await api.call("GET", `/api/v1/channels/${secret.id}/members`)).some((u) => u.username === "marta"));
    await channelMembers.getByRole("button", { name: "Tanca", exact: true }).click();

    // A webhook: regenerate shows the new absolute URL once, which works; then delete it.
    const hook = await api.call("POST", `/api/v1/channels/${secret.id}/webhooks`, { name: "Alertes" });
    await goTo(page, "webhooks");
    const row = page.locator('[data-testid="webhooks"] li[data-hook="Alertes"]');
    await row.getByRole("button", { name: "Regenera l'URL de Alertes" }).click();
    await page.getByRole("dialog", { name: "Regenera l'URL" }).getByTestId("confirm").click();
    const urlDialog = page.getByRole("dialog", { name: "URL nova de Alertes" });
    const url = await urlDialog.getByTestId("one-time-secret").inputValue();
    assert.ok(url.startsWith(`${stack.webUrl}/hooks/`), url);
    await urlDialog.getByTestId("secret-done").click();
    // `vite preview` proxies only /api: hooks are posted to the server itself.
    const base = stack.server?.url ?? stack.webUrl;
    const post = (path) => fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: "prova" }) });
    assert.equal((await post(new URL(url).pathname)).status, 200);
    assert.equal((await post(hook.url)).status, 404, "the old URL stopped");
    await row.getByRole("button", { name: "Canvia el nom de Alertes" }).click();
    await row.getByLabel("Nom nou").fill("Alertes Grafana");
    await row.getByRole("button", { name: "Desa" }).click();
    const renamed = page.locator('[data-testid="webhooks"] li[data-hook="Alertes Grafana"]');
    await renamed.getByRole("button", { name: "Esborra Alertes Grafana" }).click();
    await page.getByRole("dialog", { name: "Esborra" }).getByTestId("confirm").click();
    await page.getByText("No hi ha cap webhook.").waitFor();
    assert.deepEqual(await api.call("GET", "/api/v1/admin/webhooks"), []);

    // A slash command: register, then remove.
    await goTo(page, "commands");
    await page.getByLabel("Nom", { exact: true }).fill("/Desplega");
    await page.getByLabel("URL del servei (http://)").fill("http://127.0.0.1:9/desplega");
    await page.getByLabel("Descripció (opcional)").fill("Desplega una aplicació");
    await page.getByRole("button", { name: "Registra l'ordre" }).click();
    const command = page.locator('[data-testid="commands"] li[data-command="desplega"]');
    await command.waitFor();
    assert.equal((await api.call("GET", "/api/v1/commands"))[0].name, "desplega");
    await command.getByRole("button", { name: "Treu /desplega" }).click();
    await page.getByRole("dialog", { name: "Treure l'ordre" }).getByTestId("confirm").click();
    await page.getByText("No hi ha cap ordre registrada.").waitFor();
    // A refusal shows next to its form, with the server's words.
    await page.getByLabel("Nom", { exact: true }).fill("help");
    await page.getByLabel("URL del servei (http://)").fill("http://127.0.0.1:9/help");
    await page.getByRole("button", { name: "Registra l'ordre" }).click();
    await page.getByRole("alert").filter({ hasText: "built-in" }).waitFor();

    // An info article in two languages; delete one, then all.
    await goTo(page, "info");
    await page.getByLabel("Tema nou").fill("VPN");
    await page.getByRole("button", { name: "Afegeix", exact: true }).click();
    const editor = page.locator('.topic-editor[data-topic="vpn"]');
    await editor.getByLabel("Títol").fill("Connexió VPN");
    await editor.getByLabel("Text (Markdown)").fill("Obre **FortiClient** i entra.");
    await editor.getByRole("button", { name: "Desa", exact: true }).click();
    await editor.getByText("Desat.").waitFor();
    await editor.getByRole("tab", { name: /castellà/ }).click();
    await editor.getByLabel("Títol").fill("Conexión VPN");
    await editor.getByLabel("Text (Markdown)").fill("Abre **FortiClient** y entra.");
    await editor.getByRole("button", { name: "Desa", exact: true }).click();
    await editor.getByText("Desat.").waitFor();
    assert.deepEqual((await api.call("GET", "/api/v1/info")).map((a) => `${a.topic}/${a.lang}`).sort(), ["vpn/ca", "vpn/es"]);
    await editor.getByRole("button", { name: "Esborra la versió en castellà" }).click();
    await page.getByRole("dialog", { name: "Esborra la versió en castellà" }).getByTestId("confirm").click();
    await editor.getByRole("tab", { name: /castellà \(falta\)/ }).waitFor();
    assert.deepEqual((await api.call("GET", "/api/v1/info")).map((a) => `${a.topic}/${a.lang}`), ["vpn/ca"]);
    await editor.getByRole("button", { name: "Esborra tots els idiomes" }).click();
    await page.getByRole("dialog", { name: "Esborra tots els idiomes" }).getByTestId("confirm").click();
    await page.getByText("Encara no hi ha cap article.").waitFor();
    assert.deepEqual(await api.call("GET", "/api/v1/info"), []);
    await context.close();
  });

  it("edits the support desk's department and categories, kept across a reload; a bad value shows the server's refusal", T, async () => {
    const { api } = stack;
    const arxiu = await api.call("POST", "/api/v1/departments", { slug: "arxiu", name: "Arxiu municipal" });
    const marta = (await api.call("GET", "/api/v1/users?q=marta"))[0];
    await api.call("PUT", `/api/v1/departments/${arxiu.id}/members/${marta.id}`);
    const before = await api.call("GET", "/api/v1/admin/support");
    assert.equal(before.department, "tic", "xerrada.toml's defaults to start with");

    const { page, context } = await openAdmin("support");
    const form = page.getByTestId("support-settings");
    const department = form.getByLabel("Departament de suport");
    const categories = form.getByTestId("support-category");
    const values = () => categories.evaluateAll((inputs) => inputs.map((i) => i.value));
    await until("the categories in force", async () => (await values()).length === before.categories.length);
    assert.equal(await department.inputValue(), "tic");
    assert.deepEqual(await values(), before.categories);
    const team = page.getByTestId("support-team");
    await team.locator('li[data-username="nuria"]').waitFor();
    assert.equal(await form.getByTestId("support-save").isDisabled(), true, "nothing to save yet");

    // Rename, remove, add and move up (the last one stays the default), and another department.
    await form.getByLabel("Categoria 1", { exact: true }).fill("Maquinari i perifèrics");
    await form.getByRole("button", { name: "Treu telefonia" }).click();
    await form.getByTestId("support-category-add").click();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label"));
    await until("the new row's focus", async () => (await focused()) === `Categoria ${before.categories.length}`);
    await page.keyboard.type("Impressores");
    await form.getByRole("button", { name: "Puja Impressores" }).click();
    await until("the focus following the row", async () => (await focused()) === "Puja Impressores");
    const wanted = ["Maquinari i perifèrics", "programari", "xarxa/VPN", "accessos", "Impressores", "altres"];
    assert.deepEqual(await values(), wanted);
    assert.match(await form.locator(".category-row").last().innerText(), /per defecte/);
    await department.selectOption({ label: "Arxiu municipal" });
    await form.getByTestId("support-save").click();
    const outcome = form.getByText("Desat.").or(form.getByRole("alert"));
    await outcome.waitFor();
    assert.equal(await outcome.innerText(), "Desat.");
    // The team, from the server's answer: Arxiu's members (and the admins), no longer TIC's.
    await team.locator('li[data-username="marta"]').waitFor();
    await team.locator('li[data-username="admin"]').waitFor();
    assert.equal(await team.locator('li[data-username="nuria"]').count(), 0);
    const saved = await api.call("GET", "/api/v1/admin/support");
    assert.equal(saved.department, "arxiu");
    assert.deepEqual(saved.categories, wanted);

    // Kept across a reload.
    await page.reload();
    await page.locator("#composer-input").waitFor({ timeout: 20_000 });
    await showAdmin(page, "support");
    await until("the saved categories", async () => JSON.stringify(await values()) === JSON.stringify(wanted));
    assert.equal(await department.inputValue(), "arxiu");
    await team.locator('li[data-username="marta"]').waitFor();

    // An empty category: the server refuses it, in its own words next to the form, and nothing changes.
    await form.getByTestId("support-category-add").click();
    await form.getByTestId("support-save").click();
    const refusal = form.getByRole("alert");
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /1-40/);
    assert.deepEqual((await api.call("GET", "/api/v1/admin/support")).categories, wanted);
    await form.getByTestId("support-cancel").click();
    await refusal.waitFor({ state: "detached" });
    assert.deepEqual(await values(), wanted);
    await screenshot(page, "admin-support");
    await context.close();
  });

  it("works with the keyboard: sections by arrows, dialogs close with Escape back to their button", T, async () => {
    const { page, context } = await openAdmin("dashboard");
    await page.locator('.admin-nav-item[data-section="dashboard"]').focus();
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.section), "users");
    await page.keyboard.press("Enter");
    await page.locator("#admin-section-title").filter({ hasText: "Usuaris" }).waitFor();
    await until("the new section is announced", () => page.evaluate(() => document.activeElement?.id === "admin-section-title"));
    const create = page.getByTestId("user-create-open");
    await create.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Nou usuari" });
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await until("the focus back on its button", () => page.evaluate(() => document.activeElement?.dataset.testid === "user-create-open"));
    // A destructive action's confirmation starts on "Cancel", and Escape does nothing.
    await page.locator('tr[data-username="marta"]').getByTestId("user-manage").click();
    const manage = page.getByRole("dialog", { name: "Gestiona Marta Pons" });
    await manage.getByTestId("user-deactivate").click();
    const confirm = page.getByRole("dialog", { name: "Desactiva el compte" });
    await confirm.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Cancel·la");
    await page.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });
    assert.equal((await stack.api.call("GET", "/api/v1/users?q=marta"))[0].active, true);
    await page.keyboard.press("Escape");
    await manage.waitFor({ state: "detached" });
    await page.getByTestId("admin-close").click();
    await until("the focus back in the chat's composer", () => page.evaluate(() => document.activeElement?.id === "composer-input"));
    await context.close();
  });

  it("works on a phone: every section opens without sideways scrolling", T, async () => {
    const { page, context } = await openAdmin("dashboard", { viewport: { width: 360, height: 740 } });
    await page.getByTestId("stats").waitFor();
    for (const section of ["dashboard", "users", "import", "departments", "channels", "bots", "webhooks", "commands", "info", "support", "audit"]) {
      await goTo(page, section);
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.querySelector(".admin-main").scrollWidth - document.querySelector(".admin-main").clientWidth);
      assert.ok(overflow <= 1, `${section} fits 360 px (overflow ${overflow})`);
      assert.equal(await page.locator(".admin .form-error").count(), 0, `${section} loads without an error`);
    }
    await goTo(page, "users");
    await screenshot(page, "admin-users-phone");
    await page.getByTestId("admin-close").click();
    await page.getByTestId("admin-open").waitFor({ state: "attached" });
    await context.close();
  });

  it("never shows the admin entry to a plain member, and the API refuses them", T, async () => {
    const { page, context } = await open("marta");
    await page.locator(".sidebar-actions").waitFor();
    assert.equal(await page.getByTestId("admin-open").count(), 0);
    assert.equal(await page.getByText("Administració").count(), 0);
    // Nor is the admin area's code downloaded.
    const chunks = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((n) => /AdminArea/.test(n)));
    assert.deepEqual(chunks, []);
    const marta = await stack.api.as("marta");
    await assert.rejects(marta.call("GET", "/api/v1/admin/stats"), /403/);
    await context.close();
  });
});
