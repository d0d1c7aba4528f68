// Turns a timeline into the rows the message list draws: day separators, messages (grouped
// under one header when the same person writes again within a few minutes), ephemeral notes.
import type { TimelineEntry } from "../store/timeline";
import { dayKey } from "../i18n";

/** Consecutive messages by one author closer than this share a header. */
export const GROUP_WINDOW_MS = 5 * 60_000;

export type Row =
  | { kind: "start"; key: string }
  | { kind: "loader"; key: string }
  | { kind: "day"; key: string; iso: string }
  | { kind: "message"; key: string; entry: Extract<TimelineEntry, { kind: "message" }>; grouped: boolean }
  | { kind: "note"; key: string; entry: Extract<TimelineEntry, { kind: "ephemeral" }> };

export function buildRows(entries: readonly TimelineEntry[], top: "start" | "loader" | null): Row[] {
  const rows: Row[] = [];
  if (top) rows.push({ kind: top, key: `top:${top}` });
  let lastDay = "";
  let previous: Extract<TimelineEntry, { kind: "message" }> | null = null;
  for (const entry of entries) {
    const iso = entry.kind === "message" ? entry.message.created_at : entry.note.createdAt;
    const day = dayKey(iso);
    if (day !== lastDay) {
      rows.push({ kind: "day", key: `day:${day}`, iso });
      lastDay = day;
      previous = null;
    }
    if (entry.kind === "ephemeral") {
      rows.push({ kind: "note", key: entry.key, entry });
      previous = null;
      continue;
    }
    const grouped =
      previous !== null &&
      previous.message.author_id === entry.message.author_id &&
      Date.parse(entry.message.created_at) - Date.parse(previous.message.created_at) < GROUP_WINDOW_MS;
    rows.push({ kind: "message", key: entry.key, entry, grouped });
    previous = entry;
  }
  return rows;
}

/** A first guess of a row's height before it is measured. */
export function estimateHeight(row: Row): number {
  switch (row.kind) {
    case "day":
      return 44;
    case "message":
      return row.grouped ? 26 : 58;
    case "note":
      return 56;
    default:
      return 72;
  }
}
