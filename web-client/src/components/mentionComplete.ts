// What the composer offers after an `@`: the channel's members first, then departments, then
// the whole channel (@canal) and whoever is online (@aquí). Pure, unit-tested in
// tests/unit/mentions.test.ts.
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

export function mentionSuggestions(
  query: string,
  members: readonly User[],
  departments: readonly Department[],
  meId: string | undefined,
): MentionSuggestion[] {
  const q = fold(query);
  const matches = (...names: string[]) => names.some((n) => fold(n).split(/[\s.]+/).some((w) => w.startsWith(q)) || fold(n).startsWith(q));
  const people: MentionSuggestion[] = members
    .filter((u) => u.id !== meId && u.active !== false && matches(u.username, u.display_name))
    .sort((a, b) => a.display_name.localeCompare(b.display_name))
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
