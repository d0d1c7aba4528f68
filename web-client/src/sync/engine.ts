// The sync engine: the only code that turns server frames and REST pages into client state,
// and the user's actions into frames. It owns the outbox of unacknowledged messages.
//
// Guarantees it keeps (PROTOCOL.md "Guarantees" seen from the client):
// - a message typed here shows at once (pending), is sent with one `client_msg_id` that never
//   changes across retries and reconnects, and disappears from pending only when the server's
//   copy (ack or message frame) arrives, so the server's dedup makes it appear exactly once;
// - every event is applied once: timelines dedupe by seq, and side effects (unread counts,
//   notifications) run only for events the timeline had not seen;
// - after a reconnect, `resume` asks for everything after each channel's contiguous frontier,
//   and `resync` is followed over REST page by page.
import type { Channel, ChannelCommand, ClientFrame, ErrorCode, FileInfo, Message, ServerFrame, User } from "../protocol";
import { type Api, ApiError, NetworkError } from "../api/client";
import type { AuthSession } from "../auth/session";
import type { ChatStore, ToastAbout } from "../store/chat";
import { findReaction } from "../store/reactions";
import { type Timeline, shownInChannel } from "../store/timeline";
import { cleanAttachments } from "../extras/extras";
import { getLocale, onLocaleChange } from "../i18n";
import { OutboxSaver, restore, snapshot } from "../store/persist";
import { RealtimeSocket } from "./socket";
import { UploadQueues } from "../files/queue";
import { BlobUrls } from "../files/blobs";

/** Resend a message not acknowledged after this long on a live socket. */
const RESEND_AFTER_MS = 15_000;
const OUTBOX_TICK_MS = 2_000;
/** Send `typing` at most this often per channel. */
const TYPING_THROTTLE_MS = 3_000;
/** History page size for scroll-back. */
export const PAGE_SIZE = 50;
/** Events older than this do not notify when they arrive (a replay after a long absence). */
const NOTIFY_MAX_AGE_MS = 5 * 60_000;
/** Error codes worth retrying automatically: the server will likely accept later. */
const TRANSIENT_CODES = new Set(["rate_limited", "unavailable"]);
/** How long sends wait after a `rate_limited` refusal that did not say (an older server). */
const RATE_LIMIT_WAIT_MS = 5_000;
/** Bounds on the wait a `rate_limited` refusal asks for: at least a beat, at most ten minutes. */
const MIN_HOLD_MS = 100;
const MAX_HOLD_MS = 10 * 60_000;
/** A command sent this long ago without an answer is shown as failed (never resent by itself). */
export const COMMAND_ANSWER_MS = 20_000;
/** A clicked button stays disabled until its message is updated, or this long. */
export const ACTION_WAIT_MS = 10_000;
/** How long an action's error stays on screen. */
const TOAST_MS = 6_000;
/** After a language switch, how often to check whether the socket may reconnect to announce it. */
const LANGUAGE_RETRY_MS = 1_000;
/** An edit sent on the socket and not answered this long is sent again over REST (harmless: same text). */
export const EDIT_ANSWER_MS = 10_000;
/** Replies starting threads new to the threads view are gathered this long into one refetch. */
export const THREADS_REFRESH_MS = 1_000;

/** An `edit` frame waiting for its `ack` or `error`. */
interface PendingEdit {
  channelId: string;
  messageId: string;
  body: string;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface Notifier {
  /** A new message from someone else arrived (live or replayed). */
  incoming(channel: Channel, message: Message): void;
}

export class SyncEngine {
  private socket: RealtimeSocket;
  private outboxTimer: ReturnType<typeof setInterval> | null = null;
  /** client_msg_id -> channel id, to route `ack` and `error` frames. */
  private outbox = new Map<string, string>();
  private resumedChannels = new Set<string>();
  private resyncs = new Map<string, Promise<void>>();
  private loadingLatest = new Map<string, Promise<void>>();
  private fillingGap = new Map<string, Promise<void>>();
  /** Numbers each jump to a message, so asking for the same one again still scrolls. */
  private jumps = 0;
  /** Numbers each search, so an older answer arriving late is dropped. */
  private searches = 0;
  private loadingOlder = new Map<string, Promise<void>>();
  private lastTypingSent = new Map<string, number>();
  private fetchingUsers = new Set<string>();
  private membersCache = new Map<string, Promise<User[]>>();
  private commandsCache = new Map<string, Promise<ChannelCommand[]>>();
  /** Channels the user marked unread: not read again just by being on screen. */
  private keepUnread = new Set<string>();
  /** The same for threads (`channelId:rootSeq`): the open one is not read until opened again. */
  private keepThreadUnread = new Set<string>();
  private directoryLoaded = false;
  private unknownUsers = new Set<string>();
  private saver: OutboxSaver | null = null;
  private unsubscribeSaver: (() => void) | null = null;
  private actionTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private toastTimer: ReturnType<typeof setTimeout> | null = null;
  private toastCounter = 0;
  private languageTimer: ReturnType<typeof setTimeout> | null = null;
  /** Ends the hold on sends (see `holdSends`). */
  private sendHoldTimer: ReturnType<typeof setTimeout> | null = null;
  /** ref -> an edit sent on the socket, until answered. */
  private edits = new Map<string, PendingEdit>();
  /** message id + emoji of reactions being sent, so a double click does not toggle twice. */
  private reactionsInFlight = new Set<string>();
  private unsubscribeLocale: (() => void) | null = null;
  /** A refetch of the followed threads, waiting for more replies to gather. */
  private threadsRefresh: ReturnType<typeof setTimeout> | null = null;
  private readonly onPageHide = () => this.saver?.saveNow();
  /** Views that watch incoming frames (the support queue), told after the store applied each. */
  private frameListeners = new Set<(frame: ServerFrame) => void>();
  /** The files attached in each composer, uploading or uploaded, until sent. */
  readonly uploads: UploadQueues;
  /** Object URLs of files read with the token (image previews), revoked when unused. */
  /** Whole files (the lightbox). */
  readonly blobs: BlobUrls;
  /** Thumbnails (image previews in the timeline), fetched from `/files/{id}/thumbnail`. */
  readonly thumbs: BlobUrls;

  constructor(
    private readonly store: ChatStore,
    private readonly api: Api,
    private readonly auth: AuthSession,
    private readonly notifier: Notifier,
    private readonly onSessionEnded: () => void,
    /** Where the outbox and drafts survive a reload (null: they do not). */
    private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null = null,
  ) {
    this.socket = new RealtimeSocket({
      token: async () => {
        if (this.auth.needsRefresh()) {
          const ok = await this.auth.refresh();
          if (!ok) return null;
        }
        return this.auth.accessToken();
      },
      refreshAfterRefusal: () => this.auth.refresh(),
      resumePoints: () => this.resumePoints(),
      onFrame: (frame) => this.handleFrame(frame),
      onState: (state) => {
        this.store.connection = state;
        this.store.changed();
      },
      onSessionEnded: () => this.onSessionEnded(),
      language: () => getLocale(),
    });
    this.uploads = new UploadQueues((file, name, onProgress) => this.api.upload(file, name, onProgress));
    this.blobs = new BlobUrls((id) => this.api.fileBlob(id));
    this.thumbs = new BlobUrls((id) => this.api.fileBlob(id, true));
  }

  /** A file's bytes, read with the bearer token (for previews and downloads). */
  fileBlob(fileId: string): Promise<Blob> {
    return this.api.fileBlob(fileId);
  }

  start(): void {
    if (this.auth.user) {
      this.store.me = this.auth.user;
      this.store.rememberUsers([this.auth.user]);
      this.restoreOutbox(this.auth.user.id);
    }
    this.socket.start();
    this.outboxTimer = setInterval(() => this.flushOutbox(), OUTBOX_TICK_MS);
    this.unsubscribeLocale ??= onLocaleChange(() => this.announceLanguage());
  }

  stop(): void {
    this.socket.stop();
    this.unsubscribeLocale?.();
    this.unsubscribeLocale = null;
    if (this.languageTimer) clearTimeout(this.languageTimer);
    this.languageTimer = null;
    if (this.outboxTimer) clearInterval(this.outboxTimer);
    this.outboxTimer = null;
    this.saver?.saveNow();
    this.saver?.stop();
    this.unsubscribeSaver?.();
    this.unsubscribeSaver = null;
    if (typeof window !== "undefined") window.removeEventListener("pagehide", this.onPageHide);
    for (const timer of this.actionTimers.values()) clearTimeout(timer);
    this.actionTimers.clear();
    for (const edit of this.edits.values()) clearTimeout(edit.timer);
    this.edits.clear();
    if (this.toastTimer) clearTimeout(this.toastTimer);
    if (this.sendHoldTimer) clearTimeout(this.sendHoldTimer);
    this.sendHoldTimer = null;
    if (this.threadsRefresh) clearTimeout(this.threadsRefresh);
    this.threadsRefresh = null;
    this.uploads.dispose();
    this.blobs.clear();
    this.thumbs.clear();
  }

  /** Logout: the saved outbox and drafts of this user are removed from the device. */
  forgetLocalData(): void {
    this.unsubscribeSaver?.();
    this.unsubscribeSaver = null;
    this.saver?.clear();
    this.saver = null;
  }

  /** Brings back what was typed and not delivered before a reload, and keeps saving it. */
  private restoreOutbox(userId: string): void {
    if (!this.storage || this.saver) return;
    const saver = new OutboxSaver(this.storage, userId, () => snapshot(this.store));
    this.saver = saver;
    for (const p of restore(this.store, saver.load(), userId)) {
      if (p.state === "pending") this.outbox.set(p.clientMsgId, p.channelId);
    }
    this.unsubscribeSaver = this.store.subscribe(() => saver.schedule());
    if (typeof window !== "undefined") window.addEventListener("pagehide", this.onPageHide);
  }

  /** The composer's text for a channel (kept across channel switches and reloads). */
  setDraft(channelId: string, text: string): void {
    if (text) this.store.drafts.set(channelId, text);
    else this.store.drafts.delete(channelId);
    this.saver?.schedule();
  }

  /** Adds text to a channel's draft from outside its composer (something shared into the app). */
  appendToDraft(channelId: string, text: string): void {
    if (!text) return;
    const current = this.store.drafts.get(channelId) ?? "";
    this.setDraft(channelId, current.trim() ? `${current}\n${text}` : text);
    this.store.draftEpoch++;
    this.store.changed();
  }

  /**
   * The user switched language: the server learns it only from `auth`, so the socket
   * reconnects (quietly, with resume) to announce it, and `/info` answers in it from then on.
   * Not while a command waits for its answer: that answer would be lost with the old socket.
   * A socket that is not connected announces the new language when it next connects anyway.
   */
  private announceLanguage(): void {
    if (this.languageTimer) clearTimeout(this.languageTimer);
    this.languageTimer = null;
    if (!this.socket.isReady() || this.socket.announcedLanguage() === getLocale()) return;
    if (this.commandAwaitingAnswer()) {
      this.languageTimer = setTimeout(() => this.announceLanguage(), LANGUAGE_RETRY_MS);
      return;
    }
    this.socket.reconnectQuietly();
  }

  private commandAwaitingAnswer(): boolean {
    for (const timeline of this.store.timelines.values()) {
      if (timeline.pending.some((p) => p.command && p.state === "pending" && p.sentOnce)) return true;
    }
    return false;
  }

  /** For tests and diagnostics: drop the socket and reconnect with resume. */
  reconnect(): void {
    this.socket.reconnectNow();
  }

  private resumePoints(): Record<string, number> {
    const points: Record<string, number> = {};
    this.resumedChannels.clear();
    for (const channel of this.store.joinedChannels()) {
      const timeline = this.store.timelines.get(channel.id);
      // Only channels whose stream has a starting point; others start afresh from `ready`.
      if (!timeline?.streamStarted) continue;
      points[channel.id] = timeline.resumeSeq;
      this.resumedChannels.add(channel.id);
    }
    return points;
  }

  /** Calls `listener` with every frame applied from now on; returns the unsubscribe. */
  onFrame(listener: (frame: ServerFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Applies one server frame, from the socket or from a REST resync page alike. */
  handleFrame(frame: ServerFrame): void {
    this.applyFrame(frame);
    for (const listener of this.frameListeners) {
      try {
        listener(frame);
      } catch (e) {
        console.warn("xerrada: frame listener failed", e);
      }
    }
  }

  private applyFrame(frame: ServerFrame): void {
    const store = this.store;
    switch (frame.type) {
      case "ready":
        this.onReady(frame);
        break;
      case "message": {
        const timeline = store.timeline(frame.channel_id);
        const isNew = timeline.noteEvent(frame.seq);
        const added = timeline.merge([frame.message]);
        // `unread` from `ready` already counts events up to the channel's last_seq then, so
        // only events beyond it (live ones) add to it; replayed ones are counted once.
        const beyondKnown = frame.seq > (store.channels.get(frame.channel_id)?.last_seq ?? 0);
        this.bumpLastSeq(frame.channel_id, frame.seq);
        this.ensureUsers([frame.message.author_id]);
        store.clearTyping(frame.channel_id, frame.message.author_id);
        // Also for our own reply, which its ack already merged.
        if (isNew) this.noticeThread(frame.message);
        if (isNew && added.length > 0) {
          timeline.noteReply(frame.message);
          this.onNewMessage(frame.message, beyondKnown);
          // A reply in the thread on screen is read as it arrives.
          const open = store.openThread;
          if (open?.channelId === frame.channel_id && open.rootSeq === frame.message.thread_root) this.markThreadRead(open.channelId, open.rootSeq);
        }
        store.changed();
        break;
      }
      case "message_updated": {
        // `seq` is the update event's own; the message keeps its original seq and place.
        const timeline = this.noteChannelEvent(frame.channel_id, frame.seq);
        if (timeline.update(frame.message, frame.seq)) this.ensureUsers([frame.message.author_id]);
        this.settleActions(frame.message.id);
        store.changed();
        break;
      }
      case "message_deleted":
        // The message stays in its place as a tombstone; deleting is final, so order is moot.
        this.noteChannelEvent(frame.channel_id, frame.seq).markDeleted(frame.message_id);
        store.changed();
        break;
      case "reaction_added":
      case "reaction_removed": {
        const timeline = this.noteChannelEvent(frame.channel_id, frame.seq);
        timeline.react(frame.message_id, frame.emoji, frame.user_id, frame.type === "reaction_added", frame.seq);
        // Their names are shown on the chip.
        this.ensureUsers([frame.user_id]);
        store.changed();
        break;
      }
      case "channel_updated": {
        // Name, topic, purpose and archived state as they are now, for every member at once.
        this.noteChannelEvent(frame.channel_id, frame.seq);
        const channel = store.channels.get(frame.channel_id);
        if (channel) {
          store.channels.set(channel.id, { ...channel, name: frame.name, topic: frame.topic, purpose: frame.purpose, archived: frame.archived });
        }
        store.changed();
        break;
      }
      case "message_pinned":
      case "message_unpinned": {
        const timeline = this.noteChannelEvent(frame.channel_id, frame.seq);
        timeline.pin(frame.message_id, frame.type === "message_pinned", frame.seq);
        // The pinned list on screen follows (refetched: it carries who pinned and when).
        if (store.pinsPanel === frame.channel_id) void this.loadPins(frame.channel_id);
        store.changed();
        break;
      }
      case "action":
        // For the bot that owns the message; a person's client has nothing to do with it.
        break;
      case "member_joined":
      case "member_left": {
        const timeline = store.timeline(frame.channel_id);
        const isNew = timeline.noteEvent(frame.seq);
        this.bumpLastSeq(frame.channel_id, frame.seq);
        const channel = store.channels.get(frame.channel_id);
        if (isNew && channel) {
          const delta = frame.type === "member_joined" ? 1 : -1;
          store.channels.set(channel.id, { ...channel, member_count: Math.max(0, channel.member_count + delta) });
        }
        this.ensureUsers([frame.user_id]);
        store.changed();
        break;
      }
      case "ack": {
        const clientMsgId = frame.ref;
        if (!clientMsgId) break;
        if (this.settleEdit(clientMsgId, frame.seq)) break;
        const channelId = this.outbox.get(clientMsgId) ?? frame.channel_id;
        this.outbox.delete(clientMsgId);
        const timeline = store.timeline(channelId);
        if (timeline.findPending(clientMsgId)?.command) {
          // A command that posted something visible: what it posted arrives as a message
          // frame; the command text itself is never stored, so there is nothing to show.
          timeline.discard(clientMsgId);
        } else {
          timeline.ack(clientMsgId, frame.seq, frame.message_id);
        }
        store.changed();
        break;
      }
      case "error":
        this.onError(frame.ref, frame.code, frame.message, retryAfterMs(frame));
        break;
      case "resync":
        void this.resync(frame.channel_id, frame.from_seq);
        break;
      case "typing":
        if (frame.user_id !== store.me?.id) {
          store.setTyping(frame.channel_id, frame.user_id);
          this.ensureUsers([frame.user_id]);
        }
        break;
      case "read":
        // A thread's marker (another tab read a thread) says nothing about the channel's own.
        // A thread's marker only moves back when marked unread (here or in another tab).
        if (typeof frame.thread_root === "number") this.applyThreadRead(frame.channel_id, frame.thread_root, frame.seq, true);
        else this.applyRead(frame.channel_id, frame.seq);
        break;
      case "presence":
        store.presence.set(frame.user_id, frame.status);
        store.changed();
        break;
      case "channel":
        this.onChannel(frame.channel);
        break;
      case "channel_removed":
        store.removeChannel(frame.channel_id);
        break;
      case "ephemeral": {
        // For this user only (a command's answer, a bot's private note). When it answers a
        // send of ours, that send was consumed, not posted: its pending copy goes.
        if (frame.ref) this.forget(frame.ref);
        const attachments = cleanAttachments(frame.attachments);
        store.timeline(frame.channel_id).addNote({
          id: crypto.randomUUID(),
          text: typeof frame.text === "string" ? frame.text : "",
          ...(attachments.length > 0 ? { attachments } : {}),
          createdAt: new Date().toISOString(),
        });
        store.changed();
        break;
      }
      case "pong":
        break;
      default: {
        // A channel event this client does not show (pins, channel changes, kinds a newer
        // server adds): its seq still counts, or the resume point would stop before it and
        // every later event would wait behind the gap.
        const event = frame as { channel_id?: unknown; seq?: unknown };
        if (typeof event.channel_id === "string" && typeof event.seq === "number") {
          this.noteChannelEvent(event.channel_id, event.seq);
          store.changed();
        }
      }
    }
  }

  private onReady(frame: Extract<ServerFrame, { type: "ready" }>): void {
    const store = this.store;
    store.me = frame.user;
    store.rememberUsers([frame.user]);
    const present = new Set<string>();
    for (const channel of frame.channels) {
      present.add(channel.id);
      store.upsertChannel(channel);
      if (!channel.joined) continue;
      // A resumed channel continues from its own frontier (the replay follows); any other
      // starts its stream here, with what came before fetched as history when opened.
      if (!this.resumedChannels.has(channel.id)) store.timeline(channel.id).setBaseline(channel.last_seq);
    }
    for (const id of [...store.channels.keys()]) {
      if (!present.has(id)) store.removeChannel(id);
    }
    store.presence.clear();
    for (const id of frame.online_user_ids ?? []) store.presence.set(id, "online");
    store.synced = true;
    // Edits sent on the old socket lost their answer with it: send them again over REST.
    for (const ref of [...this.edits.keys()]) this.editOverRestInstead(ref);
    // Everything pending goes out again on the new socket, in the order it was typed.
    for (const timeline of store.timelines.values()) timeline.markAllUnsent();
    this.flushOutbox();
    if (!this.directoryLoaded) {
      void this.loadDirectory();
      void this.loadSaved();
    }
    const current = store.currentChannelId;
    if (current) void this.loadLatest(current);
    // The language changed while this connection was opening: announce it now.
    if (this.socket.isReady() && this.socket.announcedLanguage() !== getLocale() && !this.languageTimer) {
      this.languageTimer = setTimeout(() => this.announceLanguage(), 0);
    }
    store.changed();
  }

  private onChannel(channel: Channel): void {
    const store = this.store;
    const known = store.channels.get(channel.id);
    store.upsertChannel(channel);
    if (channel.joined && !(known?.joined ?? false)) {
      // Newly joined: the stream starts here; older messages are history.
      store.timeline(channel.id).setBaseline(channel.last_seq);
    }
    if (channel.member_ids) this.ensureUsers(channel.member_ids);
  }

  private onNewMessage(message: Message, countUnread: boolean): void {
    const store = this.store;
    const channel = store.channels.get(message.channel_id);
    if (!channel || message.author_id === store.me?.id) return;
    // A reply kept in its thread is counted by the threads view, not as the channel's unread.
    if (countUnread && message.seq > channel.last_read_seq && shownInChannel(message)) {
      store.channels.set(channel.id, { ...channel, unread: channel.unread + 1 });
    }
    // A mention of me where I am not looking: the sidebar's @ badge counts it until I read there.
    const mentionsMe = message.mentions?.includes(store.me?.id ?? "") ?? false;
    const looking = store.currentChannelId === channel.id && typeof document !== "undefined" && document.visibilityState === "visible";
    if (countUnread && mentionsMe && message.seq > channel.last_read_seq && !looking) {
      const now = store.channels.get(channel.id) ?? channel;
      store.channels.set(channel.id, { ...now, mention_count: (now.mention_count ?? 0) + 1 });
    }
    // Someone else replied in a thread I follow and do not have open (or keep unread though
    // open): one more unread reply there.
    const open = store.openThread;
    const readingIt = open?.channelId === channel.id && open.rootSeq === message.thread_root && !this.keepThreadUnread.has(threadKey(channel.id, open.rootSeq));
    if (message.thread_root !== null && message.thread_root !== undefined && !readingIt) {
      store.followedThreads = store.followedThreads.map((t) =>
        t.channel_id === channel.id && t.root.seq === message.thread_root && message.seq > t.last_read_seq
          ? { ...t, unread_replies: t.unread_replies + 1 }
          : t,
      );
    }
    const age = Date.now() - Date.parse(message.created_at);
    // A muted channel never notifies.
    if (channel.muted) return;
    // A replay shows a message as it is now: one deleted since has nothing to say.
    if (!(age > NOTIFY_MAX_AGE_MS) && !message.deleted) this.notifier.incoming(store.channels.get(channel.id) ?? channel, message);
  }

  private onError(ref: string | null, code: ErrorCode, message: string, retryAfterMs?: number): void {
    if (!ref) {
      console.warn("xerrada: server error", code, message);
      return;
    }
    const edit = this.edits.get(ref);
    if (edit) {
      clearTimeout(edit.timer);
      this.edits.delete(ref);
      edit.reject(new ApiError(0, code, message, retryAfterMs));
      return;
    }
    const channelId = this.outbox.get(ref) ?? this.findPendingChannel(ref);
    if (!channelId) return;
    const timeline = this.store.timeline(channelId);
    const command = timeline.findPending(ref)?.command ?? false;
    if (code === "rate_limited" && !command) {
      // Refused for sending too fast, so not posted: it stays pending and goes again, with
      // whatever is typed meanwhile and in the same order, once the server's wait is over.
      timeline.markUnsent(ref);
      this.holdSends(retryAfterMs ?? RATE_LIMIT_WAIT_MS);
      return;
    }
    // A command is never resent by itself, so a transient refusal fails it too (retry is a click).
    if (TRANSIENT_CODES.has(code) && !command) {
      // Leave it pending: the outbox timer sends it again later with the same id.
      timeline.markSent(ref, Date.now());
      return;
    }
    timeline.fail(ref, code, retryAfterMs);
    this.store.changed();
  }

  /**
   * The server refused a send for going too fast: nothing is sent until `waitMs` from now (the
   * store says until when, for the notice); then the outbox goes out in order. A later refusal
   * with a longer wait extends the hold; a shorter one leaves it.
   */
  private holdSends(waitMs: number): void {
    const until = Date.now() + Math.min(MAX_HOLD_MS, Math.max(MIN_HOLD_MS, waitMs));
    if (until <= this.store.sendHoldUntil) return;
    this.store.sendHoldUntil = until;
    if (this.sendHoldTimer) clearTimeout(this.sendHoldTimer);
    this.sendHoldTimer = setTimeout(() => {
      this.sendHoldTimer = null;
      this.store.sendHoldUntil = 0;
      this.flushOutbox();
      this.store.changed();
    }, until - Date.now());
    this.store.changed();
  }

  /** True while sends wait out a `rate_limited` refusal. */
  private sendsHeld(): boolean {
    return this.store.sendHoldUntil > Date.now();
  }

  /** Counts an event of a channel's stream: its resume point and `last_seq` move on. */
  private noteChannelEvent(channelId: string, seq: number): Timeline {
    const timeline = this.store.timeline(channelId);
    timeline.noteEvent(seq);
    this.bumpLastSeq(channelId, seq);
    return timeline;
  }

  private bumpLastSeq(channelId: string, seq: number): void {
    const channel = this.store.channels.get(channelId);
    if (channel && seq > channel.last_seq) this.store.channels.set(channelId, { ...channel, last_seq: seq });
  }

  private applyRead(channelId: string, seq: number): void {
    const store = this.store;
    const channel = store.channels.get(channelId);
    // The marker moves back only when someone marked the channel unread (here or in another tab).
    if (!channel || seq === channel.last_read_seq) return;
    const back = seq < channel.last_read_seq;
    if (back && store.currentChannelId === channelId) this.keepUnread.add(channelId);
    const meId = store.me?.id;
    const timeline = store.timelines.get(channelId);
    let unread = 0;
    if (seq < channel.last_seq && timeline) {
      unread = timeline.confirmed.filter((m) => m.seq > seq && m.author_id !== meId && shownInChannel(m)).length;
      if (!back) unread = Math.min(unread, channel.unread);
    }
    // Nothing loaded to count from: at least one is unread, and the server knows how many.
    if (back && !timeline?.historyLoaded) {
      if (seq < channel.last_seq) unread = Math.max(unread, 1);
      this.api.channel(channelId).then(
        (fresh) => {
          const now = store.channels.get(channelId);
          if (now && now.last_read_seq === fresh.last_read_seq) this.onChannel(fresh);
          store.changed();
        },
        () => undefined,
      );
    }
    // Read up to the end (another tab): the mentions were read too.
    const mention_count = unread === 0 ? 0 : channel.mention_count;
    store.channels.set(channelId, { ...channel, last_read_seq: seq, unread, mention_count });
    store.changed();
  }

  /** Follows `resync`: fetch events from `fromSeq` on over REST, page by page. */
  private resync(channelId: string, fromSeq: number): Promise<void> {
    const previous = this.resyncs.get(channelId) ?? Promise.resolve();
    const next = previous.then(async () => {
      let after = fromSeq - 1;
      for (;;) {
        const page = await this.api.events(channelId, after);
        for (const event of page.events) {
          this.handleFrame(event);
          if ("seq" in event && typeof event.seq === "number") after = Math.max(after, event.seq);
        }
        if (!page.has_more || page.events.length === 0) break;
      }
    });
    const settled = next.catch((e) => {
      // The next reconnect resumes from the contiguous frontier, which still has this gap.
      console.warn("xerrada: resync failed", e);
    });
    this.resyncs.set(channelId, settled);
    return settled;
  }

  // ---- user actions -------------------------------------------------------------------------

  /** Opens a channel: makes it current and fetches its newest history once. */
  openChannel(channelId: string): void {
    if (this.store.currentChannelId !== channelId && this.store.openThread?.channelId !== channelId) this.store.openThread = null;
    if (this.store.pinsPanel !== channelId) this.closePins();
    // A message asked for elsewhere (a search result still loading) is not scrolled to here.
    if (this.store.jumpTo?.channelId !== channelId) this.store.jumpTo = null;
    this.store.view = "channel";
    // Opening a channel reads it, even one marked unread before.
    this.keepUnread.delete(channelId);
    this.store.currentChannelId = channelId;
    this.rememberOpenChannel(channelId);
    this.store.changed();
    void this.loadLatest(channelId);
  }

  /** A reload reopens the channel that was open (per person, on this device). */
  private rememberOpenChannel(channelId: string): void {
    const me = this.store.me;
    if (!me || !this.storage) return;
    try {
      this.storage.setItem(`xerrada:open-channel:${me.id}`, channelId);
    } catch {
      // Not remembered: the first unread channel opens instead.
    }
  }

  /** The channel open before the reload, if it is still one of mine. */
  rememberedChannel(): string | null {
    const me = this.store.me;
    if (!me || !this.storage) return null;
    try {
      const id = this.storage.getItem(`xerrada:open-channel:${me.id}`);
      return id && this.store.channels.get(id)?.joined ? id : null;
    } catch {
      return null;
    }
  }

  loadLatest(channelId: string): Promise<void> {
    const timeline = this.store.timeline(channelId);
    const running = this.loadingLatest.get(channelId);
    if (running) return running;
    if (timeline.historyLoaded) return Promise.resolve();
    const channel = this.store.channels.get(channelId);
    if (!channel?.joined) return Promise.resolve();
    const load = this.api
      .messages(channelId, { limit: PAGE_SIZE })
      .then((page) => {
        timeline.mergeLatest(page.messages, page.has_more);
        this.ensureUsers(page.messages.map((m) => m.author_id));
        this.store.changed();
      })
      .catch((e) => console.warn("xerrada: could not load history", e))
      .finally(() => this.loadingLatest.delete(channelId));
    this.loadingLatest.set(channelId, load);
    return load;
  }

  /**
   * Opens a channel at one message (a search result), highlighted: fetched with `around` when
   * the timeline does not show it yet. A thread reply not also sent to the channel opens its
   * thread in the side panel at that reply, with the channel at the thread's root.
   */
  async openAt(message: Message): Promise<void> {
    const channelId = message.channel_id;
    const reply = !shownInChannel(message);
    const seq = reply ? message.thread_root! : message.seq;
    if (reply) {
      this.openThread(channelId, seq);
      this.store.flashReply = { channelId, seq: message.seq, id: ++this.jumps };
    } else {
      this.openChannel(channelId);
    }
    await this.loadLatest(channelId);
    const timeline = this.store.timeline(channelId);
    if (!timeline.showsSeq(seq)) {
      try {
        const page = await this.api.messages(channelId, { around: seq, limit: PAGE_SIZE });
        timeline.mergeAround(page.messages, seq, PAGE_SIZE, page.has_more);
        this.ensureUsers(page.messages.map((m) => m.author_id));
      } catch (e) {
        console.warn("xerrada: could not load the messages around a result", e);
        this.showError(e, "message");
        return;
      }
    }
    if (this.store.currentChannelId !== channelId) return;
    this.store.jumpTo = { channelId, seq, id: ++this.jumps };
    this.store.changed();
  }

  /** Loads the next page of the history missing between two loaded stretches (the gap). */
  fillGap(channelId: string): Promise<void> {
    const running = this.fillingGap.get(channelId);
    if (running) return running;
    const timeline = this.store.timeline(channelId);
    const gap = timeline.gap;
    if (!gap) return Promise.resolve();
    const load = this.api
      .messages(channelId, { after: gap.after, limit: PAGE_SIZE })
      .then((page) => {
        timeline.fillGap(page.messages, page.has_more);
        this.ensureUsers(page.messages.map((m) => m.author_id));
        this.store.changed();
      })
      .catch((e) => console.warn("xerrada: could not load the missing messages", e))
      .finally(() => this.fillingGap.delete(channelId));
    this.fillingGap.set(channelId, load);
    return load;
  }

  isFillingGap(channelId: string): boolean {
    return this.fillingGap.has(channelId);
  }

  // ---- search -------------------------------------------------------------------------------

  showSearchView(): void {
    this.store.view = "search";
    this.store.changed();
  }

  /** Back from the search to the channel that was open. */
  closeSearch(): void {
    if (this.store.view !== "search") return;
    this.store.view = "channel";
    this.store.changed();
  }

  /** Runs a search as typed in the box (a new one), or with `more` the next page of the last. */
  async search(query: string, more = false): Promise<void> {
    const store = this.store;
    const previous = store.search;
    const q = more ? previous.query : query.trim();
    if (!q || (more && !previous.nextCursor)) return;
    const id = ++this.searches;
    store.search = more
      ? { ...previous, loading: true, error: null }
      : { query: q, results: [], nextCursor: null, loading: true, error: null, done: false };
    store.changed();
    try {
      const page = await this.api.search(q, more ? previous.nextCursor! : undefined);
      if (id !== this.searches) return;
      this.ensureUsers(page.results.map((r) => r.message.author_id));
      store.search = {
        query: q,
        results: more ? [...store.search.results, ...page.results] : page.results,
        nextCursor: page.next_cursor,
        loading: false,
        error: null,
        done: true,
      };
    } catch (e) {
      if (id !== this.searches) return;
      const error =
        e instanceof ApiError
          ? { code: e.code, message: e.message, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) }
          : { code: e instanceof NetworkError ? "offline" : "other", message: "" };
      store.search = { ...store.search, loading: false, error, done: true };
    }
    store.changed();
  }

  /** Scroll-back: fetches the page before the oldest loaded message (one request at a time). */
  loadOlder(channelId: string): Promise<void> {
    const running = this.loadingOlder.get(channelId);
    if (running) return running;
    const timeline = this.store.timeline(channelId);
    const oldest = timeline.oldestSeq;
    if (!timeline.historyLoaded || !timeline.hasMoreBefore || oldest === null) return Promise.resolve();
    const load = this.api
      .messages(channelId, { before: oldest, limit: PAGE_SIZE })
      .then((page) => {
        timeline.mergeOlder(page.messages, page.has_more);
        this.ensureUsers(page.messages.map((m) => m.author_id));
        this.store.changed();
      })
      .catch((e) => console.warn("xerrada: could not load older messages", e))
      .finally(() => this.loadingOlder.delete(channelId));
    this.loadingOlder.set(channelId, load);
    return load;
  }

  isLoadingOlder(channelId: string): boolean {
    return this.loadingOlder.has(channelId);
  }

  /**
   * Sends a message: pending at once, on the wire as soon as the socket is ready. With
   * `thread`, a reply to that root, also shown in the channel when `alsoInChannel`.
   */
  send(channelId: string, body: string, thread?: { rootSeq: number; alsoInChannel: boolean }, files: readonly FileInfo[] = []): void {
    const me = this.store.me;
    if (!me || (body.trim() === "" && files.length === 0)) return;
    const clientMsgId = crypto.randomUUID();
    const timeline = this.store.timeline(channelId);
    timeline.addPending({
      clientMsgId,
      channelId,
      authorId: me.id,
      body,
      createdAt: new Date().toISOString(),
      ...(thread ? { threadRoot: thread.rootSeq, alsoInChannel: thread.alsoInChannel } : {}),
      ...(files.length > 0 ? { files: [...files] } : {}),
    });
    this.outbox.set(clientMsgId, channelId);
    this.transmit(channelId, clientMsgId);
    this.store.changed();
  }

  /** The user retries a failed message: same `client_msg_id`, so never a duplicate. */
  retry(channelId: string, clientMsgId: string): void {
    if (!this.store.timeline(channelId).retry(clientMsgId)) return;
    this.outbox.set(clientMsgId, channelId);
    this.transmit(channelId, clientMsgId);
    this.store.changed();
  }

  discard(channelId: string, clientMsgId: string): void {
    this.store.timeline(channelId).discard(clientMsgId);
    this.outbox.delete(clientMsgId);
    this.store.changed();
  }

  private forget(clientMsgId: string): void {
    const channelId = this.outbox.get(clientMsgId) ?? this.findPendingChannel(clientMsgId);
    if (!channelId) return;
    this.outbox.delete(clientMsgId);
    this.store.timeline(channelId).discard(clientMsgId);
  }

  /** The channel holding a pending message with this id, if any. */
  private findPendingChannel(clientMsgId: string): string | undefined {
    for (const timeline of this.store.timelines.values()) {
      if (timeline.findPending(clientMsgId)) return timeline.channelId;
    }
    return undefined;
  }

  private transmit(channelId: string, clientMsgId: string): void {
    const timeline = this.store.timeline(channelId);
    const pending = timeline.findPending(clientMsgId);
    // While sends are held, a new message waits its turn behind those refused (still pending).
    if (!pending || pending.state !== "pending" || this.sendsHeld()) return;
    const frame: ClientFrame = {
      type: "send",
      ref: clientMsgId,
      channel_id: channelId,
      client_msg_id: clientMsgId,
      body: pending.body,
      ...(pending.threadRoot !== undefined ? { thread_root: pending.threadRoot } : {}),
      ...(pending.alsoInChannel ? { also_in_channel: true } : {}),
      ...(pending.files?.length ? { file_ids: pending.files.map((f) => f.id) } : {}),
    };
    if (this.socket.send(frame)) timeline.markSent(clientMsgId, Date.now());
  }

  /** Sends what was never sent on this socket, and what waited too long for its ack. */
  private flushOutbox(): void {
    if (!this.socket.isReady() || this.sendsHeld()) return;
    const now = Date.now();
    for (const timeline of this.store.timelines.values()) {
      for (const pending of [...timeline.pending]) {
        if (pending.state !== "pending") continue;
        if (pending.command && pending.sentOnce) {
          // Sent on an earlier socket (or page) and never answered, or waiting too long: it may
          // or may not have run, so it is not repeated behind the user's back.
          if (pending.lastSentAt === 0 || now - pending.lastSentAt > COMMAND_ANSWER_MS) {
            timeline.fail(pending.clientMsgId, "no_answer");
            this.outbox.delete(pending.clientMsgId);
            this.store.changed();
          }
          continue;
        }
        if (pending.lastSentAt !== 0 && now - pending.lastSentAt < RESEND_AFTER_MS) continue;
        this.outbox.set(pending.clientMsgId, timeline.channelId);
        this.transmit(timeline.channelId, pending.clientMsgId);
      }
    }
  }

  /**
   * Edits one of the user's messages: an `edit` frame on the socket, answered by `ack` (the new
   * text shows at once) or `error` (the promise rejects with its code). Without a socket, or
   * without an answer in time, the same edit goes over REST instead.
   */
  editMessage(channelId: string, messageId: string, body: string): Promise<void> {
    const ref = `edit-${crypto.randomUUID()}`;
    const frame: ClientFrame = { type: "edit", ref, channel_id: channelId, message_id: messageId, body };
    if (!this.socket.isReady() || !this.socket.send(frame)) return this.editOverRest(channelId, messageId, body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.editOverRestInstead(ref), EDIT_ANSWER_MS);
      this.edits.set(ref, { channelId, messageId, body, resolve, reject, timer });
    });
  }

  private editOverRestInstead(ref: string): void {
    const edit = this.edits.get(ref);
    if (!edit) return;
    clearTimeout(edit.timer);
    this.edits.delete(ref);
    this.editOverRest(edit.channelId, edit.messageId, edit.body).then(edit.resolve, edit.reject);
  }

  private async editOverRest(channelId: string, messageId: string, body: string): Promise<void> {
    await this.api.editMessage(channelId, messageId, body);
    // No event seq comes with the answer: shown now, and the `message_updated` frame follows.
    if (this.store.timeline(channelId).applyOwnEdit(messageId, body)) this.store.changed();
  }

  /** The `ack` of an edit frame: true when `ref` was one. */
  private settleEdit(ref: string, eventSeq: number): boolean {
    const edit = this.edits.get(ref);
    if (!edit) return false;
    clearTimeout(edit.timer);
    this.edits.delete(ref);
    this.store.timeline(edit.channelId).applyOwnEdit(edit.messageId, edit.body, eventSeq);
    this.store.changed();
    edit.resolve();
    return true;
  }

  /** Deletes a message for everyone (the caller checked who may); rejects with the server's refusal. */
  async deleteMessage(channelId: string, messageId: string): Promise<void> {
    await this.api.deleteMessage(channelId, messageId);
    // Deleted for good: show the tombstone now; the `message_deleted` frame changes nothing more.
    if (this.store.timeline(channelId).markDeleted(messageId)) this.store.changed();
  }

  /**
   * Adds the user's reaction `emoji` to a message, or takes it back when it is there. The chip
   * changes when the server's `reaction_added` / `reaction_removed` frame arrives; a refusal
   * shows as a toast.
   */
  async toggleReaction(channelId: string, messageId: string, emoji: string): Promise<void> {
    const me = this.store.me;
    const message = this.store.timelines.get(channelId)?.find(messageId);
    if (!me || !message || message.deleted) return;
    const chip = findReaction(message.reactions, emoji);
    const on = !chip?.user_ids.includes(me.id);
    const key = `${messageId}\u0000${emoji.replace(/\uFE0F/g, "")}`;
    if (this.reactionsInFlight.has(key)) return;
    this.reactionsInFlight.add(key);
    try {
      // Taking a reaction back names it as the server wrote it (`❤️`, though `❤` was picked).
      const name = chip && !on ? chip.emoji : emoji;
      await this.api.react(channelId, messageId, name, on);
    } catch (e) {
      this.showError(e, "message");
    } finally {
      this.reactionsInFlight.delete(key);
    }
  }

  /**
   * A click on a message's button: POST it; the button stays disabled until the bot updates
   * the message (`message_updated`) or ACTION_WAIT_MS pass. A refusal shows as a toast.
   */
  async clickAction(channelId: string, messageId: string, actionId: string): Promise<void> {
    const store = this.store;
    const busy = store.actionsInFlight.get(messageId);
    if (busy?.has(actionId)) return;
    store.actionsInFlight.set(messageId, new Set([...(busy ?? []), actionId]));
    const key = `${messageId}\u0000${actionId}`;
    const timer = this.actionTimers.get(key);
    if (timer) clearTimeout(timer);
    this.actionTimers.set(key, setTimeout(() => this.settleAction(messageId, actionId), ACTION_WAIT_MS));
    store.changed();
    try {
      await this.api.action(channelId, messageId, actionId);
    } catch (e) {
      this.settleAction(messageId, actionId);
      this.showError(e);
    }
  }

  private settleAction(messageId: string, actionId: string): void {
    const key = `${messageId}\u0000${actionId}`;
    const timer = this.actionTimers.get(key);
    if (timer) clearTimeout(timer);
    this.actionTimers.delete(key);
    const busy = this.store.actionsInFlight.get(messageId);
    if (!busy?.has(actionId)) return;
    const rest = new Set(busy);
    rest.delete(actionId);
    if (rest.size === 0) this.store.actionsInFlight.delete(messageId);
    else this.store.actionsInFlight.set(messageId, rest);
    this.store.changed();
  }

  /** The message was updated: every button of it is usable again. */
  private settleActions(messageId: string): void {
    for (const actionId of [...(this.store.actionsInFlight.get(messageId) ?? [])]) this.settleAction(messageId, actionId);
  }

  /** A refused call as a toast: its code, and how long to wait when the server said (`rate_limited`). */
  private showError(e: unknown, about: ToastAbout = "action"): void {
    const code = e instanceof ApiError ? e.code : e instanceof NetworkError ? "offline" : "other";
    this.showToast(code, about, e instanceof ApiError ? e.retryAfterMs : undefined);
  }

  private showToast(code: string, about: ToastAbout = "action", retryAfterMs?: number): void {
    this.store.toast = { id: ++this.toastCounter, code, about, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => this.dismissToast(), TOAST_MS);
    this.store.changed();
  }

  dismissToast(): void {
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.toastTimer = null;
    if (!this.store.toast) return;
    this.store.toast = null;
    this.store.changed();
  }

  /** The user closed an ephemeral note. */
  dismissNote(channelId: string, noteId: string): void {
    this.store.timelines.get(channelId)?.dismissNote(noteId);
    this.store.changed();
  }

  /**
   * "Mark unread from here": the server moves the marker back and tells every tab (`read`).
   * This tab then leaves the channel unread, though it is on screen, until it is opened again.
   */
  async markUnread(channelId: string, seq: number): Promise<void> {
    try {
      this.keepUnread.add(channelId);
      const answer = await this.api.markUnread(channelId, seq);
      this.applyRead(channelId, answer.last_read_seq);
    } catch (e) {
      this.keepUnread.delete(channelId);
      this.showError(e, "message");
    }
  }

  /** Moves the read marker to the newest event, when the user has seen it. */
  markRead(channelId: string): void {
    if (this.keepUnread.has(channelId)) return;
    const store = this.store;
    const channel = store.channels.get(channelId);
    const timeline = store.timelines.get(channelId);
    if (!channel || !timeline || !channel.joined) return;
    const seq = Math.max(timeline.latestSeq, 0);
    if (seq <= channel.last_read_seq && channel.unread === 0 && !channel.mention_count) return;
    if (seq > channel.last_read_seq && !this.socket.send({ type: "read", channel_id: channelId, seq })) return;
    store.channels.set(channelId, { ...channel, last_read_seq: Math.max(seq, channel.last_read_seq), unread: 0, mention_count: 0 });
    store.changed();
  }

  // ---- threads ------------------------------------------------------------------------------

  /**
   * Opens a thread in the side panel: the root is reread from the server (its counters are the
   * server's, not what this client added up) and the replies are fetched page by page into the
   * channel's timeline, where live `message` frames keep them current.
   */
  openThread(channelId: string, rootSeq: number): void {
    // Opening a thread reads it, even one marked unread before (as opening a channel does).
    this.keepThreadUnread.delete(threadKey(channelId, rootSeq));
    this.store.openThread = { channelId, rootSeq };
    this.store.pinsPanel = null;
    this.store.view = "channel";
    if (this.store.currentChannelId !== channelId) this.openChannel(channelId);
    this.store.changed();
    void this.loadThread(channelId, rootSeq);
  }

  closeThread(): void {
    this.store.openThread = null;
    this.store.changed();
  }

  async loadThread(channelId: string, rootSeq: number): Promise<void> {
    const timeline = this.store.timeline(channelId);
    try {
      let after = 0;
      for (;;) {
        const page = await this.api.thread(channelId, rootSeq, after);
        timeline.merge([page.root, ...page.replies]);
        this.ensureUsers([page.root.author_id, ...page.replies.map((m) => m.author_id)]);
        const last = page.replies[page.replies.length - 1];
        if (!page.has_more || !last) break;
        after = last.seq;
      }
      this.store.changed();
      const open = this.store.openThread;
      if (open?.channelId === channelId && open.rootSeq === rootSeq) this.markThreadRead(channelId, rootSeq);
    } catch (e) {
      console.warn("xerrada: could not load the thread", e);
    }
  }

  /** The thread on screen has been seen up to its newest reply (other tabs learn it from the server). */
  markThreadRead(channelId: string, rootSeq: number): void {
    if (this.keepThreadUnread.has(threadKey(channelId, rootSeq))) return;
    const seq = this.store.timeline(channelId).lastReplySeq(rootSeq);
    if (seq <= 0) return;
    if (this.socket.send({ type: "read", channel_id: channelId, seq, thread_root: rootSeq })) this.applyThreadRead(channelId, rootSeq, seq);
  }

  /**
   * "Mark unread from this reply", for a reply kept in its thread: the server moves the thread's
   * marker back to just before it and follows the thread, and tells every tab (`read`). The
   * thread, though open here, then stays unread until it is opened again.
   */
  async markThreadUnread(channelId: string, rootSeq: number, seq: number): Promise<void> {
    const key = threadKey(channelId, rootSeq);
    try {
      this.keepThreadUnread.add(key);
      const answer = await this.api.markThreadUnread(channelId, rootSeq, seq);
      this.applyThreadRead(channelId, rootSeq, answer.last_read_seq, true);
      // Followed now, whether or not the list had it: its numbers come from the server.
      this.refreshThreadsSoon();
    } catch (e) {
      this.keepThreadUnread.delete(key);
      this.showError(e, "message");
    }
  }

  /**
   * A thread's read marker moved (here or in another tab). Forward, its unread replies in the
   * threads view go. Back (`mayGoBack`: the server's word, after a "mark unread"), the replies
   * after it that others wrote are unread again, and the list is fetched again: the server
   * follows the thread now, and knows the replies not loaded here.
   */
  private applyThreadRead(channelId: string, rootSeq: number, seq: number, mayGoBack = false): void {
    const store = this.store;
    const listed = store.followedThreads.find((t) => t.channel_id === channelId && t.root.seq === rootSeq);
    if (!listed) {
      // Not in the list: a thread marked unread is followed now, so the list changes.
      if (mayGoBack && (this.unreadReplies(channelId, rootSeq, seq) > 0 || store.view === "threads")) this.refreshThreadsSoon();
      return;
    }
    if (seq === listed.last_read_seq || (seq < listed.last_read_seq && !mayGoBack)) return;
    const back = seq < listed.last_read_seq;
    if (back) {
      const open = store.openThread;
      if (open?.channelId === channelId && open.rootSeq === rootSeq) this.keepThreadUnread.add(threadKey(channelId, rootSeq));
      this.refreshThreadsSoon();
    }
    const unread_replies = back ? this.unreadReplies(channelId, rootSeq, seq) : 0;
    store.followedThreads = store.followedThreads.map((thread) => (thread === listed ? { ...thread, last_read_seq: seq, unread_replies } : thread));
    store.changed();
  }

  /** How many loaded replies of a thread after `seq` others wrote (as the server counts them). */
  private unreadReplies(channelId: string, rootSeq: number, seq: number): number {
    const meId = this.store.me?.id;
    const timeline = this.store.timelines.get(channelId);
    if (!timeline) return 0;
    return timeline.confirmed.filter((m) => m.thread_root === rootSeq && m.seq > seq && m.author_id !== meId && !m.deleted).length;
  }

  /** Fetches the followed threads again, once for a burst of reasons. */
  private refreshThreadsSoon(): void {
    if (this.threadsRefresh) return;
    this.threadsRefresh = setTimeout(() => {
      this.threadsRefresh = null;
      void this.loadFollowedThreads().catch((e) => console.warn("xerrada: could not load threads", e));
    }, THREADS_REFRESH_MS);
  }

  /** The threads view: the threads the user follows, newest reply first. */
  async loadFollowedThreads(): Promise<void> {
    const page = await this.api.threads();
    this.store.followedThreads = page.threads;
    this.ensureUsers(page.threads.map((t) => t.root.author_id));
    this.store.changed();
  }

  /**
   * A new reply: when the threads view does not list its thread and the thread now concerns
   * the user (their reply, a mention of them, a reply to their message), the server follows it
   * for them, so the list is fetched again (once for a burst of replies). A root not loaded
   * here may be the user's too: while the view is on screen, that is worth a refetch as well.
   */
  private noticeThread(message: Message): void {
    const rootSeq = message.thread_root;
    const me = this.store.me;
    if (rootSeq === null || rootSeq === undefined || !me || this.threadsRefresh) return;
    if (this.store.followedThreads.some((t) => t.channel_id === message.channel_id && t.root.seq === rootSeq)) return;
    const root = this.store.timelines.get(message.channel_id)?.findBySeq(rootSeq);
    const concernsMe =
      message.author_id === me.id || (message.mentions?.includes(me.id) ?? false) || root?.author_id === me.id;
    if (!concernsMe && (root || this.store.view !== "threads")) return;
    this.refreshThreadsSoon();
  }

  showThreadsView(): void {
    this.store.view = "threads";
    this.store.changed();
    void this.loadFollowedThreads().catch((e) => console.warn("xerrada: could not load threads", e));
  }

  // ---- pins and saved messages ----------------------------------------------------------------

  /** Pins or unpins a message for the channel; the `message_pinned` frame shows it. */
  async setPinned(channelId: string, messageId: string, on: boolean): Promise<void> {
    try {
      await this.api.pin(channelId, messageId, on);
    } catch (e) {
      this.showError(e, "message");
    }
  }

  openPins(channelId: string): void {
    this.store.pinsPanel = channelId;
    this.store.pins = null;
    this.store.openThread = null;
    this.store.changed();
    void this.loadPins(channelId);
  }

  closePins(): void {
    this.store.pinsPanel = null;
    this.store.pins = null;
    this.store.changed();
  }

  private async loadPins(channelId: string): Promise<void> {
    try {
      const list = await this.api.pins(channelId);
      if (this.store.pinsPanel !== channelId) return;
      this.store.pins = list.pins;
      this.ensureUsers(list.pins.flatMap((p) => [p.message.author_id, p.pinned_by]));
      this.store.changed();
    } catch (e) {
      console.warn("xerrada: could not load the pins", e);
    }
  }

  /** Saves a message for oneself, or takes it out of the saved ones. */
  async setSaved(messageId: string, on: boolean): Promise<void> {
    try {
      await this.api.save(messageId, on);
      const ids = new Set(this.store.savedIds);
      if (on) ids.add(messageId);
      else ids.delete(messageId);
      this.store.savedIds = ids;
      this.store.changed();
      if (this.store.view === "saved" || on) await this.loadSaved();
    } catch (e) {
      this.showError(e, "message");
    }
  }

  async loadSaved(): Promise<void> {
    try {
      const list = await this.api.saved();
      this.store.saved = list.saved;
      this.store.savedIds = new Set(list.saved.map((s) => s.message.id));
      this.ensureUsers(list.saved.map((s) => s.message.author_id));
      this.store.changed();
    } catch (e) {
      console.warn("xerrada: could not load saved messages", e);
    }
  }

  showSavedView(): void {
    this.store.view = "saved";
    this.store.changed();
    void this.loadSaved();
  }

  /** Tells the others the user is typing (throttled). */
  typing(channelId: string): void {
    const now = Date.now();
    if (now - (this.lastTypingSent.get(channelId) ?? 0) < TYPING_THROTTLE_MS) return;
    if (this.socket.send({ type: "typing", channel_id: channelId })) this.lastTypingSent.set(channelId, now);
  }

  async join(channelId: string): Promise<void> {
    await this.api.join(channelId);
    const channel = await this.api.channel(channelId);
    this.onChannel(channel);
    this.store.changed();
  }

  async leave(channelId: string): Promise<void> {
    await this.api.leave(channelId);
    this.store.removeChannel(channelId);
  }

  async createChannel(name: string, kind: "public" | "private", topic: string): Promise<Channel> {
    const channel = await this.api.createChannel({ name, kind, ...(topic ? { topic } : {}) });
    this.onChannel(channel);
    this.store.changed();
    return channel;
  }

  async openDm(userIds: string[]): Promise<Channel> {
    const channel = await this.api.openDm(userIds);
    this.onChannel(channel);
    this.store.changed();
    return channel;
  }

  /** Public channels (for the channel browser): the socket keeps the list fresh; this reloads. */
  async refreshChannels(): Promise<void> {
    const channels = await this.api.channels();
    for (const channel of channels) {
      if (!this.store.channels.has(channel.id)) this.store.upsertChannel(channel);
    }
  }

  /** Opens a person's profile card, fetching them afresh (status and time zone change). */
  openProfile(userId: string): void {
    this.store.profileUserId = userId;
    this.store.changed();
    this.api.user(userId).then((user) => this.store.rememberUsers([user]), () => undefined);
  }

  closeProfile(): void {
    this.store.profileUserId = null;
    this.store.changed();
  }

  /** Changes one's own profile (or password, with the current one); rejects with the server's refusal. */
  async updateMe(patch: { display_name?: string; status_text?: string; timezone?: string; password?: string; current_password?: string }): Promise<void> {
    const me = this.store.me;
    if (!me) return;
    const user = await this.api.updateUser(me.id, patch);
    this.store.me = user;
    this.store.rememberUsers([user]);
  }

  // ---- channel settings -------------------------------------------------------------------------

  /** Topic and purpose (any member), name (owner or admin); the server's answer is shown. */
  async updateChannel(channelId: string, patch: { name?: string; topic?: string; purpose?: string }): Promise<void> {
    this.onChannel(await this.api.updateChannel(channelId, patch));
    this.store.changed();
  }

  async setArchived(channelId: string, on: boolean): Promise<void> {
    this.onChannel(await this.api.setArchived(channelId, on));
    this.store.changed();
  }

  async setMuted(channelId: string, on: boolean): Promise<void> {
    this.onChannel(await this.api.setMuted(channelId, on));
    this.store.changed();
  }

  /** Adds or removes a member (private channels; admins anywhere); forgets the cached member list. */
  async setMember(channelId: string, userId: string, on: boolean): Promise<void> {
    await this.api.setMember(channelId, userId, on);
    this.membersCache.delete(channelId);
    // A bot that joins or leaves brings or takes its commands.
    this.commandsCache.delete(channelId);
  }

  /** The member list, fetched afresh (the settings dialog). */
  refreshMembers(channelId: string): Promise<User[]> {
    this.membersCache.delete(channelId);
    return this.channelMembers(channelId);
  }

  /** A channel's members (for @ completion), fetched once per channel and session. */
  channelMembers(channelId: string): Promise<User[]> {
    let members = this.membersCache.get(channelId);
    if (!members) {
      members = this.api.channelMembers(channelId).then((users) => {
        this.store.rememberUsers(users);
        return users;
      });
      members.catch(() => this.membersCache.delete(channelId));
      this.membersCache.set(channelId, members);
    }
    return members;
  }

  /**
   * The channel's own commands for the composer (the admin's external ones, its bots'), fetched
   * once per channel and session; a failure is forgotten, so the next composer asks again.
   */
  channelCommands(channelId: string): Promise<ChannelCommand[]> {
    let commands = this.commandsCache.get(channelId);
    if (!commands) {
      commands = this.api.channelCommands(channelId);
      commands.catch(() => this.commandsCache.delete(channelId));
      this.commandsCache.set(channelId, commands);
    }
    return commands;
  }

  async searchUsers(q: string) {
    const users = await this.api.users(q || undefined);
    this.store.rememberUsers(users);
    return users;
  }

  private async loadDirectory(): Promise<void> {
    try {
      const [users, departments] = await Promise.all([this.api.users(), this.api.departments()]);
      this.store.rememberUsers(users);
      for (const d of departments) this.store.departments.set(d.id, d);
      this.directoryLoaded = true;
      this.ensureUsers([...this.unknownUsers]);
      this.unknownUsers.clear();
      this.store.changed();
    } catch (e) {
      console.warn("xerrada: could not load the directory", e);
    }
  }

  /** Fetches users we have not seen yet (authors of old messages, new colleagues). */
  private ensureUsers(ids: readonly string[]): void {
    for (const id of new Set(ids)) {
      if (this.store.users.has(id) || this.fetchingUsers.has(id)) continue;
      if (!this.directoryLoaded) {
        // The directory (one request) is on its way and will most likely know them.
        this.unknownUsers.add(id);
        continue;
      }
      this.fetchingUsers.add(id);
      this.api
        .user(id)
        .then((user) => this.store.rememberUsers([user]))
        .catch(() => undefined)
        .finally(() => this.fetchingUsers.delete(id));
    }
  }
}

/** A thread's key in the engine's sets. */
function threadKey(channelId: string, rootSeq: number): string {
  return `${channelId}:${rootSeq}`;
}

/**
 * The wait an `error` frame asks for (`retry_after_ms`, with `rate_limited`). Older servers do
 * not send it, and anything but a non-negative number is ignored.
 */
function retryAfterMs(frame: Extract<ServerFrame, { type: "error" }>): number | undefined {
  const value: unknown = frame.retry_after_ms;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
