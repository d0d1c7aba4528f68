// Keeps what the user typed across a reload: messages not yet acknowledged (with their
// `client_msg_id`, so resending them cannot duplicate) and per-channel drafts. Stored per user
// in localStorage under `xerrada.outbox.<user id>`; never a token, never anything the server
// sent. Ephemeral notes are not kept: they vanish on reload by design.
//
// Pure functions plus a small saver; unit-tested in tests/unit/persist.test.ts.
import type { FileInfo } from "../protocol";
import type { ChatStore } from "./chat";

export const STORAGE_PREFIX = "xerrada.outbox.";
const VERSION = 1;
/** Bounds, so a runaway outbox or a huge draft cannot fill the origin's storage quota. */
const MAX_PENDING = 500;
const MAX_DRAFTS = 200;
const MAX_TEXT = 64 * 1024;

export interface SavedPending {
  clientMsgId: string;
  channelId: string;
  body: string;
  createdAt: string;
  state: "pending" | "failed";
  error?: string;
  /** Put on the wire at least once (matters for commands, which are never resent automatically). */
  sentOnce: boolean;
  /** A thread reply: its root's seq, so a resend after a reload lands in the thread again. */
  threadRoot?: number;
  /** A thread reply also sent to the channel. */
  alsoInChannel?: boolean;
  /** Uploaded files sent with it: a resend after a reload carries the same `file_ids`. */
  files?: FileInfo[];
}

export interface SavedOutbox {
  v: typeof VERSION;
  pending: SavedPending[];
  drafts: Record<string, string>;
}

export function storageKey(userId: string): string {
  return STORAGE_PREFIX + userId;
}

/** What is worth keeping from the store now. */
export function snapshot(store: ChatStore): SavedOutbox {
  const meId = store.me?.id;
  const pending: SavedPending[] = [];
  for (const timeline of store.timelines.values()) {
    for (const p of timeline.pending) {
      if (meId && p.authorId !== meId) continue;
      pending.push({
        clientMsgId: p.clientMsgId,
        channelId: p.channelId,
        body: p.body,
        createdAt: p.createdAt,
        state: p.state,
        ...(p.error !== undefined ? { error: p.error } : {}),
        sentOnce: p.sentOnce,
        ...thread(p.threadRoot, p.alsoInChannel),
        ...(p.files?.length ? { files: p.files } : {}),
      });
    }
  }
  const drafts: Record<string, string> = {};
  for (const [channelId, text] of store.drafts) if (text.trim() !== "") drafts[channelId] = text;
  return { v: VERSION, pending, drafts };
}

export function isEmpty(saved: SavedOutbox): boolean {
  return saved.pending.length === 0 && Object.keys(saved.drafts).length === 0;
}

const isString = (v: unknown): v is string => typeof v === "string";

/** The thread fields of a pending reply, only when it is one (a positive integer root). */
function thread(root: unknown, alsoInChannel: unknown): Pick<SavedPending, "threadRoot" | "alsoInChannel"> {
  if (typeof root !== "number" || !Number.isSafeInteger(root) || root < 1) return {};
  return { threadRoot: root, ...(alsoInChannel === true ? { alsoInChannel: true } : {}) };
}

const MAX_FILES = 10;

/** The files of a saved message, each checked field by field; malformed ones are dropped. */
export function parseFiles(raw: unknown): FileInfo[] {
  if (!Array.isArray(raw)) return [];
  const files: FileInfo[] = [];
  for (const item of raw.slice(0, MAX_FILES)) {
    if (!item || typeof item !== "object") continue;
    const f = item as Record<string, unknown>;
    if (!isString(f.id) || !isString(f.name) || !isString(f.content_type) || !isString(f.sha256)) continue;
    if (typeof f.size !== "number" || !Number.isFinite(f.size) || f.size < 0) continue;
    const dim = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
    files.push({
      id: f.id,
      name: f.name,
      size: f.size,
      content_type: f.content_type,
      sha256: f.sha256,
      ...(dim(f.width) && dim(f.height) ? { width: f.width as number, height: f.height as number } : {}),
    });
  }
  return files;
}

/** Parses what was stored, dropping anything malformed (storage is not trusted blindly). */
export function parseSaved(text: string | null): SavedOutbox {
  const empty: SavedOutbox = { v: VERSION, pending: [], drafts: {} };
  if (!text) return empty;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return empty;
  }
  if (!raw || typeof raw !== "object" || (raw as { v?: unknown }).v !== VERSION) return empty;
  const data = raw as { pending?: unknown; drafts?: unknown };
  const pending: SavedPending[] = [];
  const seen = new Set<string>();
  if (Array.isArray(data.pending)) {
    for (const item of data.pending.slice(0, MAX_PENDING)) {
      if (!item || typeof item !== "object") continue;
      const p = item as Record<string, unknown>;
      if (!isString(p.clientMsgId) || !isString(p.channelId) || !isString(p.body) || !isString(p.createdAt)) continue;
      const files = parseFiles(p.files);
      if ((p.body.trim() === "" && files.length === 0) || p.body.length > MAX_TEXT || seen.has(p.clientMsgId)) continue;
      if (Number.isNaN(Date.parse(p.createdAt))) continue;
      seen.add(p.clientMsgId);
      pending.push({
        clientMsgId: p.clientMsgId,
        channelId: p.channelId,
        body: p.body,
        createdAt: p.createdAt,
        state: p.state === "failed" ? "failed" : "pending",
        ...(isString(p.error) ? { error: p.error } : {}),
        sentOnce: p.sentOnce === true,
        ...thread(p.threadRoot, p.alsoInChannel),
        ...(files.length > 0 ? { files } : {}),
      });
    }
  }
  const drafts: Record<string, string> = {};
  if (data.drafts && typeof data.drafts === "object" && !Array.isArray(data.drafts)) {
    for (const [channelId, text] of Object.entries(data.drafts as Record<string, unknown>).slice(0, MAX_DRAFTS)) {
      if (isString(text) && text.trim() !== "" && text.length <= MAX_TEXT) drafts[channelId] = text;
    }
  }
  return { v: VERSION, pending, drafts };
}

/**
 * Puts saved messages and drafts back into a fresh store. Returns the restored pending
 * messages (the caller routes their acks). A message already in the store is left alone.
 */
export function restore(store: ChatStore, saved: SavedOutbox, authorId: string): SavedPending[] {
  const restored: SavedPending[] = [];
  for (const p of saved.pending) {
    const timeline = store.timeline(p.channelId);
    if (timeline.findPending(p.clientMsgId) || timeline.confirmed.some((m) => m.client_msg_id === p.clientMsgId)) continue;
    timeline.addPending({
      clientMsgId: p.clientMsgId,
      channelId: p.channelId,
      authorId,
      body: p.body,
      createdAt: p.createdAt,
      state: p.state,
      ...(p.error !== undefined ? { error: p.error } : {}),
      sentOnce: p.sentOnce,
      ...thread(p.threadRoot, p.alsoInChannel),
      ...(p.files?.length ? { files: p.files } : {}),
    });
    restored.push(p);
  }
  for (const [channelId, text] of Object.entries(saved.drafts)) {
    if (!store.drafts.has(channelId)) store.drafts.set(channelId, text);
  }
  if (restored.length > 0 || Object.keys(saved.drafts).length > 0) store.changed();
  return restored;
}

/** Writes the outbox of one user to storage when it changes (coalesced), and on page hide. */
export class OutboxSaver {
  private last: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null,
    private readonly userId: string,
    private readonly read: () => SavedOutbox,
    private readonly delayMs = 300,
  ) {}

  load(): SavedOutbox {
    try {
      const text = this.storage?.getItem(storageKey(this.userId)) ?? null;
      this.last = text;
      return parseSaved(text);
    } catch {
      return parseSaved(null);
    }
  }

  /** Something changed: save soon. */
  schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.saveNow();
    }, this.delayMs);
  }

  saveNow(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.storage) return;
    const state = this.read();
    const text = isEmpty(state) ? null : JSON.stringify(state);
    if (text === this.last) return;
    try {
      if (text === null) this.storage.removeItem(storageKey(this.userId));
      else this.storage.setItem(storageKey(this.userId), text);
      this.last = text;
    } catch {
      // Quota or disabled storage: the outbox still lives in memory for this page.
    }
  }

  /** Logout: nothing of this user's stays on the device. */
  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.storage?.removeItem(storageKey(this.userId));
    } catch {
      // Nothing to do.
    }
    this.last = null;
  }

  /** Stops saving (the session ended); what is stored stays for the next login. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
