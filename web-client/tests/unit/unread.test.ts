// The "new messages" divider and marking a channel unread.
import { describe, expect, it, vi } from "vitest";
import type { Api } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, Message, User } from "../../src/protocol";
import { DIVIDER_MARGIN_PX, buildRows, openingScrollTop } from "../../src/components/rows";
import type { TimelineEntry } from "../../src/store/timeline";
import { ChatStore } from "../../src/store/chat";
import { SyncEngine } from "../../src/sync/engine";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const message = (seq: number, author = "bob"): Message => ({
  id: `m${seq}`, channel_id: "c1", seq, author_id: author, body: `m${seq}`, created_at: "2026-12-06T09:00:00Z",
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false,
});
const entry = (m: Message): TimelineEntry => ({ kind: "message", key: `m:${m.seq}`, message: m, delivery: "sent" });

describe("the new messages divider", () => {
  it("goes before the first message after the marker that someone else wrote, once", () => {
    const rows = buildRows([entry(message(1)), entry(message(2, "me")), entry(message(3)), entry(message(4))], null, 1, "me");
    expect(rows.map((r) => (r.kind === "message" ? r.entry.message.seq : r.kind))).toEqual(["day", 1, 2, "unread", 3, 4]);
    expect(buildRows([entry(message(1))], null, null, "me").some((r) => r.kind === "unread")).toBe(false);
  });
});

describe("where a channel opens", () => {
  it("at its end when the divider is on screen there, or there is none", () => {
    // 2,000 px of rows in a 600 px list: the end shows 1,400-2,000.
    expect(openingScrollTop(1_700, 2_000, 600)).toBeNull();
    expect(openingScrollTop(null, 2_000, 600)).toBeNull();
    // A list shorter than the screen.
    expect(openingScrollTop(100, 400, 600)).toBeNull();
  });

  it("with the divider near the top when more unread messages than fit follow it", () => {
    expect(openingScrollTop(900, 2_000, 600)).toBe(900 - DIVIDER_MARGIN_PX);
    expect(openingScrollTop(0, 2_000, 600)).toBe(0);
  });
});

describe("mark unread", () => {
  const channel: Channel = {
    id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 4, member_count: 2, joined: true,
    last_read_seq: 4, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false,
  };
  function setup() {
    const store = new ChatStore();
    const api = {
      users: async () => [], departments: async () => [], user: async () => me, saved: async () => ({ saved: [] }),
      messages: async () => ({ messages: [], has_more: false }),
      markUnread: vi.fn(async () => ({ last_read_seq: 2 })),
    };
    const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
    const engine = new SyncEngine(store, api as unknown as Api, auth, { incoming: () => undefined }, () => undefined);
    const sent: unknown[] = [];
    (engine as unknown as { socket: unknown }).socket = { send: (f: unknown) => (sent.push(f), true), isReady: () => true, start() {}, stop() {}, announcedLanguage: () => "ca" };
    engine.handleFrame({ type: "ready", session_id: "s", user: me, channels: [channel], online_user_ids: [] });
    store.timeline("c1").mergeLatest([message(1), message(2), message(3), message(4)], false);
    return { store, engine, api, sent };
  }

  it("moves the marker back, counts the unread again, and does not read the open channel by itself", async () => {
    const { store, engine, api, sent } = setup();
    store.currentChannelId = "c1";
    await engine.markUnread("c1", 3);
    expect(api.markUnread).toHaveBeenCalledWith("c1", 3);
    expect(store.channels.get("c1")).toMatchObject({ last_read_seq: 2, unread: 2 });
    engine.markRead("c1");
    expect(sent).toHaveLength(0);
    // Opening it again reads it.
    engine.openChannel("c1");
    engine.markRead("c1");
    expect(store.channels.get("c1")).toMatchObject({ last_read_seq: 4, unread: 0 });
  });

  it("follows another tab's mark unread (a read frame moving back)", () => {
    const { store, engine } = setup();
    engine.handleFrame({ type: "read", channel_id: "c1", seq: 1 });
    expect(store.channels.get("c1")).toMatchObject({ last_read_seq: 1, unread: 3 });
  });
});
