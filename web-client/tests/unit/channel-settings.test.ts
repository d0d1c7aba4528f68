// Channel changes in the engine: channel_updated applied live and counted for resume, and a
// muted channel that never notifies.
import { describe, expect, it } from "vitest";
import type { Api } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, Message, User } from "../../src/protocol";
import { ChatStore } from "../../src/store/chat";
import { SyncEngine } from "../../src/sync/engine";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const channel = (extra: Partial<Channel> = {}): Channel => ({
  id: "c1", name: "general", kind: "direct", department_id: null, topic: "", last_seq: 10, member_count: 2, joined: true,
  last_read_seq: 10, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false, ...extra,
});
const message = (seq: number): Message => ({
  id: `m${seq}`, channel_id: "c1", seq, author_id: "bob", body: "hola", created_at: new Date().toISOString(),
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false,
});

function setup(extra: Partial<Channel> = {}) {
  const store = new ChatStore();
  const api = { users: async () => [], departments: async () => [], user: async () => me, messages: async () => ({ messages: [], has_more: false }), saved: async () => ({ saved: [] }) };
  const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
  const notified: Message[] = [];
  const engine = new SyncEngine(store, api as unknown as Api, auth, { incoming: (_c, m) => notified.push(m) }, () => undefined);
  (engine as unknown as { socket: unknown }).socket = { send: () => true, isReady: () => true, start() {}, stop() {}, announcedLanguage: () => "ca" };
  engine.handleFrame({ type: "ready", session_id: "s", user: me, channels: [channel(extra)], online_user_ids: [] });
  return { store, engine, notified };
}

describe("channel changes", () => {
  it("apply channel_updated live and count its seq for the resume point", () => {
    const { store, engine } = setup();
    engine.handleFrame({ type: "channel_updated", channel_id: "c1", seq: 11, user_id: "bob", name: "obres", topic: "Plaça", purpose: "Seguiment", archived: true });
    expect(store.channels.get("c1")).toMatchObject({ name: "obres", topic: "Plaça", purpose: "Seguiment", archived: true, last_seq: 11 });
    expect(store.timeline("c1").resumeSeq).toBe(11);
  });

  it("a muted channel does not notify; an unmuted one does", () => {
    const muted = setup({ muted: true });
    muted.engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: message(11) });
    expect(muted.notified).toHaveLength(0);
    const loud = setup();
    loud.engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: message(11) });
    expect(loud.notified).toHaveLength(1);
  });
});
