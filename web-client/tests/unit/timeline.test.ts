import { describe, expect, it } from "vitest";
import type { Message } from "../../src/protocol";
import { Timeline } from "../../src/store/timeline";

const CH = "chan-1";
function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    channel_id: CH,
    seq,
    author_id: "bob",
    body: `message ${seq}`,
    created_at: new Date(Date.UTC(2026, 0, 1, 9, 0, seq)).toISOString(),
    client_msg_id: null,
    thread_root: null,
    edited_at: null,
    deleted: false,
    ...extra,
  };
}
const seqs = (t: Timeline) => t.confirmed.map((m) => m.seq);

describe("Timeline ordering and deduplication", () => {
  it("keeps messages ordered by seq whatever order they arrive in", () => {
    const t = new Timeline(CH);
    t.merge([msg(5), msg(2)]);
    t.merge([msg(9), msg(1)]);
    t.merge([msg(3)]);
    expect(seqs(t)).toEqual([1, 2, 3, 5, 9]);
  });

  it("applies the same message from live, replay and REST only once", () => {
    const t = new Timeline(CH);
    expect(t.merge([msg(1), msg(2)])).toHaveLength(2);
    expect(t.merge([msg(2), msg(3)]).map((m) => m.seq)).toEqual([3]);
    t.mergeLatest([msg(1), msg(2), msg(3)], false);
    expect(seqs(t)).toEqual([1, 2, 3]);
  });

  it("merges an older history page in front of live messages", () => {
    const t = new Timeline(CH);
    t.merge([msg(101), msg(102)]);
    t.mergeLatest([msg(60), msg(61), msg(101)], true);
    t.mergeOlder([msg(10), msg(11)], false);
    expect(seqs(t)).toEqual([10, 11, 60, 61, 101, 102]);
    expect(t.hasMoreBefore).toBe(false);
    expect(t.oldestSeq).toBe(10);
  });

  it("ignores messages of other channels", () => {
    const t = new Timeline(CH);
    t.merge([msg(1, { channel_id: "other" })]);
    expect(seqs(t)).toEqual([]);
  });
});

describe("Timeline event stream frontier (resume point)", () => {
  it("reports each event once and resumes from the contiguous frontier", () => {
    const t = new Timeline(CH);
    t.setBaseline(10);
    expect(t.noteEvent(11)).toBe(true);
    expect(t.noteEvent(11)).toBe(false);
    expect(t.noteEvent(10)).toBe(false);
    expect(t.resumeSeq).toBe(11);
    // Live events overtake a resync that is still being fetched: the gap is not skipped.
    expect(t.noteEvent(20)).toBe(true);
    expect(t.resumeSeq).toBe(11);
    for (let s = 12; s < 20; s++) t.noteEvent(s);
    expect(t.resumeSeq).toBe(20);
    expect(t.latestSeq).toBe(20);
  });

  it("never moves the baseline backwards", () => {
    const t = new Timeline(CH);
    t.setBaseline(5);
    t.setBaseline(3);
    expect(t.resumeSeq).toBe(5);
    expect(t.streamStarted).toBe(true);
  });
});

describe("Timeline pending, acked and failed messages", () => {
  const draft = { clientMsgId: "c1", channelId: CH, authorId: "me", body: "hola", createdAt: "2026-01-01T10:00:00Z" };

  it("shows a sent message at once as pending, after the confirmed ones", () => {
    const t = new Timeline(CH);
    t.merge([msg(1)]);
    t.addPending(draft);
    const entries = t.entries();
    expect(entries.map((e) => (e.kind === "message" ? e.delivery : e.kind))).toEqual(["sent", "pending"]);
  });

  it("puts an acked message in its seq place and replaces it with the server's copy", () => {
    const t = new Timeline(CH);
    t.merge([msg(1)]);
    t.addPending(draft);
    expect(t.ack("c1", 3, "srv-3")).toBe(true);
    expect(t.pending).toHaveLength(0);
    expect(seqs(t)).toEqual([1, 3]);
    // The message with seq 2 from someone else arrives after our ack: it goes before ours.
    t.merge([msg(2)]);
    t.merge([msg(3, { id: "srv-3", author_id: "me", body: "hola", client_msg_id: "c1", created_at: "2026-01-01T10:00:01Z" })]);
    expect(seqs(t)).toEqual([1, 2, 3]);
    expect(t.confirmed[2]!.created_at).toBe("2026-01-01T10:00:01Z");
  });

  it("drops the pending copy when the message frame arrives before (or without) the ack", () => {
    const t = new Timeline(CH);
    t.addPending(draft);
    t.merge([msg(7, { author_id: "me", client_msg_id: "c1" })]);
    expect(t.pending).toHaveLength(0);
    expect(seqs(t)).toEqual([7]);
    // A late ack for the same message changes nothing.
    t.ack("c1", 7, "m7");
    expect(seqs(t)).toEqual([7]);
  });

  it("does not drop a pending message because someone else used the same client id", () => {
    const t = new Timeline(CH);
    t.addPending(draft);
    t.merge([msg(4, { author_id: "mallory", client_msg_id: "c1" })]);
    expect(t.pending).toHaveLength(1);
  });

  it("marks a refused message failed, and retry makes it pending with the same id", () => {
    const t = new Timeline(CH);
    t.addPending(draft);
    t.markSent("c1", 1000);
    t.fail("c1", "too_large");
    expect(t.entries()[0]).toMatchObject({ delivery: "failed", error: "too_large" });
    const again = t.retry("c1");
    expect(again?.clientMsgId).toBe("c1");
    expect(again?.state).toBe("pending");
    expect(again?.lastSentAt).toBe(0);
    t.discard("c1");
    expect(t.entries()).toHaveLength(0);
  });

  it("marks every pending message unsent after a reconnect", () => {
    const t = new Timeline(CH);
    t.addPending(draft);
    t.addPending({ ...draft, clientMsgId: "c2" });
    t.markSent("c1", 5);
    t.markSent("c2", 6);
    t.markAllUnsent();
    expect(t.pending.map((p) => p.lastSentAt)).toEqual([0, 0]);
  });

  it("places ephemeral notes after the messages that existed when they arrived", () => {
    const t = new Timeline(CH);
    t.merge([msg(1)]);
    t.addNote({ id: "n1", text: "only you", createdAt: "2026-01-01T10:00:00Z" });
    t.merge([msg(2)]);
    expect(t.entries().map((e) => e.key)).toEqual(["m:1", "note:n1", "m:2"]);
  });

  it("bumps version on changes so views can memoize", () => {
    const t = new Timeline(CH);
    const v = t.version;
    t.merge([msg(1)]);
    expect(t.version).toBeGreaterThan(v);
    const entries = t.entries();
    expect(t.entries()).toBe(entries);
  });
});

describe("Timeline message_updated", () => {
  const extras = { actions: [{ id: "assign", label: "Assigna-me-la" }] };

  it("replaces the message with the same id in place: no new row, no reordering", () => {
    const t = new Timeline(CH);
    t.merge([msg(1), msg(2, { extras }), msg(3)]);
    const keys = t.entries().map((e) => e.key);
    expect(t.update(msg(2, { body: "assignada a Alícia", edited_at: "2026-01-01T10:00:00Z" }), 4)).toBe(true);
    expect(t.entries().map((e) => e.key)).toEqual(keys);
    expect(t.confirmed.map((m) => m.body)).toEqual(["message 1", "assignada a Alícia", "message 3"]);
    expect(t.confirmed[1]!.extras).toBeUndefined();
  });

  it("finds the message by id even if the update carried another seq, and keeps its place", () => {
    const t = new Timeline(CH);
    t.merge([msg(1), msg(2)]);
    expect(t.update({ ...msg(2, { body: "nou" }), seq: 9 }, 10)).toBe(true);
    expect(seqs(t)).toEqual([1, 2]);
    expect(t.confirmed[1]!.body).toBe("nou");
  });

  it("ignores an update for a message not loaded (history will bring the new version)", () => {
    const t = new Timeline(CH);
    t.merge([msg(5)]);
    expect(t.update(msg(2, { body: "x" }), 6)).toBe(false);
    expect(t.update(msg(5, { channel_id: "other", body: "x" }), 6)).toBe(false);
    expect(seqs(t)).toEqual([5]);
    expect(t.confirmed[0]!.body).toBe("message 5");
  });

  it("keeps the newest version: older updates and replayed or stale copies do not win", () => {
    const t = new Timeline(CH);
    t.merge([msg(2)]);
    t.update(msg(2, { body: "v2" }), 7);
    expect(t.update(msg(2, { body: "v1" }), 5)).toBe(false);
    // A replay of the original message frame, or a history page fetched before the update.
    t.merge([msg(2)]);
    t.mergeLatest([msg(2, { body: "stale" })], false);
    expect(t.confirmed[0]!.body).toBe("v2");
    t.update(msg(2, { body: "v3" }), 9);
    expect(t.confirmed[0]!.body).toBe("v3");
  });

  it("dismisses an ephemeral note", () => {
    const t = new Timeline(CH);
    t.addNote({ id: "n1", text: "x", createdAt: "2026-01-01T10:00:00Z" });
    t.dismissNote("n1");
    expect(t.entries()).toHaveLength(0);
  });
});
