// The admin area's pure helpers (users filter, CSV of passwords, audit query and day range,
// webhook URL, info articles by topic) and its translation catalogs.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, auditQueryString } from "../../src/api/admin";
import {
  absoluteUrl,
  csvField,
  datedFileName,
  dayRange,
  detailsText,
  filterUsers,
  groupArticles,
  moveItem,
  normalizeTopic,
  passwordsCsv,
} from "../../src/components/admin/helpers";
import { ADMIN_CATALOGS, translateAdmin } from "../../src/components/admin/i18n";
import type { InfoArticle, User } from "../../src/protocol";

function user(username: string, extra: Partial<User> & { email?: string } = {}): User {
  return { id: `u-${username}`, username, display_name: username, kind: "human", role: "member", department_ids: [], active: true, ...extra };
}

describe("the users table's filters", () => {
  const users = [
    user("pere", { display_name: "Pere Vila", active: false }),
    user("Anna", { display_name: "Anna Puig", role: "admin", email: "anna@ajuntament.cat" }),
    user("mesa", { display_name: "Mesa d'Ajuda", kind: "bot" }),
    user("joan", { display_name: "Joan Soler" }),
  ];
  const all = { q: "", status: "all", role: "all", kind: "all" } as const;

  it("sorts by username ignoring case and keeps everyone without filters", () => {
    expect(filterUsers(users, all).map((u) => u.username)).toEqual(["Anna", "joan", "mesa", "pere"]);
  });

  it("filters by status, role and kind", () => {
    expect(filterUsers(users, { ...all, status: "inactive" }).map((u) => u.username)).toEqual(["pere"]);
    expect(filterUsers(users, { ...all, status: "active" }).map((u) => u.username)).toEqual(["Anna", "joan", "mesa"]);
    expect(filterUsers(users, { ...all, role: "admin" }).map((u) => u.username)).toEqual(["Anna"]);
    expect(filterUsers(users, { ...all, kind: "human" }).map((u) => u.username)).toEqual(["Anna", "joan", "pere"]);
    expect(filterUsers(users, { ...all, kind: "bot" }).map((u) => u.username)).toEqual(["mesa"]);
  });

  it("searches username, display name and e-mail, ignoring case", () => {
    expect(filterUsers(users, { ...all, q: "PUIG" }).map((u) => u.username)).toEqual(["Anna"]);
    expect(filterUsers(users, { ...all, q: "ajuntament" }).map((u) => u.username)).toEqual(["Anna"]);
    expect(filterUsers(users, { ...all, q: " jo " }).map((u) => u.username)).toEqual(["joan"]);
  });
});

describe("the CSV of one-time passwords", () => {
  it("has a header, CRLF lines, and quotes what needs quoting", () => {
    const csv = passwordsCsv([
      { username: "anna", display_name: "Anna Puig", password: "k3y-1" },
      { username: "joan", display_name: 'Joan "el Gran", Vila', password: "-starts-with-dash" },
    ]);
    expect(csv).toBe('username,display_name,password\r\nanna,Anna Puig,k3y-1\r\njoan,"Joan ""el Gran"", Vila",-starts-with-dash\r\n');
  });

  it("neutralises spreadsheet formulas in names but never changes a password", () => {
    expect(csvField("=HYPERLINK(1)", true)).toBe("'=HYPERLINK(1)");
    expect(csvField("=abc")).toBe("=abc");
    expect(passwordsCsv([{ username: "x", display_name: "@x", password: "=p" }])).toContain("x,'@x,=p\r\n");
  });
});

describe("the audit log's query", () => {
  it("leaves empty filters out and adds the format", () => {
    expect(auditQueryString({})).toBe("");
    expect(auditQueryString({ actor: "", action: "user.created", limit: 50 })).toBe("?action=user.created&limit=50");
    expect(auditQueryString({ actor: "anna puig", cursor: "42" }, "csv")).toBe("?actor=anna+puig&cursor=42&format=csv");
  });

  it("turns local days into an RFC 3339 range whose end is the next day's start", () => {
    const range = dayRange("2026-12-01", "2026-12-03");
    expect(new Date(range.from!).getTime()).toBe(new Date(2026, 11, 1).getTime());
    expect(new Date(range.to!).getTime()).toBe(new Date(2026, 11, 4).getTime());
    expect(range.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(dayRange("", "")).toEqual({});
    expect(dayRange("ahir", "")).toEqual({});
  });

  it("lists every action once", () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(AUDIT_ACTIONS).toContain("user.imported");
    expect(AUDIT_ACTIONS).toContain("audit.exported");
  });

  it("shows details as key=value pairs", () => {
    expect(detailsText({ role: "admin", departments: ["tic"] })).toBe('role=admin, departments=["tic"]');
    expect(detailsText({})).toBe("");
    expect(detailsText(null)).toBe("");
  });
});

describe("small helpers", () => {
  it("makes a webhook's absolute URL from the origin and its path", () => {
    expect(absoluteUrl("https://xat.ajuntament.cat", "/hooks/abc")).toBe("https://xat.ajuntament.cat/hooks/abc");
    expect(absoluteUrl("http://127.0.0.1:8080/", "hooks/abc")).toBe("http://127.0.0.1:8080/hooks/abc");
    expect(absoluteUrl("http://a", "https://b/hooks/x")).toBe("https://b/hooks/x");
  });

  it("groups info articles by topic and language", () => {
    const a = (topic: string, lang: string): InfoArticle => ({ topic, lang, title: `${topic} ${lang}`, body: "b", updated_at: "2026-12-01T00:00:00.000Z" });
    const groups = groupArticles([a("vpn", "es"), a("correu", "ca"), a("vpn", "ca"), a("vpn", "fr")]);
    expect(groups.map((g) => g.topic)).toEqual(["correu", "vpn"]);
    expect(Object.keys(groups[1]!.langs).sort()).toEqual(["ca", "es"]);
  });

  it("checks and lowercases an info topic as the server does", () => {
    expect(normalizeTopic(" VPN ")).toBe("vpn");
    expect(normalizeTopic("xarxa_wifi-2")).toBe("xarxa_wifi-2");
    expect(normalizeTopic("correu electrònic")).toBeNull();
    expect(normalizeTopic("")).toBeNull();
    expect(normalizeTopic("a".repeat(41))).toBeNull();
  });

  it("names downloads with the local date", () => {
    expect(datedFileName("xerrada-audit", new Date(2026, 0, 5))).toBe("xerrada-audit-2026-01-05.csv");
  });
});

describe("the support desk's categories", () => {
  it("move up and down one place, never past either end", () => {
    const names = ["maquinari", "programari", "xarxa", "altres"];
    expect(moveItem(names, 1, -1)).toEqual(["programari", "maquinari", "xarxa", "altres"]);
    expect(moveItem(names, 1, 1)).toEqual(["maquinari", "xarxa", "programari", "altres"]);
    expect(moveItem(names, 0, -1)).toEqual(names);
    expect(moveItem(names, 3, 1)).toEqual(names);
    expect(moveItem(names, 7, -1)).toEqual(names);
    expect(names).toEqual(["maquinari", "programari", "xarxa", "altres"]);
  });
});

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the admin area's translations", () => {
  it("have the same keys and placeholders in Catalan, Spanish and English, none empty", () => {
    const { ca, es, en } = ADMIN_CATALOGS;
    const keys = Object.keys(ca).sort();
    expect(Object.keys(es).sort()).toEqual(keys);
    expect(Object.keys(en).sort()).toEqual(keys);
    for (const [key, text] of Object.entries(ca)) {
      for (const other of [es, en] as Record<string, string>[]) {
        expect(placeholders(other[key]!), key).toEqual(placeholders(text));
        expect(other[key]!.trim(), key).not.toBe("");
      }
    }
  });

  it("name every audit action", () => {
    for (const action of AUDIT_ACTIONS) expect(Object.keys(ADMIN_CATALOGS.ca), action).toContain(`action.${action}`);
  });

  it("pick plural forms", () => {
    expect(translateAdmin("ca", "import.run", { count: 48 })).toBe("Importa 48 persones");
    expect(translateAdmin("ca", "import.run", { count: 1 })).toBe("Importa 1 persona");
    expect(translateAdmin("en", "import.run", { count: 1 })).toBe("Import 1 person");
  });

  it("cover every key the admin components use", () => {
    const dir = new URL("../../src/components/admin/", import.meta.url);
    const keys = new Set(Object.keys(ADMIN_CATALOGS.ca));
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".tsx")) continue;
      const source = readFileSync(new URL(file, dir), "utf8");
      for (const m of source.matchAll(/\bta\(\s*"([^"]+)"/g)) expect(keys, `${file}: ${m[1]}`).toContain(m[1]);
    }
  });

  it("leave no bare text between JSX tags", () => {
    const dir = new URL("../../src/components/admin/", import.meta.url);
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".tsx")) continue;
      const source = readFileSync(new URL(file, dir), "utf8");
      // As i18n.test.ts does, except that an arrow's `=>` before a generic type is no tag.
      const bare = [...source.matchAll(/(?<!=)>\s*([A-Za-zÀ-ÿ][^<>{}]*?)\s*</g)]
        .map((m) => m[1]!.trim())
        .filter((text) => !/^[\w.]+\s*=>/.test(text) && !/[;=()]/.test(text));
      expect(bare, file).toEqual([]);
    }
  });
});
