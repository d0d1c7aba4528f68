// What the composer offers after an `@`: the channel's members first, then departments, then
// the whole channel (@canal) and whoever is online (@aquí). The people part also completes the
// channel settings' "add a member" box. Pure, unit-tested in tests/unit/mentions.test.ts.
import type { Department, User } from "../protocol";

/** At most this many suggestions are shown. */
export const MAX_MENTION_SUGGESTIONS = 8;

export interface MentionSuggestion {
  /** What is inserted after the `@`. */
  insert: string;
  /** What the list shows. */
  label: string;
  kind: "user" | "department" | "channel" | "here";
  userId?: string;
}

/** The `@word` being typed just before the caret: its start index and the word, or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

/** Folds case and accents, so "aqui" finds "aquí" and "alicia" finds "Alícia". */
const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** Whether one of `names` (or a word of one) starts with `query`, ignoring case and accents. */
function matcher(query: string): (...names: string[]) => boolean {
  const q = fold(query);
  return (...names) => names.some((n) => fold(n).split(/[\s.]+/).some((w) => w.startsWith(q)) || fold(n).startsWith(q));
}

/** The active people among `users` whose username or name matches, by name, but those in `exclude`. */
export function peopleMatching(query: string, users: Iterable<User>, exclude: ReadonlySet<string>, limit = MAX_MENTION_SUGGESTIONS): User[] {
  const matches = matcher(query);
  const seen = new Set<string>();
  const found: User[] = [];
  for (const u of users) {
    if (seen.has(u.id) || exclude.has(u.id) || u.active === false || !matches(u.username, u.display_name)) continue;
    seen.add(u.id);
    found.push(u);
  }
  return found.sort((a, b) => a.display_name.localeCompare(b.display_name)).slice(0, limit);
}

export function mentionSuggestions(
  query: string,
  members: readonly User[],
  departments: readonly Department[],
  meId: string | undefined,
): MentionSuggestion[] {
  const matches = matcher(query);
  const people: MentionSuggestion[] = peopleMatching(query, members, new Set(meId ? [meId] : []), Infinity)
    .map((u) => ({ insert: u.username, label: u.display_name || u.username, kind: "user", userId: u.id }));
  const groups: MentionSuggestion[] = departments
    .filter((d) => matches(d.slug, d.name))
    .map((d) => ({ insert: d.slug, label: d.name, kind: "department" }));
  const broadcasts: MentionSuggestion[] = [
    { insert: "canal", label: "canal", kind: "channel" as const },
    { insert: "aquí", label: "aquí", kind: "here" as const },
  ].filter((b) => matches(b.insert));
  return [...people, ...groups, ...broadcasts].slice(0, MAX_MENTION_SUGGESTIONS);
}

/** The text with the `@query` at `start` replaced by the chosen mention and a space, and the caret after it. */
export function insertMention(text: string, start: number, caret: number, insert: string): { text: string; caret: number } {
  const value = `${text.slice(0, start)}@${insert} ${text.slice(caret).replace(/^ /, "")}`;
  return { text: value, caret: start + insert.length + 2 };
}
