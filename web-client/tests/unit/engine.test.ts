import { describe, expect, it, vi } from "vitest";
import type { Api } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, EventPage, Message, ServerFrame, User } from "../../src/protocol";
import { ChatStore } from "../../src/store/chat";
import { SyncEngine } from "../../src/sync/engine";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const channel = (extra: Partial<Channel> = {}): Channel => ({
  id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 10,
  member_count: 2, joined: true, last_read_seq: 8, unread: 2, mention_count: 0, purpose: "", archived: false, muted: false, ...extra,
});
const message = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`, channel_id: "c1", seq, author_id: "bob", body: `m${seq}`, created_at: new Date().toISOString(),
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
});
const frame = (seq: number, extra: Partial<Message> = {}): ServerFrame => ({ type: "message", channel_id: "c1", seq, message: message(seq, extra) });
const ready = (channels: Channel[]): ServerFrame => ({ type: "ready", session_id: "s", user: me, channels, online_user_ids: ["bob"] });

function setup(pages: EventPage[] = []) {
  const store = new ChatStore();
  const events = vi.fn(async () => pages.shift() ?? { events: [], has_more: false });
  const api = {
    users: async () => [],
    departments: async () => [],
    user: async (id: string) => ({ ...me, id, username: id }),
    saved: async () => ({ saved: [] }),
    events,
  } as unknown as Api;
  const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
  const notified: Message[] = [];
  const engine = new SyncEngine(store, api, auth, { incoming: (_c, m) => notified.push(m) }, () => undefined);
  return { store, engine, events, notified };
}

describe("SyncEngine", () => {
  it("tells frame listeners about each frame after applying it, until they unsubscribe", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready([channel()]));
    const seen: number[] = [];
    const off = engine.onFrame((f) => {
      if (f.type === "message") seen.push(store.channels.get("c1")!.last_seq);
    });
    engine.handleFrame(frame(11));
    off();
    engine.handleFrame(frame(12));
    expect(seen).toEqual([11]);
  });

  it("starts each channel's stream at `ready` and counts live messages as unread once", () => {
    const { store, engine, notified } = setup();
    engine.handleFrame(ready([channel()]));
    expect(store.timeline("c1").resumeSeq).toBe(10);
    expect(store.presence.get("bob")).toBe("online");
    engine.handleFrame(frame(11));
    engine.handleFrame(frame(11));
    expect(store.channels.get("c1")!.unread).toBe(3);
    expect(store.channels.get("c1")!.last_seq).toBe(11);
    expect(notified).toHaveLength(1);
  });

  it("does not count replayed messages again: the server's unread already has them", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready([channel({ last_seq: 5, unread: 0, last_read_seq: 5 })]));
    // Later, a reconnect resumes from 5 while three messages were missed.
    (engine as unknown as { resumePoints(): Record<string, number> }).resumePoints();
    engine.handleFrame(ready([channel({ last_seq: 8, unread: 3, last_read_seq: 5 })]));
    for (const seq of [6, 7, 8]) engine.handleFrame(frame(seq));
    expect(store.channels.get("c1")!.unread).toBe(3);
    expect(store.timeline("c1").confirmed.map((m) => m.seq)).toEqual([6, 7, 8]);
    expect(store.timeline("c1").resumeSeq).toBe(8);
  });

  it("follows resync over REST page by page, deduplicating against live frames", async () => {
    const pages: EventPage[] = [
      { events: [frame(11), frame(12)], has_more: true },
      { events: [frame(13), frame(14)], has_more: false },
    ];
    const { store, engine, events } = setup(pages);
    engine.handleFrame(ready([channel()]));
    engine.handleFrame({ type: "resync", channel_id: "c1", from_seq: 11 });
    engine.handleFrame(frame(14)); // live, overtaking the resync
    await vi.waitFor(() => expect(store.timeline("c1").resumeSeq).toBe(14));
    expect(events.mock.calls.map((c) => (c as unknown[])[1])).toEqual([10, 12]);
    expect(store.timeline("c1").confirmed.map((m) => m.seq)).toEqual([11, 12, 13, 14]);
  });

  it("routes ack and error frames to the pending message by its client_msg_id", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready([channel()]));
    engine.send("c1", "first");
    engine.send("c1", "second");
    const [a, b] = store.timeline("c1").pending.map((p) => p.clientMsgId);
    engine.handleFrame({ type: "ack", ref: a!, channel_id: "c1", seq: 11, message_id: "x11" });
    engine.handleFrame({ type: "error", ref: b!, code: "too_large", message: "too big" });
    const entries = store.timeline("c1").entries();
    expect(entries.map((e) => (e.kind === "message" ? [e.message.body, e.delivery] : []))).toEqual([
      ["first", "sent"],
      ["second", "failed"],
    ]);
    // The message frame of the acked one replaces it; no duplicate.
    engine.handleFrame(frame(11, { author_id: "me", body: "first", client_msg_id: a! }));
    expect(store.timeline("c1").confirmed).toHaveLength(1);
    // A transient refusal keeps the message pending for an automatic retry.
    engine.retry("c1", b!);
    engine.handleFrame({ type: "error", ref: b!, code: "rate_limited", message: "slow down" });
    expect(store.timeline("c1").pending[0]!.state).toBe("pending");
  });

  it("a read marker from another device clears the unread count", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready([channel()]));
    engine.handleFrame({ type: "read", channel_id: "c1", seq: 10 });
    expect(store.channels.get("c1")).toMatchObject({ last_read_seq: 10, unread: 0 });
  });

  it("forgets channels removed while offline and adds new ones from `channel` frames", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready([channel(), channel({ id: "c2", name: "old" })]));
    engine.handleFrame(ready([channel()]));
    expect([...store.channels.keys()]).toEqual(["c1"]);
    engine.handleFrame({ type: "channel", channel: channel({ id: "c3", name: "new", last_seq: 4 }) });
    expect(store.timeline("c3").resumeSeq).toBe(4);
    engine.handleFrame({ type: "channel_removed", channel_id: "c3" });
    expect(store.channels.has("c3")).toBe(false);
  });
});
