// Reactions, deletions and edits in the timeline: applied once whatever the order and however
// often they arrive (live, replayed on resume, from /events after a resync), and never undone
// by an older copy of the message merged later.
import { describe, expect, it } from "vitest";
import type { Message, Reaction } from "../../src/protocol";
import { findReaction, hasReacted, sameEmoji, withReaction } from "../../src/store/reactions";
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
const chips = (message: Message | undefined) => (message?.reactions ?? []).map((r) => `${r.emoji}${r.count}:${r.user_ids.join("+")}`);

describe("reaction lists", () => {
  const thumbs: Reaction[] = [{ emoji: "👍", count: 2, user_ids: ["anna", "joan"] }];

  it("adds a person once, in order, and a new emoji at the end", () => {
    expect(withReaction(undefined, "👍", "anna", true)).toEqual([{ emoji: "👍", count: 1, user_ids: ["anna"] }]);
    expect(withReaction(thumbs, "👍", "anna", true)).toBe(thumbs);
    expect(withReaction(thumbs, "👍", "pere", true)).toEqual([{ emoji: "👍", count: 3, user_ids: ["anna", "joan", "pere"] }]);
    expect(withReaction(thumbs, "🎉", "pere", true)?.map((r) => r.emoji)).toEqual(["👍", "🎉"]);
  });

  it("removes a person, drops the chip at zero, and leaves the field out when none remain", () => {
    expect(withReaction(thumbs, "👍", "anna", false)).toEqual([{ emoji: "👍", count: 1, user_ids: ["joan"] }]);
    expect(withReaction(thumbs, "👍", "pere", false)).toBe(thumbs);
    expect(withReaction([{ emoji: "👍", count: 1, user_ids: ["anna"] }], "👍", "anna", false)).toBeUndefined();
    const two: Reaction[] = [...thumbs, { emoji: "🎉", count: 1, user_ids: ["anna"] }];
    expect(withReaction(two, "🎉", "anna", false)).toEqual(thumbs);
  });

  it("treats an emoji with and without its variation selector as one", () => {
    expect(sameEmoji("❤", "❤️")).toBe(true);
    expect(sameEmoji("👍", "👎")).toBe(false);
    const heart: Reaction[] = [{ emoji: "❤️", count: 1, user_ids: ["anna"] }];
    expect(findReaction(heart, "❤")?.emoji).toBe("❤️");
    expect(hasReacted(heart, "❤", "anna")).toBe(true);
    expect(withReaction(heart, "❤", "anna", true)).toBe(heart);
    expect(withReaction(heart, "❤", "anna", false)).toBeUndefined();
  });
});

describe("Timeline reactions", () => {
  it("applies reaction_added once, however often it arrives", () => {
    const t = new Timeline(CH);
    t.merge([msg(1)]);
    expect(t.react("m1", "👍", "anna", true, 2)).toBe(true);
    expect(t.react("m1", "👍", "anna", true, 2)).toBe(false); // replayed after a reconnect
    expect(t.react("m1", "👍", "joan", true, 3)).toBe(true);
    expect(chips(t.find("m1"))).toEqual(["👍2:anna+joan"]);
  });

  it("reaction_removed takes the person away and the chip at zero", () => {
    const t = new Timeline(CH);
    t.merge([msg(1, { reactions: [{ emoji: "👍", count: 1, user_ids: ["anna"] }, { emoji: "🎉", count: 1, user_ids: ["joan"] }] })]);
    t.react("m1", "👍", "anna", false, 5);
    expect(chips(t.find("m1"))).toEqual(["🎉1:joan"]);
    t.react("m1", "🎉", "joan", false, 6);
    expect(t.find("m1")!.reactions).toBeUndefined();
  });

  it("never lets an older event undo a newer one of the same person and emoji", () => {
    const t = new Timeline(CH);
    t.merge([msg(1)]);
    // Live frames overtook a resync page: the removal (seq 8) came before the add (seq 7).
    t.react("m1", "👍", "anna", false, 8);
    t.react("m1", "👍", "anna", true, 7);
    expect(t.find("m1")!.reactions).toBeUndefined();
  });

  it("keeps reactions when an older copy of the message is merged later", () => {
    const t = new Timeline(CH);
    t.merge([msg(1)]);
    t.react("m1", "👍", "anna", true, 4);
    // A history page fetched before the event, or the message frame replayed on resume.
    t.mergeLatest([msg(1)], false);
    t.merge([msg(1)]);
    expect(chips(t.find("m1"))).toEqual(["👍1:anna"]);
  });

  it("remembers reactions to a message not loaded yet, for when its history arrives", () => {
    const t = new Timeline(CH);
    expect(t.react("m1", "🎉", "joan", true, 9)).toBe(false);
    t.mergeOlder([msg(1)], false);
    expect(chips(t.find("m1"))).toEqual(["🎉1:joan"]);
  });

  it("keeps reactions across an edit, and a newer copy's reactions stay too", () => {
    const t = new Timeline(CH);
    t.merge([msg(1, { reactions: [{ emoji: "👀", count: 1, user_ids: ["pere"] }] })]);
    t.react("m1", "👍", "anna", true, 3);
    t.update(msg(1, { body: "editat", edited_at: "2026-01-01T10:00:00Z", reactions: [{ emoji: "👀", count: 1, user_ids: ["pere"] }] }), 2);
    expect(t.find("m1")!.body).toBe("editat");
    expect(chips(t.find("m1"))).toEqual(["👀1:pere", "👍1:anna"]);
  });
});

describe("Timeline deletions", () => {
  it("turns the message into a tombstone in its place, without body, extras or reactions", () => {
    const t = new Timeline(CH);
    t.merge([msg(1), msg(2, { extras: { username: "Grafana" }, reactions: [{ emoji: "👍", count: 1, user_ids: ["anna"] }] }), msg(3)]);
    const keys = t.entries().map((e) => e.key);
    expect(t.markDeleted("m2")).toBe(true);
    expect(t.markDeleted("m2")).toBe(false); // the frame after our own 204, or a replay
    const tombstone = t.find("m2")!;
    expect(tombstone).toMatchObject({ deleted: true, body: "", seq: 2 });
    expect(tombstone.extras).toBeUndefined();
    expect(tombstone.reactions).toBeUndefined();
    expect(t.entries().map((e) => e.key)).toEqual(keys);
  });

  it("stays deleted whatever older copy, update or reaction comes after", () => {
    const t = new Timeline(CH);
    t.merge([msg(1)]);
    t.markDeleted("m1");
    t.merge([msg(1)]);
    t.mergeLatest([msg(1, { body: "stale page" })], false);
    t.update(msg(1, { body: "an older edit" }), 3);
    t.react("m1", "👍", "anna", true, 4);
    expect(t.find("m1")).toMatchObject({ deleted: true, body: "" });
    expect(t.find("m1")!.reactions).toBeUndefined();
  });

  it("shows a tombstone from history as such, and remembers a deletion of a message not loaded", () => {
    const t = new Timeline(CH);
    t.merge([msg(1, { deleted: true, body: "" })]);
    t.update(msg(1, { body: "resurrected?" }), 5);
    expect(t.find("m1")!.deleted).toBe(true);
    expect(t.markDeleted("m7")).toBe(false);
    t.mergeOlder([msg(7)], true);
    expect(t.find("m7")!.deleted).toBe(true);
  });
});

describe("Timeline edits", () => {
  it("remembers an update of a message not loaded, for when its history arrives", () => {
    const t = new Timeline(CH);
    expect(t.update(msg(4, { body: "v2", edited_at: "2026-01-01T10:00:00Z" }), 9)).toBe(false);
    t.mergeOlder([msg(4)], false);
    expect(t.find("m4")).toMatchObject({ body: "v2", edited_at: "2026-01-01T10:00:00Z" });
  });

  it("shows our own edit at its ack, then the server's copy of the same event", () => {
    const t = new Timeline(CH);
    t.merge([msg(1, { author_id: "me" })]);
    expect(t.applyOwnEdit("m1", "nou text", 6)).toBe(true);
    expect(t.find("m1")!.body).toBe("nou text");
    expect(t.find("m1")!.edited_at).not.toBeNull();
    t.update(msg(1, { author_id: "me", body: "nou text", edited_at: "2026-01-01T10:00:00Z" }), 6);
    expect(t.find("m1")!.edited_at).toBe("2026-01-01T10:00:00Z");
    // An older update replayed afterwards does not bring the old text back.
    expect(t.update(msg(1, { author_id: "me", body: "vell" }), 5)).toBe(false);
    expect(t.find("m1")!.body).toBe("nou text");
  });

  it("finds the user's newest message that can still be edited (the up arrow)", () => {
    const t = new Timeline(CH);
    t.merge([msg(1, { author_id: "me" }), msg(2, { author_id: "me" }), msg(3), msg(4, { author_id: "me" })]);
    t.markDeleted("m4");
    expect(t.lastEditableBy("me")?.id).toBe("m2");
    expect(t.lastEditableBy("nobody")).toBeUndefined();
  });
});
