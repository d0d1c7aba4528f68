// Threads in the client: replies kept out of the channel's timeline unless also sent there, the
// root's summary moved on by live replies (once each), the thread's own read marker kept apart
// from the channel's, replies sent with their root, and the up arrow ignoring hidden replies.
import { describe, expect, it, vi } from "vitest";
import { type Api, ApiError } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, ClientFrame, Message, ServerFrame, User } from "../../src/protocol";
import { ChatStore } from "../../src/store/chat";
import { Timeline, shownInChannel } from "../../src/store/timeline";
import { SyncEngine } from "../../src/sync/engine";
import { initials } from "../../src/components/people";
import { recordingSocket } from "./support/socket";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const channel = (extra: Partial<Channel> = {}): Channel => ({
  id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 10,
  member_count: 2, joined: true, last_read_seq: 10, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false, ...extra,
});
const message = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`, channel_id: "c1", seq, author_id: "bob", body: `m${seq}`, created_at: "2026-12-06T09:00:00Z",
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
});
const posted = (seq: number, extra: Partial<Message> = {}): ServerFrame => ({ type: "message", channel_id: "c1", seq, message: message(seq, extra) });

function setup() {
  const store = new ChatStore();
  const api = {
    users: async () => [],
    departments: async () => [],
    user: async (id: string) => ({ ...me, id, username: id }),
    messages: async () => ({ messages: [], has_more: false }),
    saved: async () => ({ saved: [] }),
    thread: vi.fn(async () => ({ root: message(5, { reply_count: 2, participant_ids: ["bob", "ann"] }), replies: [message(6, { thread_root: 5 }), message(7, { thread_root: 5, author_id: "ann" })], has_more: false })),
  };
  const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
  const engine = new SyncEngine(store, api as unknown as Api, auth, { incoming: () => undefined }, () => undefined);
  const { sent } = recordingSocket(engine);
  engine.handleFrame({ type: "ready", session_id: "s", user: me, channels: [channel()], online_user_ids: [] });
  return { store, engine, api, sent };
}

describe("the channel's timeline and threads", () => {
  it("shows roots and replies also sent to the channel, not other replies", () => {
    expect(shownInChannel(message(1))).toBe(true);
    expect(shownInChannel(message(2, { thread_root: 1 }))).toBe(false);
    expect(shownInChannel(message(3, { thread_root: 1, also_in_channel: true }))).toBe(true);
    const timeline = new Timeline("c1");
    timeline.mergeLatest([message(1), message(2, { thread_root: 1 }), message(3, { thread_root: 1, also_in_channel: true })], false);
    const seqs = timeline.entries().flatMap((e) => (e.kind === "message" ? [e.message.seq] : []));
    expect(seqs).toEqual([1, 3]);
    expect(timeline.threadEntries(1).map((e) => e.kind === "message" && e.message.seq)).toEqual([1, 2, 3]);
  });

  it("keeps a thread's older root and replies out of the channel's view and its scroll-back point", () => {
    const timeline = new Timeline("c1");
    timeline.mergeLatest([message(50), message(51)], true);
    timeline.merge([message(5), message(6, { thread_root: 5 })]);
    expect(timeline.oldestSeq).toBe(50);
    expect(timeline.entries().flatMap((e) => (e.kind === "message" ? [e.message.seq] : []))).toEqual([50, 51]);
    expect(timeline.threadEntries(5)).toHaveLength(2);
  });

  it("the up arrow picks my last message the view shows, not a hidden reply", () => {
    const timeline = new Timeline("c1");
    timeline.mergeLatest([message(1, { author_id: "me" }), message(2, { author_id: "me", thread_root: 1 })], false);
    expect(timeline.lastEditableBy("me")?.seq).toBe(1);
    expect(timeline.lastEditableBy("me", 1)?.seq).toBe(2);
  });
});

describe("thread replies in the engine", () => {
  it("moves the root's summary on for each new reply, once, without counting it as the channel's unread", () => {
    const { store, engine } = setup();
    store.timeline("c1").mergeLatest([message(5)], false);
    engine.handleFrame(posted(11, { thread_root: 5, author_id: "ann", created_at: "2026-12-06T10:00:00Z" }));
    engine.handleFrame(posted(11, { thread_root: 5, author_id: "ann", created_at: "2026-12-06T10:00:00Z" }));
    engine.handleFrame(posted(12, { thread_root: 5, author_id: "ann" }));
    const root = store.timeline("c1").find("m5")!;
    expect(root.reply_count).toBe(2);
    expect(root.participant_ids).toEqual(["ann"]);
    expect(root.last_reply_at).toBe("2026-12-06T09:00:00Z");
    expect(store.channels.get("c1")!.unread).toBe(0);
    engine.handleFrame(posted(13, { thread_root: 5, also_in_channel: true }));
    expect(store.channels.get("c1")!.unread).toBe(1);
  });

  it("sends a reply with its root (and also_in_channel), and counts it on the root when acknowledged", () => {
    const { store, engine, sent } = setup();
    store.timeline("c1").mergeLatest([message(5)], false);
    engine.send("c1", "jo", { rootSeq: 5, alsoInChannel: true });
    const frame = sent.find((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>;
    expect(frame.thread_root).toBe(5);
    expect(frame.also_in_channel).toBe(true);
    engine.handleFrame({ type: "ack", ref: frame.ref!, channel_id: "c1", seq: 11, message_id: "m11" } as ServerFrame);
    expect(store.timeline("c1").find("m5")!.reply_count).toBe(1);
    // The message frame that follows is the same reply: not counted again.
    engine.handleFrame(posted(11, { thread_root: 5, author_id: "me", client_msg_id: frame.client_msg_id }));
    expect(store.timeline("c1").find("m5")!.reply_count).toBe(1);
  });

  it("a deleted reply no longer counts on its root, once, as the server counts it", () => {
    const { store, engine } = setup();
    const timeline = store.timeline("c1");
    timeline.mergeLatest([message(5)], false);
    engine.handleFrame(posted(11, { thread_root: 5 }));
    engine.handleFrame(posted(12, { thread_root: 5, author_id: "ann" }));
    expect(timeline.find("m5")!.reply_count).toBe(2);
    engine.handleFrame({ type: "message_deleted", channel_id: "c1", seq: 13, message_id: "m11", user_id: "bob" } as ServerFrame);
    expect(timeline.find("m5")!.reply_count).toBe(1);
    // The same event again (a replay): no drift.
    engine.handleFrame({ type: "message_deleted", channel_id: "c1", seq: 13, message_id: "m11", user_id: "bob" } as ServerFrame);
    expect(timeline.find("m5")!.reply_count).toBe(1);
    // A reply the server already sent as a tombstone is not counted down again.
    timeline.mergeLatest([message(5, { reply_count: 1 }), message(11, { thread_root: 5, deleted: true, body: "" })], false);
    engine.handleFrame({ type: "message_deleted", channel_id: "c1", seq: 13, message_id: "m11", user_id: "bob" } as ServerFrame);
    expect(timeline.find("m5")!.reply_count).toBe(1);
  });

  it("a read frame for a thread does not move the channel's own read marker", () => {
    const { store, engine } = setup();
    store.channels.set("c1", { ...store.channels.get("c1")!, last_seq: 20, last_read_seq: 10, unread: 3 });
    engine.handleFrame({ type: "read", channel_id: "c1", seq: 18, thread_root: 5 });
    expect(store.channels.get("c1")).toMatchObject({ last_read_seq: 10, unread: 3 });
    engine.handleFrame({ type: "read", channel_id: "c1", seq: 18 });
    expect(store.channels.get("c1")!.last_read_seq).toBe(18);
  });

  it("opening a thread rereads the root, loads the replies and marks the thread read on the socket", async () => {
    const { store, engine, api, sent } = setup();
    store.followedThreads = [{ channel_id: "c1", root: message(5), last_read_seq: 5, unread_replies: 2 }];
    engine.openThread("c1", 5);
    await vi.waitFor(() => expect(sent.some((f) => f.type === "read")).toBe(true));
    expect(api.thread).toHaveBeenCalledWith("c1", 5, 0);
    expect(store.timeline("c1").find("m5")!.reply_count).toBe(2);
    expect(sent.find((f) => f.type === "read")).toEqual({ type: "read", channel_id: "c1", seq: 7, thread_root: 5 });
    expect(store.followedThreads[0]!.unread_replies).toBe(0);
    expect(store.channels.get("c1")!.last_read_seq).toBe(10);
  });
});

describe("marking a thread's reply unread", () => {
  /** A thread 5 with replies 6 (bob), 7 (ann), 8 (me) and 9 (bob), read to its end and open. */
  function setupRead() {
    vi.useFakeTimers();
    const env = setup();
    const replies = [message(6, { thread_root: 5 }), message(7, { thread_root: 5, author_id: "ann" }), message(8, { thread_root: 5, author_id: "me" }), message(9, { thread_root: 5 })];
    env.store.timeline("c1").merge([message(5), ...replies]);
    env.store.followedThreads = [{ channel_id: "c1", root: message(5), last_read_seq: 9, unread_replies: 0 }];
    env.store.openThread = { channelId: "c1", rootSeq: 5 };
    const markThreadUnread = vi.fn(async (_channelId: string, _rootSeq: number, seq: number) => ({ last_read_seq: seq - 1 }));
    const threads = vi.fn(async () => ({ threads: [{ channel_id: "c1", root: message(5), last_read_seq: 6, unread_replies: 2 }], has_more: false }));
    Object.assign(env.api, { markThreadUnread, threads });
    return { ...env, markThreadUnread, threads };
  }

  it("moves the thread's marker back from the answer, counts others' replies after it, and leaves the channel's marker alone", async () => {
    try {
      const { store, engine, markThreadUnread, threads } = setupRead();
      await engine.markThreadUnread("c1", 5, 7);
      expect(markThreadUnread).toHaveBeenCalledWith("c1", 5, 7);
      // 7 (ann) and 9 (bob) are unread again; 8 is mine.
      expect(store.followedThreads[0]).toMatchObject({ last_read_seq: 6, unread_replies: 2 });
      expect(store.channels.get("c1")).toMatchObject({ last_read_seq: 10, unread: 0 });
      // The server follows the thread now: the list is fetched again, once.
      await vi.advanceTimersByTimeAsync(1_000);
      expect(threads).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the open thread unread (a new reply there counts), until it is opened again", async () => {
    try {
      const { store, engine, sent } = setupRead();
      await engine.markThreadUnread("c1", 5, 7);
      // The same marker again in the read frame every socket gets: nothing more changes.
      engine.handleFrame({ type: "read", channel_id: "c1", seq: 6, thread_root: 5 });
      expect(store.followedThreads[0]).toMatchObject({ last_read_seq: 6, unread_replies: 2 });
      engine.markThreadRead("c1", 5);
      engine.handleFrame(posted(11, { thread_root: 5, author_id: "ann" }));
      expect(sent.filter((f) => f.type === "read")).toEqual([]);
      expect(store.followedThreads[0]!.unread_replies).toBe(3);
      // Opening it again reads it to its end.
      engine.openThread("c1", 5);
      await vi.waitFor(() => expect(sent.some((f) => f.type === "read")).toBe(true));
      expect(store.followedThreads[0]).toMatchObject({ last_read_seq: 11, unread_replies: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("follows another tab's mark unread (a thread's read frame moving back), but not a read of its own moving back", async () => {
    try {
      const { store, engine, threads, sent } = setupRead();
      engine.handleFrame({ type: "read", channel_id: "c1", seq: 8, thread_root: 5 });
      expect(store.followedThreads[0]).toMatchObject({ last_read_seq: 8, unread_replies: 1 });
      // The thread is open here: it is not read again just by being on screen.
      engine.markThreadRead("c1", 5);
      expect(sent.filter((f) => f.type === "read")).toEqual([]);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(threads).toHaveBeenCalledTimes(1);
      expect(store.followedThreads[0]).toMatchObject({ last_read_seq: 6, unread_replies: 2 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("adds a thread the list does not have yet, and undoes nothing when the server refuses", async () => {
    try {
      const { store, engine, threads, markThreadUnread } = setupRead();
      store.followedThreads = [];
      await engine.markThreadUnread("c1", 5, 7);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(threads).toHaveBeenCalledTimes(1);
      expect(store.followedThreads.map((t) => [t.root.seq, t.unread_replies])).toEqual([[5, 2]]);

      markThreadUnread.mockRejectedValueOnce(new ApiError(404, "not_found", "no thread at seq 5"));
      store.followedThreads = [{ channel_id: "c1", root: message(5), last_read_seq: 9, unread_replies: 0 }];
      engine.openThread("c1", 5);
      await engine.markThreadUnread("c1", 5, 7);
      expect(store.toast).toMatchObject({ code: "not_found", about: "message" });
      expect(store.followedThreads[0]).toMatchObject({ last_read_seq: 9, unread_replies: 0 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the threads view gains new threads live", () => {
  /** The engine with `threads()` answering the followed threads, and fake timers. */
  function setupWithThreads() {
    vi.useFakeTimers();
    const env = setup();
    const threads = vi.fn(async () => ({ threads: [{ channel_id: "c1", root: message(5, { author_id: "me" }), last_read_seq: 5, unread_replies: 1 }], has_more: false }));
    (env.api as unknown as { threads: typeof threads }).threads = threads;
    return { ...env, threads };
  }
  const flush = async () => {
    await vi.advanceTimersByTimeAsync(1_000);
  };

  it("refetches the list, once for a burst, when someone replies to my message in a thread it does not list", async () => {
    try {
      const { store, engine, threads } = setupWithThreads();
      store.timeline("c1").mergeLatest([message(5, { author_id: "me" })], false);
      engine.handleFrame(posted(11, { thread_root: 5, author_id: "ann" }));
      engine.handleFrame(posted(12, { thread_root: 5, author_id: "bob" }));
      expect(threads).not.toHaveBeenCalled();
      await flush();
      expect(threads).toHaveBeenCalledTimes(1);
      expect(store.followedThreads.map((t) => t.root.seq)).toEqual([5]);
      // Listed now: more replies there only move its counters.
      engine.handleFrame(posted(13, { thread_root: 5, author_id: "ann" }));
      await flush();
      expect(threads).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("also for my own reply and a reply mentioning me, not for others' threads that do not", async () => {
    try {
      const { store, engine, threads } = setupWithThreads();
      store.timeline("c1").mergeLatest([message(5), message(6)], false);
      engine.handleFrame(posted(11, { thread_root: 6, author_id: "ann" }));
      await flush();
      expect(threads).not.toHaveBeenCalled();
      engine.handleFrame(posted(12, { thread_root: 6, author_id: "ann", mentions: ["me"] }));
      await flush();
      expect(threads).toHaveBeenCalledTimes(1);
      store.followedThreads = [];
      engine.handleFrame(posted(13, { thread_root: 6, author_id: "me" }));
      await flush();
      expect(threads).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("for a reply to a root not loaded here only while the threads view is on screen", async () => {
    try {
      const { store, engine, threads } = setupWithThreads();
      engine.handleFrame(posted(11, { thread_root: 3, author_id: "ann" }));
      await flush();
      expect(threads).not.toHaveBeenCalled();
      store.view = "threads";
      engine.handleFrame(posted(12, { thread_root: 3, author_id: "ann" }));
      await flush();
      expect(threads).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("finds a loaded message by its seq", () => {
    const timeline = new Timeline("c1");
    timeline.mergeLatest([message(2), message(4)], false);
    expect(timeline.findBySeq(4)?.id).toBe("m4");
    expect(timeline.findBySeq(3)).toBeUndefined();
  });
});

describe("initials", () => {
  it("skip words that do not start with a letter", () => {
    expect(initials("Xavier Pujol (Alcaldia)")).toBe("XP");
    expect(initials("Anna")).toBe("A");
    expect(initials("(bot)")).toBe("(");
  });
});

describe("pins", () => {
  it("apply pin events to every copy of the message, never undone by an older one", () => {
    const timeline = new Timeline("c1");
    timeline.mergeLatest([message(1)], false);
    expect(timeline.pin("m1", true, 5)).toBe(true);
    expect(timeline.find("m1")!.pinned).toBe(true);
    expect(timeline.pin("m1", false, 4)).toBe(false);
    // A history copy from before the pin still shows it pinned.
    timeline.merge([message(1, { pinned: false })]);
    expect(timeline.find("m1")!.pinned).toBe(true);
    timeline.pin("m1", false, 6);
    expect(timeline.find("m1")!.pinned).toBe(false);
  });
});
