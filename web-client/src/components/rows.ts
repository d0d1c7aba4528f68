// Turns a timeline into the rows the message list draws: day separators, messages (grouped
// under one header when the same person writes again within a few minutes), ephemeral notes.
import type { TimelineEntry } from "../store/timeline";
import { dayKey } from "../i18n";
import { senderKey } from "../extras/extras";
import { isPreviewable, previewBox } from "../files/format";

/** Consecutive messages by one author closer than this share a header. */
export const GROUP_WINDOW_MS = 5 * 60_000;

export type Row =
  | { kind: "start"; key: string }
  | { kind: "loader"; key: string }
  | { kind: "day"; key: string; iso: string }
  | { kind: "unread"; key: string }
  /** History not loaded here (after opening a message far back): a button loads it. */
  | { kind: "gap"; key: string }
  | { kind: "message"; key: string; entry: Extract<TimelineEntry, { kind: "message" }>; grouped: boolean }
  | { kind: "note"; key: string; entry: Extract<TimelineEntry, { kind: "ephemeral" }> };

/**
 * `unreadAfter`: the read marker when the channel was opened (or marked unread); a "new
 * messages" divider goes before the first later message someone else wrote.
 */
export function buildRows(entries: readonly TimelineEntry[], top: "start" | "loader" | null, unreadAfter: number | null = null, meId?: string): Row[] {
  const rows: Row[] = [];
  let dividerPlaced = unreadAfter === null;
  if (top) rows.push({ kind: top, key: `top:${top}` });
  let lastDay = "";
  let previous: Extract<TimelineEntry, { kind: "message" }> | null = null;
  for (const entry of entries) {
    if (entry.kind === "gap") {
      rows.push({ kind: "gap", key: entry.key });
      // The stretch after the gap starts with its own day line.
      lastDay = "";
      previous = null;
      continue;
    }
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
    // One header per sender: a webhook's posts (one bot account) differ by their name and icon.
    const grouped =
      previous !== null &&
      senderKey(previous.message) === senderKey(entry.message) &&
      Date.parse(entry.message.created_at) - Date.parse(previous.message.created_at) < GROUP_WINDOW_MS;
    const firstUnread = !dividerPlaced && entry.message.seq > unreadAfter! && entry.message.author_id !== meId;
    if (firstUnread) {
      rows.push({ kind: "unread", key: "unread" });
      dividerPlaced = true;
    }
    rows.push({ kind: "message", key: entry.key, entry, grouped: grouped && !firstUnread });
    previous = entry;
  }
  return rows;
}

/** A first guess of a row's height before it is measured. */
export function estimateHeight(row: Row): number {
  switch (row.kind) {
    case "day":
      return 44;
    case "message": {
      const extras = row.entry.message.extras;
      let height = row.grouped ? 26 : 58;
      // Attachments, blocks and buttons make a row taller; a closer guess means less jumping.
      for (const a of extras?.attachments ?? []) height += 40 + 22 * Math.ceil((a.fields?.length ?? 0) / 2);
      height += 28 * (extras?.blocks?.length ?? 0);
      if (extras?.actions?.length) height += 48;
      if (row.entry.message.reactions?.length) height += 32;
      // Files: image previews take their reserved box, other files a card each.
      const files = row.entry.message.deleted ? [] : (row.entry.message.files ?? []);
      const images = files.filter(isPreviewable);
      if (images.length > 0) height += 8 + Math.max(...images.map((f) => previewBox(f).height));
      height += 60 * (files.length - images.length);
      return height;
    }
    case "note":
      return 56 + 60 * (row.entry.note.attachments?.length ?? 0);
    default:
      return 72;
  }
}

/** Space left above the "new messages" divider when a channel opens at it. */
export const DIVIDER_MARGIN_PX = 8;

/**
 * Where a channel opens: null for its end (the usual), or the scroll offset that puts the "new
 * messages" divider near the top when the end would leave it above the screen, as Slack and
 * Mattermost do, so more unread messages than fit are read from the first one down.
 */
export function openingScrollTop(dividerOffset: number | null, total: number, viewportHeight: number): number | null {
  if (dividerOffset === null) return null;
  const top = Math.max(0, dividerOffset - DIVIDER_MARGIN_PX);
  return top < total - viewportHeight ? top : null;
}
