import { describe, expect, it } from "vitest";
import { ChatStore } from "../../src/store/chat";
import { isEmpty, parseSaved, restore, snapshot } from "../../src/store/persist";

const pending = { clientMsgId: "u1", channelId: "c1", body: "hola", createdAt: "2026-01-01T10:00:00Z", state: "pending", sentOnce: true };

describe("outbox persistence", () => {
  it("round-trips pending messages and drafts, and nothing else", () => {
    const store = new ChatStore();
    store.me = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
    store.timeline("c1").addPending({ clientMsgId: "u1", channelId: "c1", authorId: "me", body: "hola", createdAt: "2026-01-01T10:00:00Z" });
    store.timeline("c1").addPending({ clientMsgId: "u2", channelId: "c1", authorId: "me", body: "massa", createdAt: "2026-01-01T10:00:01Z" });
    store.timeline("c1").fail("u2", "too_large");
    store.timeline("c1").addNote({ id: "n", text: "ephemeral", createdAt: "2026-01-01T10:00:00Z" });
    store.drafts.set("c2", "esborrany");
    store.drafts.set("c3", "   ");
    const saved = parseSaved(JSON.stringify(snapshot(store)));
    expect(saved.pending.map((p) => [p.clientMsgId, p.state, p.error])).toEqual([
      ["u1", "pending", undefined],
      ["u2", "failed", "too_large"],
    ]);
    expect(saved.drafts).toEqual({ c2: "esborrany" });
    expect(JSON.stringify(saved)).not.toContain("ephemeral");

    const fresh = new ChatStore();
    const restored = restore(fresh, saved, "me");
    expect(restored).toHaveLength(2);
    expect(fresh.timeline("c1").pending.map((p) => [p.clientMsgId, p.body, p.state, p.authorId])).toEqual([
      ["u1", "hola", "pending", "me"],
      ["u2", "massa", "failed", "me"],
    ]);
    expect(fresh.drafts.get("c2")).toBe("esborrany");
    // Restoring twice adds nothing.
    expect(restore(fresh, saved, "me")).toHaveLength(0);
  });

  it("keeps a pending thread reply in its thread across a reload", () => {
    const store = new ChatStore();
    store.me = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
    store.timeline("c1").addPending({ clientMsgId: "r1", channelId: "c1", authorId: "me", body: "resposta", createdAt: "2026-01-01T10:00:00Z", threadRoot: 7, alsoInChannel: true });
    store.timeline("c1").addPending({ clientMsgId: "r2", channelId: "c1", authorId: "me", body: "només al fil", createdAt: "2026-01-01T10:00:01Z", threadRoot: 7 });
    const saved = parseSaved(JSON.stringify(snapshot(store)));
    const fresh = new ChatStore();
    restore(fresh, saved, "me");
    expect(fresh.timeline("c1").pending.map((p) => [p.clientMsgId, p.threadRoot, p.alsoInChannel])).toEqual([
      ["r1", 7, true],
      ["r2", 7, undefined],
    ]);
    // A stored root that is not a seq is dropped, not sent.
    const hostile = parseSaved(JSON.stringify({ v: 1, pending: [{ ...pending, threadRoot: "7; drop" }], drafts: {} }));
    expect(hostile.pending[0]?.threadRoot).toBeUndefined();
  });

  it("drops malformed or hostile stored data instead of failing", () => {
    for (const text of [null, "", "{", "[]", "null", '{"v":2,"pending":[]}', '{"v":1,"pending":"x","drafts":[]}']) {
      expect(isEmpty(parseSaved(text)), String(text)).toBe(true);
    }
    const saved = parseSaved(
      JSON.stringify({
        v: 1,
        pending: [pending, pending, { ...pending, clientMsgId: "u3", body: "  " }, { ...pending, clientMsgId: "u4", createdAt: "never" }, { ...pending, clientMsgId: 5 }, "junk"],
        drafts: { c1: "ok", c2: 7, c3: "" },
      }),
    );
    expect(saved.pending.map((p) => p.clientMsgId)).toEqual(["u1"]);
    expect(saved.drafts).toEqual({ c1: "ok" });
  });

  it("does not restore a message the server already confirmed", () => {
    const store = new ChatStore();
    store.timeline("c1").merge([
      { id: "m1", channel_id: "c1", seq: 1, author_id: "me", body: "hola", created_at: "2026-01-01T10:00:00Z", client_msg_id: "u1", thread_root: null, edited_at: null, deleted: false },
    ]);
    expect(restore(store, parseSaved(JSON.stringify({ v: 1, pending: [pending], drafts: {} })), "me")).toHaveLength(0);
  });
});
