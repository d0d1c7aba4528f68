// The client's application state: who I am, my channels, the people I know of, presence,
// typing, per-channel timelines, drafts and the connection state. Mutated only by the sync
// engine and UI actions; views subscribe and re-render when `version` moves.
//
// Notifications to subscribers are batched per microtask, so a replay of hundreds of frames
// costs one render, not hundreds.
import type { Channel, Department, FollowedThread, Pin, PresenceStatus, SavedMessage, SearchResult, User } from "../protocol";
import type { ConnectionState } from "../sync/socket";
import { Timeline } from "./timeline";

/** How long a "typing" signal is shown without a new one. */
export const TYPING_TTL_MS = 6_000;

type Listener = () => void;

/** The search view's state: what was searched, the results so far and the next page's cursor. */
export interface SearchState {
  query: string;
  results: SearchResult[];
  nextCursor: string | null;
  loading: boolean;
  /** The server's message for a refused query (400), or an error code (and a `rate_limited` wait). */
  error: { code: string; message: string; retryAfterMs?: number } | null;
  /** Whether a search ran (an empty list then means "nothing found"). */
  done: boolean;
}

/** What a toast is about: a bot's button, or the user's own change to a message (a reaction). */
export type ToastAbout = "action" | "message";

export class ChatStore {
  me: User | null = null;
  channels = new Map<string, Channel>();
  departments = new Map<string, Department>();
  users = new Map<string, User>();
  presence = new Map<string, PresenceStatus>();
  /** channel id -> user id -> expiry (ms since epoch). */
  typing = new Map<string, Map<string, number>>();
  timelines = new Map<string, Timeline>();
  drafts = new Map<string, string>();
  /** Bumped when a draft is changed from outside its composer (shared text), which then reloads it. */
  draftEpoch = 0;
  /** message id -> ids of its buttons clicked and not yet answered (disabled meanwhile). */
  actionsInFlight = new Map<string, ReadonlySet<string>>();
  /**
   * A short-lived notice (a button's action or a change to a message that failed), with the
   * error code to explain and, for `rate_limited`, how long the server asked to wait.
   */
  toast: { id: number; code: string; about: ToastAbout; retryAfterMs?: number } | null = null;
  /**
   * Until when (ms since epoch) sends wait, after the server refused one for going too fast;
   * 0 when they do not. The refused messages stay pending and go out in order after it.
   */
  sendHoldUntil = 0;
  currentChannelId: string | null = null;
  /** The thread shown in the side panel, if any. */
  openThread: { channelId: string; rootSeq: number } | null = null;
  /** What the main area shows: the open channel, the threads view or the saved messages. */
  view: "channel" | "threads" | "saved" | "search" = "channel";
  /** The search view's query and results (kept while the user looks at a result). */
  search: SearchState = { query: "", results: [], nextCursor: null, loading: false, error: null, done: false };
  /**
   * A message to bring into view in the channel's list and highlight briefly (a search
   * result); `id` changes on every request, so the same message can be asked for again.
   */
  jumpTo: { channelId: string; seq: number; id: number } | null = null;
  /** A thread reply to bring into view and highlight in the thread panel. */
  flashReply: { channelId: string; seq: number; id: number } | null = null;
  /** Whose profile card is open, if anyone's. */
  profileUserId: string | null = null;
  /** Whether the sidebar lists archived channels too. */
  showArchived = false;
  /** The channel whose pinned messages show in the side panel, if any (instead of a thread). */
  pinsPanel: string | null = null;
  /** The pins of `pinsPanel`'s channel, most recently pinned first (null while loading). */
  pins: Pin[] | null = null;
  /** The user's saved messages, most recently saved first, and their ids (for the menu). */
  saved: SavedMessage[] = [];
  savedIds = new Set<string>();
  /** The threads the user follows (the threads view), as last fetched and kept read live. */
  followedThreads: FollowedThread[] = [];
  connection: ConnectionState = "connecting";
  /** True once the first `ready` arrived (the sidebar has real data). */
  synced = false;
  version = 0;

  private listeners = new Set<Listener>();
  private scheduled = false;
  /** Loose name key -> ids of the known people showing under it; rebuilt when people change. */
  private namesIndex: Map<string, string[]> | null = null;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks the state changed; subscribers run once at the end of the current task. */
  changed(): void {
    this.version += 1;
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    });
  }

  timeline(channelId: string): Timeline {
    let timeline = this.timelines.get(channelId);
    if (!timeline) {
      timeline = new Timeline(channelId);
      this.timelines.set(channelId, timeline);
    }
    return timeline;
  }

  /** Joined channels, for the sidebar and resume points. */
  joinedChannels(): Channel[] {
    return [...this.channels.values()].filter((c) => c.joined);
  }

  upsertChannel(channel: Channel): void {
    const previous = this.channels.get(channel.id);
    // A channel frame may be older than what live events told us: keep the highest last_seq.
    const merged = previous ? { ...channel, last_seq: Math.max(previous.last_seq, channel.last_seq) } : channel;
    this.channels.set(channel.id, merged);
    this.changed();
  }

  removeChannel(channelId: string): void {
    this.channels.delete(channelId);
    this.timelines.delete(channelId);
    this.typing.delete(channelId);
    if (this.currentChannelId === channelId) this.currentChannelId = null;
    this.changed();
  }

  rememberUsers(users: readonly User[]): void {
    for (const user of users) this.users.set(user.id, user);
    this.namesIndex = null;
    this.changed();
  }

  /**
   * Whether someone known here other than `userId` shows under `name`, compared loosely (see
   * `nameKey`): the @username must then tell them apart wherever the name is shown.
   */
  nameSharedWithOthers(name: string, userId: string): boolean {
    if (!this.namesIndex) {
      this.namesIndex = new Map();
      for (const user of this.users.values()) {
        const key = nameKey(user.display_name || user.username);
        const ids = this.namesIndex.get(key);
        if (ids) ids.push(user.id);
        else this.namesIndex.set(key, [user.id]);
      }
    }
    return (this.namesIndex.get(nameKey(name)) ?? []).some((id) => id !== userId);
  }

  /** The name to show for a user id (a placeholder until the directory answers). */
  displayName(userId: string): string {
    const user = this.users.get(userId);
    return user ? user.display_name || user.username : "…";
  }

  /** For DMs, the other members (or myself, for my notes channel). */
  dmPartners(channel: Channel): string[] {
    const meId = this.me?.id;
    const members = channel.member_ids ?? [];
    const others = members.filter((id) => id !== meId);
    return others.length > 0 || !meId ? others : [meId];
  }

  /** The label of a channel in the sidebar and header. */
  channelLabel(channel: Channel): string {
    if (channel.department_id) return this.departments.get(channel.department_id)?.name ?? channel.name;
    if (channel.kind !== "direct") return channel.name;
    const partners = this.dmPartners(channel);
    if (partners.length === 0) return channel.name;
    return partners.map((id) => this.displayName(id)).join(", ");
  }

  setTyping(channelId: string, userId: string, now = Date.now()): void {
    let inChannel = this.typing.get(channelId);
    if (!inChannel) {
      inChannel = new Map();
      this.typing.set(channelId, inChannel);
    }
    inChannel.set(userId, now + TYPING_TTL_MS);
    this.changed();
  }

  clearTyping(channelId: string, userId: string): void {
    if (this.typing.get(channelId)?.delete(userId)) this.changed();
  }

  /** Users typing in a channel now, expired entries dropped. */
  typingIn(channelId: string, now = Date.now()): string[] {
    const inChannel = this.typing.get(channelId);
    if (!inChannel) return [];
    const active: string[] = [];
    for (const [userId, expiry] of inChannel) {
      if (expiry > now) active.push(userId);
      else inChannel.delete(userId);
    }
    return active;
  }

  /** Forgets everything (logout). */
  reset(): void {
    this.me = null;
    this.channels.clear();
    this.departments.clear();
    this.users.clear();
    this.namesIndex = null;
    this.presence.clear();
    this.typing.clear();
    this.timelines.clear();
    this.drafts.clear();
    this.actionsInFlight.clear();
    this.toast = null;
    this.sendHoldUntil = 0;
    this.currentChannelId = null;
    this.openThread = null;
    this.view = "channel";
    this.search = { query: "", results: [], nextCursor: null, loading: false, error: null, done: false };
    this.jumpTo = null;
    this.flashReply = null;
    this.followedThreads = [];
    this.pinsPanel = null;
    this.pins = null;
    this.saved = [];
    this.savedIds = new Set();
    this.connection = "connecting";
    this.synced = false;
    this.changed();
  }
}

/**
 * A name as a reader would take it: letter case, accents, invisible characters (zero-width
 * spaces and joiners) and spacing ignored, so "Administrador", "administrádor" and
 * "Admini\u200Bstrador" are one name. Letters from other scripts that merely look alike are not
 * caught here; the badges and the @username tell those apart.
 */
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}]/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}
