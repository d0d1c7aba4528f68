// One channel's messages as the client knows them: confirmed messages ordered by `seq` with no
// duplicates, then the user's own messages not yet acknowledged (pending) or refused (failed).
//
// Messages reach a timeline from four directions that overlap freely: live frames, replay on
// resume, REST resync pages and REST history pages. `seq` is the identity that makes merging
// them idempotent. Separately, the timeline tracks the event stream's *contiguous* frontier
// (every event up to it was seen): that, not the highest `seq` seen, is the resume point, so a
// connection lost in the middle of a resync never skips the part not yet fetched.
//
// Pure logic with no I/O, unit-tested in tests/unit/timeline.test.ts.
import type { Attachment, Message } from "../protocol";
import { isCommand } from "../extras/extras";

/** A message typed here and not yet acknowledged by the server. */
export interface PendingMessage {
  clientMsgId: string;
  channelId: string;
  authorId: string;
  body: string;
  /** When the user sent it (RFC 3339), shown until the server's time replaces it. */
  createdAt: string;
  state: "pending" | "failed";
  /** The server's refusal, when failed. */
  error?: string;
  /** `Date.now()` of the last transmission, 0 when not sent on the current socket. */
  lastSentAt: number;
  /** A slash command: answered by an `ephemeral` (or an ack, or an error), never stored as typed. */
  command: boolean;
  /**
   * Whether it was ever put on the wire. A command is never sent twice automatically (running
   * `/suport` twice would open two requests): once sent, it waits for its answer or fails.
   */
  sentOnce: boolean;
}

/** A reply meant for this user only (a command's answer); never stored by the server. */
export interface EphemeralNote {
  id: string;
  text: string;
  attachments?: Attachment[];
  /** Shown after the message with this seq (the channel's end when it arrived). */
  afterSeq: number;
  createdAt: string;
}

/** What the message list renders, in order. */
export type TimelineEntry =
  | { kind: "message"; key: string; message: Message; delivery: "sent" | "pending" | "failed"; error?: string }
  | { kind: "ephemeral"; key: string; note: EphemeralNote };

export class Timeline {
  private messages: Message[] = [];
  private pendingList: PendingMessage[] = [];
  private notes: EphemeralNote[] = [];
  /** message id -> seq of the newest `message_updated` event applied to it. */
  private updates = new Map<string, number>();
  private contiguous = 0;
  private ahead = new Set<number>();
  private cachedEntries: TimelineEntry[] | null = null;
  /** Whether the newest page of history has been fetched. */
  historyLoaded = false;
  /** Whether older messages remain on the server (false once paging reached seq 1). */
  hasMoreBefore = true;
  /** Whether the event stream has a starting point (so the channel can be resumed). */
  streamStarted = false;
  /** Bumped on every change, so views can memoize on it. */
  version = 0;

  constructor(readonly channelId: string) {}

  /** Every event up to this seq has been seen: the channel's `resume` point. */
  get resumeSeq(): number {
    return this.contiguous;
  }

  /** The highest seq of any event or message known. */
  get latestSeq(): number {
    const last = this.messages[this.messages.length - 1];
    const aheadMax = this.ahead.size ? Math.max(...this.ahead) : 0;
    return Math.max(this.contiguous, aheadMax, last?.seq ?? 0);
  }

  /** The oldest loaded message's seq (for paging back), or null when none is loaded. */
  get oldestSeq(): number | null {
    return this.messages[0]?.seq ?? null;
  }

  get confirmed(): readonly Message[] {
    return this.messages;
  }

  get pending(): readonly PendingMessage[] {
    return this.pendingList;
  }

  /**
   * Starts the event stream at `seq` for a channel first seen in `ready` (or a `channel`
   * frame): what came before is history, fetched over REST when the channel is opened.
   * Never moves the frontier backwards.
   */
  setBaseline(seq: number): void {
    this.streamStarted = true;
    if (seq <= this.contiguous) return;
    this.contiguous = seq;
    for (const s of [...this.ahead]) if (s <= seq) this.ahead.delete(s);
    this.advance();
  }

  /**
   * Records an event of the stream (live, replayed or resynced). Returns false when it was
   * already seen, so callers apply side effects (unread counts, notifications) once.
   */
  noteEvent(seq: number): boolean {
    if (seq <= this.contiguous || this.ahead.has(seq)) return false;
    this.ahead.add(seq);
    this.advance();
    return true;
  }

  private advance(): void {
    while (this.ahead.delete(this.contiguous + 1)) this.contiguous += 1;
  }

  /**
   * Merges messages from any source. A message that is already known by seq is replaced (the
   * server's copy wins over one built from an ack); the user's pending copy with the same
   * `client_msg_id` is dropped. Returns the messages that were not known before.
   */
  merge(incoming: readonly Message[]): Message[] {
    if (incoming.length === 0) return [];
    const added: Message[] = [];
    const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
    for (const message of sorted) {
      if (message.channel_id !== this.channelId) continue;
      this.dropPending(message.client_msg_id, message.author_id);
      const index = this.indexOf(message.seq);
      const existing = this.messages[index];
      if (existing && existing.seq === message.seq) {
        // Once a `message_updated` event changed it, only a later update replaces it: a
        // replayed `message` frame or a history page fetched earlier holds an older version.
        if (!(existing.id === message.id && this.updates.has(message.id))) this.messages[index] = message;
        continue;
      }
      this.messages.splice(index, 0, message);
      added.push(message);
    }
    this.changed();
    return added;
  }

  /** A page of older history: also records whether more remains. */
  mergeOlder(page: readonly Message[], hasMore: boolean): void {
    this.merge(page);
    this.hasMoreBefore = hasMore;
    this.changed();
  }

  /** The newest page of history, fetched when the channel is first opened. */
  mergeLatest(page: readonly Message[], hasMore: boolean): void {
    this.merge(page);
    this.historyLoaded = true;
    this.hasMoreBefore = hasMore;
    this.changed();
  }

  /**
   * A `message_updated` event (`eventSeq` is the event's own seq): the new version replaces the
   * message with the same id where it is, never moving it. Returns false when that message is
   * not loaded here (history fetched later will have the new version) or the event is older
   * than an update already applied.
   */
  update(message: Message, eventSeq: number): boolean {
    if (message.channel_id !== this.channelId) return false;
    let index = this.indexOf(message.seq);
    if (this.messages[index]?.id !== message.id) index = this.messages.findIndex((m) => m.id === message.id);
    const existing = this.messages[index];
    if (index < 0 || !existing) return false;
    if (eventSeq < (this.updates.get(message.id) ?? 0)) return false;
    this.messages[index] = { ...message, seq: existing.seq };
    this.updates.set(message.id, eventSeq);
    this.changed();
    return true;
  }

  addPending(
    message: Omit<PendingMessage, "state" | "lastSentAt" | "command" | "sentOnce"> & Partial<Pick<PendingMessage, "state" | "error" | "sentOnce">>,
  ): PendingMessage {
    const pending: PendingMessage = {
      state: "pending",
      sentOnce: false,
      ...message,
      lastSentAt: 0,
      command: isCommand(message.body),
    };
    this.pendingList.push(pending);
    this.changed();
    return pending;
  }

  findPending(clientMsgId: string): PendingMessage | undefined {
    return this.pendingList.find((p) => p.clientMsgId === clientMsgId);
  }

  /**
   * The server committed a pending message as `seq`: show it in its place at once, built
   * from what we sent; the `message` frame that follows replaces it with the server's copy.
   */
  ack(clientMsgId: string, seq: number, messageId: string): boolean {
    const pending = this.findPending(clientMsgId);
    if (!pending) return false;
    this.merge([
      {
        id: messageId,
        channel_id: this.channelId,
        seq,
        author_id: pending.authorId,
        body: pending.body,
        created_at: pending.createdAt,
        client_msg_id: clientMsgId,
        thread_root: null,
        edited_at: null,
        deleted: false,
      },
    ]);
    return true;
  }

  /** The server refused the message: it stays visible, marked failed, with the reason. */
  fail(clientMsgId: string, error: string): boolean {
    const pending = this.findPending(clientMsgId);
    if (!pending) return false;
    pending.state = "failed";
    pending.error = error;
    this.changed();
    return true;
  }

  /** The user asked to try a failed message again (with the same `client_msg_id`). */
  retry(clientMsgId: string): PendingMessage | undefined {
    const pending = this.findPending(clientMsgId);
    if (!pending) return undefined;
    pending.state = "pending";
    delete pending.error;
    pending.lastSentAt = 0;
    pending.sentOnce = false;
    this.changed();
    return pending;
  }

  /** The user gave up on a failed message. */
  discard(clientMsgId: string): void {
    this.dropPending(clientMsgId, null);
  }

  /** Marks a pending message as transmitted now (for the retry timer). */
  markSent(clientMsgId: string, now: number): void {
    const pending = this.findPending(clientMsgId);
    if (!pending) return;
    pending.lastSentAt = now;
    pending.sentOnce = true;
  }

  /** After a reconnect every pending message must be sent again on the new socket. */
  markAllUnsent(): void {
    for (const p of this.pendingList) p.lastSentAt = 0;
  }

  addNote(note: Omit<EphemeralNote, "afterSeq">): void {
    this.notes.push({ ...note, afterSeq: this.latestSeq });
    this.changed();
  }

  /** The user closed an ephemeral note. */
  dismissNote(id: string): void {
    const before = this.notes.length;
    this.notes = this.notes.filter((n) => n.id !== id);
    if (this.notes.length !== before) this.changed();
  }

  get ephemeralNotes(): readonly EphemeralNote[] {
    return this.notes;
  }

  /** Confirmed messages, ephemeral notes in their place, then pending and failed ones. */
  entries(): TimelineEntry[] {
    if (this.cachedEntries) return this.cachedEntries;
    const entries: TimelineEntry[] = [];
    let noteIndex = 0;
    const notes = this.notes;
    for (const message of this.messages) {
      while (noteIndex < notes.length && notes[noteIndex]!.afterSeq < message.seq) {
        const note = notes[noteIndex++]!;
        entries.push({ kind: "ephemeral", key: `note:${note.id}`, note });
      }
      entries.push({ kind: "message", key: `m:${message.seq}`, message, delivery: "sent" });
    }
    while (noteIndex < notes.length) {
      const note = notes[noteIndex++]!;
      entries.push({ kind: "ephemeral", key: `note:${note.id}`, note });
    }
    for (const p of this.pendingList) {
      entries.push({
        kind: "message",
        key: `p:${p.clientMsgId}`,
        message: {
          id: p.clientMsgId,
          channel_id: p.channelId,
          seq: 0,
          author_id: p.authorId,
          body: p.body,
          created_at: p.createdAt,
          client_msg_id: p.clientMsgId,
          thread_root: null,
          edited_at: null,
          deleted: false,
        },
        delivery: p.state,
        ...(p.error !== undefined ? { error: p.error } : {}),
      });
    }
    this.cachedEntries = entries;
    return entries;
  }

  /** Binary search: the index where `seq` is or would be inserted. */
  private indexOf(seq: number): number {
    const list = this.messages;
    const last = list[list.length - 1];
    if (!last || last.seq < seq) return list.length;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private dropPending(clientMsgId: string | null, authorId: string | null): void {
    if (!clientMsgId) return;
    const index = this.pendingList.findIndex(
      (p) => p.clientMsgId === clientMsgId && (authorId === null || p.authorId === authorId),
    );
    if (index < 0) return;
    this.pendingList.splice(index, 1);
    this.changed();
  }

  private changed(): void {
    this.version += 1;
    this.cachedEntries = null;
  }
}
