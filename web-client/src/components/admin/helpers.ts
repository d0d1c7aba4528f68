// Pure helpers of the admin area (no DOM, no network), unit-tested in tests/unit/admin.test.ts:
// the users table's filters, the CSV of one-time passwords, the audit log's date range, the
// absolute URL of a webhook, info articles grouped by topic, and the support desk's categories.
import type { InfoArticle, User } from "../../protocol";

export type StatusFilter = "all" | "active" | "inactive";
export type RoleFilter = "all" | "admin" | "member";
export type KindFilter = "all" | "human" | "bot";

export interface UserFilters {
  q: string;
  status: StatusFilter;
  role: RoleFilter;
  kind: KindFilter;
}

/** The users a filter keeps, by username: `q` matches username, display name or e-mail, ignoring case. */
export function filterUsers(users: readonly User[], f: UserFilters): User[] {
  const needle = f.q.trim().toLowerCase();
  return users
    .filter((u) => f.status === "all" || (f.status === "active") === u.active)
    .filter((u) => f.role === "all" || u.role === f.role)
    .filter((u) => f.kind === "all" || u.kind === f.kind)
    .filter((u) => {
      if (!needle) return true;
      const email = (u as User & { email?: string }).email ?? "";
      return [u.username, u.display_name, email].some((s) => s.toLowerCase().includes(needle));
    })
    .sort((a, b) => a.username.localeCompare(b.username, undefined, { sensitivity: "base" }));
}

/**
 * One CSV field, quoted when it holds a comma, a quote, a line break or leading/trailing space.
 * With `text`, a leading `=` `+` `-` `@` (run as a formula by spreadsheets) gets a `'` first;
 * never for a password, which must stay exactly as it is.
 */
export function csvField(value: string, text = false): string {
  const safe = text && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV of the one-time passwords of an import (or of one new user), with a header line. */
export function passwordsCsv(rows: readonly { username: string; display_name: string; password?: string }[]): string {
  const lines = ["username,display_name,password"];
  for (const row of rows) lines.push([csvField(row.username), csvField(row.display_name, true), csvField(row.password ?? "")].join(","));
  return lines.join("\r\n") + "\r\n";
}

/**
 * The audit filter's `from` and `to` from two `<input type="date">` values, as local days: from
 * the start of the first day to the start of the day after the last (the server's `to` is
 * exclusive), as RFC 3339 UTC. Empty stays empty.
 */
export function dayRange(from: string, to: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const start = parseDay(from);
  const end = parseDay(to);
  if (start) out.from = start.toISOString();
  if (end) {
    end.setDate(end.getDate() + 1);
    out.to = end.toISOString();
  }
  return out;
}

function parseDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, 0, 0, 0);
}

/** A webhook's URL to paste into another tool: the server's origin and the hook's path. */
export function absoluteUrl(origin: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return origin.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
}

export const ARTICLE_LANGS = ["ca", "es", "en"] as const;
export type ArticleLang = (typeof ARTICLE_LANGS)[number];

/** Info articles by topic (sorted), each with its versions by language. */
export function groupArticles(articles: readonly InfoArticle[]): { topic: string; langs: Partial<Record<ArticleLang, InfoArticle>> }[] {
  const byTopic = new Map<string, Partial<Record<ArticleLang, InfoArticle>>>();
  for (const article of articles) {
    const langs = byTopic.get(article.topic) ?? {};
    if ((ARTICLE_LANGS as readonly string[]).includes(article.lang)) langs[article.lang as ArticleLang] = article;
    byTopic.set(article.topic, langs);
  }
  return [...byTopic.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([topic, langs]) => ({ topic, langs }));
}

/** An info topic as the server stores it: 1-40 letters, digits, `-` or `_`, lowercased; null when invalid. */
export function normalizeTopic(value: string): string | null {
  const topic = value.trim().toLowerCase();
  return /^[\p{L}\p{N}_-]{1,40}$/u.test(topic) ? topic : null;
}

/** A short text for an audit entry's details: `key=value` pairs, JSON for nested values. */
export function detailsText(details: Record<string, unknown> | null | undefined): string {
  if (!details) return "";
  return Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}

/** A file name with today's local date: `xerrada-audit-2026-12-06.csv`. */
export function datedFileName(prefix: string, now = new Date(), ext = "csv"): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${prefix}-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.${ext}`;
}

/** The support desk's limits, as the server checks them. */
export const MAX_CATEGORIES = 20;
export const MAX_CATEGORY_CHARS = 40;

/** `items` with the one at `index` moved `by` places, kept within the list. */
export function moveItem<T>(items: readonly T[], index: number, by: number): T[] {
  const to = Math.max(0, Math.min(items.length - 1, index + by));
  const out = [...items];
  if (index < 0 || index >= items.length || to === index) return out;
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item as T);
  return out;
}
