// The sync engine's handling of reactions, deletions and edits: frames applied once, live, on
// resume and from /events; every kind of event moves the channel's resume point; the user's
// own reactions, deletes and edits go to the server the right way.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError, type Api } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, ClientFrame, EventPage, Message, ServerFrame, User } from "../../src/protocol";
import { ChatStore } from "../../src/store/chat";
import { EDIT_ANSWER_MS, SyncEngine } from "../../src/sync/engine";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const channel = (extra: Partial<Channel> = {}): Channel => ({
  id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 10,
  member_count: 2, joined: true, last_read_seq: 10, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false, ...extra,
});
const message = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`, channel_id: "c1", seq, author_id: "bob", body: `m${seq}`, created_at: new Date().toISOString(),
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
});
const ready = (channels: Channel[] = [channel()]): ServerFrame => ({ type: "ready", session_id: "s", user: me, channels, online_user_ids: [] });
const posted = (seq: number, extra: Partial<Message> = {}): ServerFrame => ({ type: "message", channel_id: "c1", seq, message: message(seq, extra) });
const reaction = (seq: number, on: boolean, messageId: string, userId: string, emoji = "👍"): ServerFrame => ({
  type: on ? "reaction_added" : "reaction_removed", channel_id: "c1", seq, message_id: messageId, user_id: userId, emoji,
});
const deletion = (seq: number, messageId: string): ServerFrame => ({ type: "message_deleted", channel_id: "c1", seq, message_id: messageId, user_id: "bob" });

function setup(options: { pages?: EventPage[]; socketReady?: boolean } = {}) {
  const store = new ChatStore();
  const pages = options.pages ?? [];
  const api = {
    users: async () => [],
    departments: async () => [],
    user: async (id: string) => ({ ...me, id, username: id }),
    events: vi.fn(async () => pages.shift() ?? { events: [], has_more: false }),
    messages: async () => ({ messages: [], has_more: false }),
    saved: async () => ({ saved: [] }),
    react: vi.fn(async () => undefined),
    deleteMessage: vi.fn(async () => undefined),
    editMessage: vi.fn(async () => message(11)),
  };
  const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
  const notified: Message[] = [];
  const engine = new SyncEngine(store, api as unknown as Api, auth, { incoming: (_c, m) => notified.push(m) }, () => undefined);
  const sent: ClientFrame[] = [];
  const socket = {
    ready: options.socketReady ?? true,
    send(frame: ClientFrame) {
      if (!this.ready) return false;
      sent.push(frame);
      return true;
    },
    isReady() {
      return this.ready;
    },
    start: () => undefined,
    stop: () => undefined,
    reconnectNow: () => undefined,
    reconnectQuietly: () => undefined,
    announcedLanguage: () => "ca",
  };
  (engine as unknown as { socket: typeof socket }).socket = socket;
  const edits = () => sent.filter((f): f is Extract<ClientFrame, { type: "edit" }> => f.type === "edit");
  return { store, engine, api, sent, edits, notified, socket };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("reaction frames", () => {
  it("apply live, count for the resume point and last_seq, and add nothing to unread", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11));
    engine.handleFrame(reaction(12, true, "m11", "anna"));
    engine.handleFrame(reaction(13, true, "m11", "joan"));
    const timeline = store.timeline("c1");
    expect(timeline.find("m11")!.reactions).toEqual([{ emoji: "👍", count: 2, user_ids: ["anna", "joan"] }]);
    expect(timeline.resumeSeq).toBe(13);
    expect(store.channels.get("c1")).toMatchObject({ last_seq: 13, unread: 1 });
  });

  it("are idempotent: the same reaction replayed on resume is not counted twice", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11));
    engine.handleFrame(reaction(12, true, "m11", "anna"));
    // The socket dropped; the resume replays from an older frontier.
    engine.handleFrame(posted(11));
    engine.handleFrame(reaction(12, true, "m11", "anna"));
    expect(store.timeline("c1").find("m11")!.reactions).toEqual([{ emoji: "👍", count: 1, user_ids: ["anna"] }]);
  });

  it("removing the last one drops the chip", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { reactions: [{ emoji: "🎉", count: 1, user_ids: ["anna"] }] }));
    engine.handleFrame(reaction(12, false, "m11", "anna", "🎉"));
    expect(store.timeline("c1").find("m11")!.reactions).toBeUndefined();
    expect(store.timeline("c1").resumeSeq).toBe(12);
  });

  it("still move the resume point when their message is not loaded", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(reaction(11, true, "m3", "anna"));
    engine.handleFrame(deletion(12, "m4"));
    expect(store.timeline("c1").resumeSeq).toBe(12);
    expect(store.channels.get("c1")!.last_seq).toBe(12);
  });
});

describe("channel events this client does not show", () => {
  it("still count for the resume point, so later events are not held behind them", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11));
    engine.handleFrame({ type: "message_pinned", channel_id: "c1", seq: 12, message_id: "m11", user_id: "bob" } as unknown as ServerFrame);
    engine.handleFrame({ type: "some_future_event", channel_id: "c1", seq: 13 } as unknown as ServerFrame);
    engine.handleFrame(reaction(14, true, "m11", "anna"));
    expect(store.timeline("c1").resumeSeq).toBe(14);
    expect(store.channels.get("c1")!.last_seq).toBe(14);
  });
});

describe("message_deleted", () => {
  it("shows a tombstone in the message's place, and counts its seq", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11));
    engine.handleFrame(posted(12));
    engine.handleFrame(reaction(13, true, "m11", "anna"));
    engine.handleFrame(deletion(14, "m11"));
    const timeline = store.timeline("c1");
    expect(timeline.confirmed.map((m) => [m.seq, m.deleted, m.body])).toEqual([
      [11, true, ""],
      [12, false, "m12"],
    ]);
    expect(timeline.find("m11")!.reactions).toBeUndefined();
    expect(timeline.resumeSeq).toBe(14);
  });

  it("does not notify about a message that arrives already deleted (a replay after a long absence)", () => {
    const { engine, notified } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { deleted: true, body: "" }));
    engine.handleFrame(posted(12));
    expect(notified.map((m) => m.id)).toEqual(["m12"]);
  });
});

describe("after a resync", () => {
  it("applies every kind of event from /events once, in order, with live frames overtaking", async () => {
    const edited = message(11, { body: "editat", edited_at: "2026-01-01T10:00:00Z" });
    const pages: EventPage[] = [
      { events: [posted(11), posted(12), reaction(13, true, "m11", "anna")], has_more: true },
      {
        events: [
          { type: "message_updated", channel_id: "c1", seq: 14, message: edited },
          reaction(15, true, "m11", "joan"),
          reaction(16, false, "m11", "anna"),
          deletion(17, "m12"),
        ],
        has_more: false,
      },
    ];
    const { store, engine, api } = setup({ pages });
    engine.handleFrame(ready());
    engine.handleFrame({ type: "resync", channel_id: "c1", from_seq: 11 });
    // A live frame after the resync point arrives while the pages are fetched.
    engine.handleFrame(reaction(18, true, "m11", "pere", "🎉"));
    await vi.waitFor(() => expect(store.timeline("c1").resumeSeq).toBe(18));
    expect(api.events.mock.calls.map((c) => (c as unknown[])[1])).toEqual([10, 13]);
    const timeline = store.timeline("c1");
    expect(timeline.find("m11")).toMatchObject({ body: "editat", reactions: [{ emoji: "👍", count: 1, user_ids: ["joan"] }, { emoji: "🎉", count: 1, user_ids: ["pere"] }] });
    expect(timeline.find("m12")).toMatchObject({ deleted: true, body: "" });
    // The same pages again (a second resync) change nothing.
    pages.push(
      { events: [posted(11), posted(12), reaction(13, true, "m11", "anna")], has_more: true },
      { events: [reaction(15, true, "m11", "joan"), reaction(16, false, "m11", "anna"), deletion(17, "m12")], has_more: false },
    );
    engine.handleFrame({ type: "resync", channel_id: "c1", from_seq: 11 });
    await vi.waitFor(() => expect(api.events).toHaveBeenCalledTimes(4));
    expect(timeline.find("m11")!.reactions).toEqual([{ emoji: "👍", count: 1, user_ids: ["joan"] }, { emoji: "🎉", count: 1, user_ids: ["pere"] }]);
  });
});

describe("the user's reactions", () => {
  it("PUTs an emoji the user has not reacted with, and DELETEs one they have", async () => {
    const { engine, api } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { reactions: [{ emoji: "❤️", count: 1, user_ids: ["me"] }] }));
    await engine.toggleReaction("c1", "m11", "👍");
    // The quick reaction "❤️" matches the chip however the selector is written; its name is the server's.
    await engine.toggleReaction("c1", "m11", "❤");
    expect(api.react.mock.calls).toEqual([
      ["c1", "m11", "👍", true],
      ["c1", "m11", "❤️", false],
    ]);
  });

  it("ignores a second click while the first is on its way, and shows a refusal as a toast", async () => {
    const { store, engine, api } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11));
    let answer: () => void = () => undefined;
    api.react.mockImplementationOnce(() => new Promise<undefined>((ok) => (answer = () => ok(undefined))));
    const first = engine.toggleReaction("c1", "m11", "👍");
    await engine.toggleReaction("c1", "m11", "👍");
    answer();
    await first;
    expect(api.react).toHaveBeenCalledTimes(1);
    api.react.mockRejectedValueOnce(new ApiError(404, "not_found", "the message was deleted"));
    await engine.toggleReaction("c1", "m11", "🎉");
    expect(store.toast).toMatchObject({ code: "not_found", about: "message" });
  });

  it("does nothing on a tombstone", async () => {
    const { engine, api } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { deleted: true, body: "" }));
    await engine.toggleReaction("c1", "m11", "👍");
    expect(api.react).not.toHaveBeenCalled();
  });
});

describe("deleting", () => {
  it("shows the tombstone as soon as the server answers, and the frame that follows changes nothing", async () => {
    const { store, engine, api } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { author_id: "me" }));
    await engine.deleteMessage("c1", "m11");
    expect(api.deleteMessage).toHaveBeenCalledWith("c1", "m11");
    expect(store.timeline("c1").find("m11")!.deleted).toBe(true);
    engine.handleFrame(deletion(12, "m11"));
    expect(store.timeline("c1").find("m11")!.deleted).toBe(true);
    expect(store.timeline("c1").resumeSeq).toBe(12);
  });

  it("passes the refusal on, leaving the message as it was", async () => {
    const { store, engine, api } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11));
    api.deleteMessage.mockRejectedValueOnce(new ApiError(403, "forbidden", "no"));
    await expect(engine.deleteMessage("c1", "m11")).rejects.toMatchObject({ code: "forbidden" });
    expect(store.timeline("c1").find("m11")!.deleted).toBe(false);
  });
});

describe("editing", () => {
  it("sends an edit frame; its ack shows the new text at once and the message_updated frame confirms it", async () => {
    const { store, engine, edits } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { author_id: "me" }));
    const saved = engine.editMessage("c1", "m11", "corregit");
    const [frame] = edits();
    expect(frame).toMatchObject({ type: "edit", channel_id: "c1", message_id: "m11", body: "corregit" });
    engine.handleFrame({ type: "ack", ref: frame!.ref!, channel_id: "c1", seq: 12, message_id: "m11" });
    await saved;
    expect(store.timeline("c1").find("m11")!.body).toBe("corregit");
    engine.handleFrame({ type: "message_updated", channel_id: "c1", seq: 12, message: message(11, { author_id: "me", body: "corregit", edited_at: "2026-01-01T10:00:00Z" }) });
    expect(store.timeline("c1").find("m11")).toMatchObject({ body: "corregit", edited_at: "2026-01-01T10:00:00Z" });
    expect(store.timeline("c1").resumeSeq).toBe(12);
    // The ack was an edit's: no pending message was touched.
    expect(store.timeline("c1").pending).toHaveLength(0);
  });

  it("rejects with the error frame of the same ref", async () => {
    const { store, engine, edits } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { author_id: "me" }));
    const saved = engine.editMessage("c1", "m11", "x".repeat(20));
    engine.handleFrame({ type: "error", ref: edits()[0]!.ref!, code: "too_large", message: "too big" });
    await expect(saved).rejects.toMatchObject({ code: "too_large" });
    expect(store.timeline("c1").find("m11")!.body).toBe("m11");
  });

  it("goes over REST without a socket, and when the socket does not answer in time", async () => {
    const { store, engine, api, socket } = setup({ socketReady: false });
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { author_id: "me" }));
    await engine.editMessage("c1", "m11", "sense socket");
    expect(api.editMessage).toHaveBeenLastCalledWith("c1", "m11", "sense socket");
    expect(store.timeline("c1").find("m11")!.body).toBe("sense socket");

    socket.ready = true;
    const saved = engine.editMessage("c1", "m11", "sense resposta");
    await vi.advanceTimersByTimeAsync(EDIT_ANSWER_MS);
    await saved;
    expect(api.editMessage).toHaveBeenLastCalledWith("c1", "m11", "sense resposta");
    expect(api.editMessage).toHaveBeenCalledTimes(2);
  });

  it("sends an edit left unanswered by a dropped socket again over REST when the new one is ready", async () => {
    const { engine, api } = setup();
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { author_id: "me" }));
    const saved = engine.editMessage("c1", "m11", "després de reconnectar");
    engine.handleFrame(ready());
    await saved;
    expect(api.editMessage).toHaveBeenCalledWith("c1", "m11", "després de reconnectar");
  });

  it("a network failure of the REST edit rejects, for the editor to show", async () => {
    const { engine, api } = setup({ socketReady: false });
    engine.handleFrame(ready());
    engine.handleFrame(posted(11, { author_id: "me" }));
    api.editMessage.mockRejectedValueOnce(new NetworkError(new Error("offline")));
    await expect(engine.editMessage("c1", "m11", "x")).rejects.toBeInstanceOf(NetworkError);
  });
});
