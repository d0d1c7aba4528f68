// One channel's messages as the client knows them: confirmed messages ordered by `seq` with no
// duplicates, then the user's own messages not yet acknowledged (pending) or refused (failed).
//
// Messages reach a timeline from four directions that overlap freely: live frames, replay on
// resume, REST resync pages and REST history pages. `seq` is the identity that makes merging
// them idempotent. Separately, the timeline tracks the event stream's *contiguous* frontier
// (every event up to it was seen): that, not the highest `seq` seen, is the resume point, so a
// connection lost in the middle of a resync never skips the part not yet fetched.
//
// Events that change a message in place (`message_updated`, `message_deleted`,
// `reaction_added`, `reaction_removed`) are remembered per message and applied to every copy of
// it merged later: a history page fetched before the event, or a replayed `message` frame, is a
// snapshot of unknown age, and must not undo what a newer event already showed. The stream is
// gap-free, so whatever a snapshot knows and the events do not yet, the events bring later.
//
// Pure logic with no I/O, unit-tested in tests/unit/timeline.test.ts (the gap left by opening a
// message far back, in tests/unit/search.test.tsx).
import type { Attachment, FileInfo, Message, Reaction } from "../protocol";
import { isCommand } from "../extras/extras";
import { withReaction } from "./reactions";

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
  /** With a `rate_limited` refusal: how long the server asked to wait (for the failed line). */
  retryAfterMs?: number;
  /** `Date.now()` of the last transmission, 0 when not sent on the current socket. */
  lastSentAt: number;
  /** A slash command: answered by an `ephemeral` (or an ack, or an error), never stored as typed. */
  command: boolean;
  /**
   * Whether it was ever put on the wire. A command is never sent twice automatically (running
   * `/suport` twice would open two requests): once sent, it waits for its answer or fails.
   */
  sentOnce: boolean;
  /** A thread reply: the root's seq. */
  threadRoot?: number;
  /** A thread reply the user also sent to the channel. */
  alsoInChannel?: boolean;
  /** Uploaded files sent with it (their ids go in `file_ids` on every retry). */
  files?: FileInfo[];
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

/** What the channel's events said about one message (see the top of this file). */
interface MessageEvents {
  /** The newest `message_updated` applied: its event seq and the message it carried. */
  updateSeq: number;
  update: Message | null;
  /** Deleted: a tombstone from now on, whatever copy arrives. */
  deleted: boolean;
  /** emoji + user -> the newest reaction event of that pair, so an older one never undoes it. */
  reactions: Map<string, { seq: number; emoji: string; userId: string; on: boolean }>;
  /** The newest `message_pinned` / `message_unpinned` event applied. */
  pinned: { seq: number; on: boolean } | null;
}

/** A deleted message as the server keeps it: in its place, with no body, extras or reactions. */
function tombstone(message: Message): Message {
  const { extras: _extras, reactions: _reactions, ...rest } = message;
  // Deleting a message also unpins it.
  return { ...rest, body: "", deleted: true, pinned: false };
}

/**
 * Whether a message belongs in the channel's own timeline: roots and plain messages, and the
 * replies their authors also sent to the channel. Other replies live in their thread.
 */
export function shownInChannel(message: Pick<Message, "thread_root" | "also_in_channel">): boolean {
  return message.thread_root === null || message.thread_root === undefined || message.also_in_channel === true;
}

/** What the message list renders, in order. */
export type TimelineEntry =
  | { kind: "message"; key: string; message: Message; delivery: "sent" | "pending" | "failed"; error?: string; retryAfterMs?: number }
  | { kind: "ephemeral"; key: string; note: EphemeralNote }
  /** Messages not loaded between two loaded stretches of history (see `Timeline.gap`). */
  | { kind: "gap"; key: string; after: number };

export class Timeline {
  private messages: Message[] = [];
  private pendingList: PendingMessage[] = [];
  private notes: EphemeralNote[] = [];
  /** message id -> what events said about it. */
  private events = new Map<string, MessageEvents>();
  /** message id -> seq, to find a message named by an event. */
  private seqById = new Map<string, number>();
  private contiguous = 0;
  private ahead = new Set<number>();
  private cachedEntries: TimelineEntry[] | null = null;
  /**
   * The oldest seq reached by the channel's history pages. A thread's root and replies fetched
   * for the thread panel may be older; they must neither show above the loaded history (a gap
   * would look like the channel's start) nor move the point scroll-back pages from.
   */
  private pagedOldest: number | null = null;
  /**
   * History not loaded between two loaded stretches, after opening a message far back (a
   * search result, fetched with `around`): the seqs strictly between `after` and `before`.
   * Messages there that are known anyway (a thread's root) are not shown until it is filled.
   */
  gap: { after: number; before: number } | null = null;
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
    return this.pagedOldest ?? this.messages[0]?.seq ?? null;
  }

  private notePage(page: readonly Message[]): void {
    for (const m of page) if (this.pagedOldest === null || m.seq < this.pagedOldest) this.pagedOldest = m.seq;
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
   * server's copy wins over one built from an ack), with what later events said applied on top;
   * the user's pending copy with the same `client_msg_id` is dropped. Returns the messages that
   * were not known before.
   */
  merge(incoming: readonly Message[]): Message[] {
    if (incoming.length === 0) return [];
    const added: Message[] = [];
    const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
    for (const message of sorted) {
      if (message.channel_id !== this.channelId) continue;
      this.dropPending(message.client_msg_id, message.author_id);
      if (message.deleted) this.known(message.id).deleted = true;
      this.seqById.set(message.id, message.seq);
      const shown = this.present(message);
      const index = this.indexOf(message.seq);
      const existing = this.messages[index];
      if (existing && existing.seq === message.seq) {
        this.messages[index] = shown;
        continue;
      }
      this.messages.splice(index, 0, shown);
      added.push(message);
    }
    this.changed();
    return added;
  }

  /** A page of older history: also records whether more remains. */
  mergeOlder(page: readonly Message[], hasMore: boolean): void {
    this.notePage(page);
    this.merge(page);
    this.hasMoreBefore = hasMore;
    this.changed();
  }

  /** The newest page of history, fetched when the channel is first opened. */
  mergeLatest(page: readonly Message[], hasMore: boolean): void {
    this.notePage(page);
    this.merge(page);
    this.historyLoaded = true;
    this.hasMoreBefore = hasMore;
    this.changed();
  }

  /**
   * Whether the channel's timeline shows the message with this seq now: loaded, not older than
   * the history paged so far, and not in the gap.
   */
  showsSeq(seq: number): boolean {
    const message = this.findBySeq(seq);
    if (!message || !shownInChannel(message)) return false;
    if (this.pagedOldest !== null && seq < this.pagedOldest) return false;
    return !this.inGap(seq);
  }

  private inGap(seq: number): boolean {
    return this.gap !== null && seq > this.gap.after && seq < this.gap.before;
  }

  /**
   * A page fetched `around` a message (`target`, with `limit`): joined to what is loaded when
   * they overlap, otherwise shown as its own stretch with a gap up to the loaded history (only
   * one gap is kept: a page below an older stretch, or inside the gap, replaces that stretch).
   */
  mergeAround(page: readonly Message[], target: number, limit: number, hasMore: boolean): void {
    const seqs = page.filter((m) => m.channel_id === this.channelId).map((m) => m.seq);
    if (seqs.length === 0) return;
    this.merge(page);
    const lo = Math.min(...seqs);
    const hi = Math.max(...seqs);
    // `has_more` is about both sides: older messages remain when the lower half was full.
    const moreBelow = hasMore && seqs.filter((s) => s <= target).length >= limit - Math.floor(limit / 2);
    const oldest = this.pagedOldest;
    const lower = (): void => {
      this.pagedOldest = lo;
      this.hasMoreBefore = moreBelow;
    };
    if (oldest === null) {
      lower();
    } else if (!this.gap) {
      if (hi < oldest) this.gap = { after: hi, before: oldest };
      if (lo < oldest) lower();
    } else {
      const gap = this.gap;
      if (hi < oldest || (lo > gap.after && hi < gap.before)) {
        // Below the lower stretch, or inside the gap: this page becomes the lower stretch.
        this.gap = { after: hi, before: gap.before };
        this.pagedOldest = lo;
        this.hasMoreBefore = lo > oldest || moreBelow;
      } else {
        if (lo < oldest) lower();
        if (lo <= gap.after) gap.after = Math.max(gap.after, hi);
        if (hi >= gap.before) gap.before = Math.min(gap.before, lo);
        if (gap.after >= gap.before) this.gap = null;
      }
    }
    this.changed();
  }

  /** A page fetched `after` the gap's lower end: the gap shrinks, or closes when it is reached. */
  fillGap(page: readonly Message[], hasMore: boolean): void {
    this.merge(page);
    const gap = this.gap;
    if (!gap) return;
    const hi = Math.max(gap.after, ...page.filter((m) => m.channel_id === this.channelId).map((m) => m.seq));
    if (!hasMore || hi >= gap.before - 1 || hi === gap.after) this.gap = null;
    else gap.after = hi;
    this.changed();
  }

  /**
   * A `message_updated` event (`eventSeq` is the event's own seq): the new version replaces the
   * message with the same id where it is, never moving it. Returns false when that message is
   * not loaded here (the update is remembered for when it is) or the event is older than an
   * update already applied.
   */
  update(message: Message, eventSeq: number): boolean {
    if (message.channel_id !== this.channelId) return false;
    const known = this.known(message.id);
    if (eventSeq < known.updateSeq) return false;
    known.updateSeq = eventSeq;
    known.update = message;
    const index = this.indexOfId(message.id);
    const existing = this.messages[index];
    if (!existing) return false;
    this.messages[index] = this.present({ ...message, seq: existing.seq });
    this.changed();
    return true;
  }

  /**
   * The server accepted our edit as event `eventSeq`: show the new text at once; the
   * `message_updated` frame of that seq replaces it with the server's copy. Without a seq (a
   * REST answer) it ranks with the newest update seen, so only a later event replaces it.
   */
  applyOwnEdit(messageId: string, body: string, eventSeq?: number): boolean {
    const existing = this.messages[this.indexOfId(messageId)];
    if (!existing || existing.deleted) return false;
    const seq = eventSeq ?? this.events.get(messageId)?.updateSeq ?? 0;
    return this.update({ ...existing, body, edited_at: new Date().toISOString() }, seq);
  }

  /**
   * A `reaction_added` (`on`) or `reaction_removed` event. Applying one twice changes nothing,
   * and an event older than one already applied for the same person and emoji is ignored.
   * Returns whether a loaded message changed.
   */
  react(messageId: string, emoji: string, userId: string, on: boolean, eventSeq: number): boolean {
    const known = this.known(messageId);
    const key = `${emoji.replace(/\uFE0F/g, "")}\u0000${userId}`;
    const last = known.reactions.get(key);
    if (last && last.seq >= eventSeq) return false;
    known.reactions.set(key, { seq: eventSeq, emoji, userId, on });
    return this.represent(messageId);
  }

  /** A `message_pinned` (`on`) or `message_unpinned` event; an older one never undoes a newer. */
  pin(messageId: string, on: boolean, eventSeq: number): boolean {
    const known = this.known(messageId);
    if (known.pinned && known.pinned.seq >= eventSeq) return false;
    known.pinned = { seq: eventSeq, on };
    return this.represent(messageId);
  }

  /**
   * A `message_deleted` event, or our own delete answered 204: the message becomes a tombstone.
   * A deleted reply no longer counts on its root, as the server counts it. Only a reply loaded
   * here and not yet a tombstone is taken off, so a root copied from the server after the
   * delete (which already leaves it out) is not counted down twice.
   */
  markDeleted(messageId: string): boolean {
    const known = this.known(messageId);
    if (known.deleted) return false;
    const loaded = this.find(messageId);
    known.deleted = true;
    if (loaded && !loaded.deleted && loaded.thread_root !== null && loaded.thread_root !== undefined) {
      this.forgetReply(loaded.thread_root);
    }
    return this.represent(messageId);
  }

  /** One reply fewer on the root at `rootSeq`, when it is loaded. */
  private forgetReply(rootSeq: number): void {
    const index = this.indexOf(rootSeq);
    const root = this.messages[index];
    if (!root || root.seq !== rootSeq || !root.reply_count) return;
    this.messages[index] = { ...root, reply_count: root.reply_count - 1 };
    this.changed();
  }

  /** The loaded message with this seq, if any. */
  findBySeq(seq: number): Message | undefined {
    const message = this.messages[this.indexOf(seq)];
    return message?.seq === seq ? message : undefined;
  }

  /** The loaded message with this id, if any. */
  find(messageId: string): Message | undefined {
    return this.messages[this.indexOfId(messageId)];
  }

  /**
   * The user's newest message that can still be edited (for the up arrow), among those the
   * view shows: the channel's timeline (`threadRoot` null) or one thread (its root and replies).
   */
  lastEditableBy(userId: string, threadRoot: number | null = null): Message | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const message = this.messages[i]!;
      const shown = threadRoot === null ? shownInChannel(message) : message.seq === threadRoot || message.thread_root === threadRoot;
      if (shown && message.author_id === userId && !message.deleted) return message;
    }
    return undefined;
  }

  /**
   * A new reply arrived live: its root's summary (count, last reply time, participants) moves
   * on. Only for replies not seen before, so a replayed or refetched one is not counted twice;
   * a later copy of the root from the server replaces these numbers anyway.
   */
  noteReply(reply: Message): boolean {
    if (reply.thread_root === null || reply.thread_root === undefined) return false;
    const index = this.indexOf(reply.thread_root);
    const root = this.messages[index];
    if (!root || root.seq !== reply.thread_root) return false;
    const participants = root.participant_ids ?? [];
    this.messages[index] = {
      ...root,
      reply_count: (root.reply_count ?? 0) + 1,
      last_reply_at: reply.created_at,
      participant_ids: participants.includes(reply.author_id) ? participants : [...participants, reply.author_id],
    };
    this.changed();
    return true;
  }

  /** A thread's root (when loaded) and its replies, confirmed then pending, in order. */
  threadEntries(rootSeq: number): TimelineEntry[] {
    const entries: TimelineEntry[] = [];
    for (const message of this.messages) {
      if (message.seq === rootSeq || message.thread_root === rootSeq) {
        entries.push({ kind: "message", key: `m:${message.seq}`, message, delivery: "sent" });
      }
    }
    for (const p of this.pendingList) {
      if (p.threadRoot === rootSeq) entries.push(this.pendingEntry(p));
    }
    return entries;
  }

  /** The newest reply's seq in a thread (for its read marker), 0 when none is loaded. */
  lastReplySeq(rootSeq: number): number {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i]!.thread_root === rootSeq) return this.messages[i]!.seq;
    }
    return 0;
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
    const added = this.merge([
      {
        id: messageId,
        channel_id: this.channelId,
        seq,
        author_id: pending.authorId,
        body: pending.body,
        created_at: pending.createdAt,
        client_msg_id: clientMsgId,
        thread_root: pending.threadRoot ?? null,
        ...(pending.alsoInChannel ? { also_in_channel: true } : {}),
        ...(pending.files?.length ? { files: pending.files } : {}),
        edited_at: null,
        deleted: false,
      },
    ]);
    // Our own reply: its root's summary counts it now (the message frame finds it known).
    if (added.length > 0) this.noteReply(added[0]!);
    return true;
  }

  /** The server refused the message: it stays visible, marked failed, with the reason. */
  fail(clientMsgId: string, error: string, retryAfterMs?: number): boolean {
    const pending = this.findPending(clientMsgId);
    if (!pending) return false;
    pending.state = "failed";
    pending.error = error;
    if (retryAfterMs !== undefined) pending.retryAfterMs = retryAfterMs;
    else delete pending.retryAfterMs;
    this.changed();
    return true;
  }

  /** The user asked to try a failed message again (with the same `client_msg_id`). */
  retry(clientMsgId: string): PendingMessage | undefined {
    const pending = this.findPending(clientMsgId);
    if (!pending) return undefined;
    pending.state = "pending";
    delete pending.error;
    delete pending.retryAfterMs;
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

  /** The server turned it away for now (sending too fast): it goes again, like one never sent here. */
  markUnsent(clientMsgId: string): void {
    const pending = this.findPending(clientMsgId);
    if (pending) pending.lastSentAt = 0;
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
    const gap = this.gap;
    let gapShown = gap === null;
    for (const message of this.messages) {
      if (!shownInChannel(message) || (this.pagedOldest !== null && message.seq < this.pagedOldest)) continue;
      if (gap && message.seq > gap.after && message.seq < gap.before) continue;
      if (!gapShown && message.seq >= gap!.before) {
        entries.push({ kind: "gap", key: "gap", after: gap!.after });
        gapShown = true;
      }
      while (noteIndex < notes.length && notes[noteIndex]!.afterSeq < message.seq) {
        const note = notes[noteIndex++]!;
        entries.push({ kind: "ephemeral", key: `note:${note.id}`, note });
      }
      entries.push({ kind: "message", key: `m:${message.seq}`, message, delivery: "sent" });
    }
    if (!gapShown) entries.push({ kind: "gap", key: "gap", after: gap!.after });
    while (noteIndex < notes.length) {
      const note = notes[noteIndex++]!;
      entries.push({ kind: "ephemeral", key: `note:${note.id}`, note });
    }
    for (const p of this.pendingList) {
      if (p.threadRoot === undefined || p.alsoInChannel) entries.push(this.pendingEntry(p));
    }
    this.cachedEntries = entries;
    return entries;
  }

  private pendingEntry(p: PendingMessage): TimelineEntry {
    return {
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
        thread_root: p.threadRoot ?? null,
        ...(p.alsoInChannel ? { also_in_channel: true } : {}),
        ...(p.files?.length ? { files: p.files } : {}),
        edited_at: null,
        deleted: false,
      },
      delivery: p.state,
      ...(p.error !== undefined ? { error: p.error } : {}),
      ...(p.retryAfterMs !== undefined ? { retryAfterMs: p.retryAfterMs } : {}),
    };
  }

  private known(messageId: string): MessageEvents {
    let known = this.events.get(messageId);
    if (!known) {
      known = { updateSeq: 0, update: null, deleted: false, reactions: new Map(), pinned: null };
      this.events.set(messageId, known);
    }
    return known;
  }

  /** A copy of a message as the server sent it, with what later events said applied on top. */
  private present(base: Message): Message {
    const known = this.events.get(base.id);
    if (!known) return base;
    if (known.deleted) return base.deleted ? base : tombstone(base);
    let message = base;
    if (known.update) {
      // The update's text, extras and edit time; the reactions stay the copy's, then the events'.
      const { reactions: _reactions, ...content } = known.update;
      message = { ...content, seq: base.seq, ...(base.reactions ? { reactions: base.reactions } : {}) };
    }
    if (known.pinned && known.pinned.on !== (message.pinned ?? false)) message = { ...message, pinned: known.pinned.on };
    if (known.reactions.size > 0) {
      let reactions: readonly Reaction[] | undefined = message.reactions;
      const inOrder = [...known.reactions.values()].sort((a, b) => a.seq - b.seq);
      for (const event of inOrder) reactions = withReaction(reactions, event.emoji, event.userId, event.on);
      if (reactions !== message.reactions) {
        const { reactions: _old, ...rest } = message;
        message = reactions ? { ...rest, reactions: [...reactions] } : rest;
      }
    }
    return message;
  }

  /** Shows a loaded message again after an event about it; false when it is not loaded. */
  private represent(messageId: string): boolean {
    const index = this.indexOfId(messageId);
    const existing = this.messages[index];
    if (!existing) return false;
    this.messages[index] = this.present(existing);
    this.changed();
    return true;
  }

  private indexOfId(messageId: string): number {
    const seq = this.seqById.get(messageId);
    if (seq === undefined) return -1;
    const index = this.indexOf(seq);
    return this.messages[index]?.id === messageId ? index : -1;
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
