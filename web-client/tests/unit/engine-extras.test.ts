// The sync engine's handling of interactive messages, slash commands, ephemeral answers and
// the outbox kept across reloads.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, type Api } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Attachment, Channel, ClientFrame, Message, ServerFrame, User } from "../../src/protocol";
import { ChatStore } from "../../src/store/chat";
import { storageKey } from "../../src/store/persist";
import { ACTION_WAIT_MS, COMMAND_ANSWER_MS, SyncEngine } from "../../src/sync/engine";
import { recordingSocket } from "./support/socket";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const channel = (extra: Partial<Channel> = {}): Channel => ({
  id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 10,
  member_count: 2, joined: true, last_read_seq: 10, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false, ...extra,
});
const message = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`, channel_id: "c1", seq, author_id: "bot", body: `m${seq}`, created_at: new Date().toISOString(),
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
});
const ready = (channels: Channel[] = [channel()]): ServerFrame => ({ type: "ready", session_id: "s", user: me, channels, online_user_ids: [] });

class MemoryStorage {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
}

function setup(options: { action?: Api["action"]; storage?: MemoryStorage } = {}) {
  const store = new ChatStore();
  const action = vi.fn(options.action ?? (async () => undefined));
  const api = {
    users: async () => [],
    departments: async () => [],
    user: async (id: string) => ({ ...me, id, username: id }),
    events: async () => ({ events: [], has_more: false }),
    messages: async () => ({ messages: [], has_more: false }),
    saved: async () => ({ saved: [] }),
    action,
  } as unknown as Api;
  const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
  const engine = new SyncEngine(store, api, auth, { incoming: () => undefined }, () => undefined, options.storage ?? null);
  const { sent, sends } = recordingSocket(engine);
  const flush = () => (engine as unknown as { flushOutbox(): void }).flushOutbox();
  return { store, engine, action, sent, sends, flush };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("message_updated", () => {
  it("replaces the message in place and counts its seq for resume", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: message(11) });
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 12, message: message(12) });
    engine.handleFrame({ type: "message_updated", channel_id: "c1", seq: 13, message: message(11, { body: "nou", edited_at: "2026-01-01T00:00:00Z" }) });
    const t = store.timeline("c1");
    expect(t.confirmed.map((m) => [m.seq, m.body])).toEqual([
      [11, "nou"],
      [12, "m12"],
    ]);
    expect(t.resumeSeq).toBe(13);
    expect(store.channels.get("c1")!.last_seq).toBe(13);
    // Not a new message: no unread count for it.
    expect(store.channels.get("c1")!.unread).toBe(2);
  });

  it("ignores an update of a message not loaded, but still tracks the event's seq", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame({ type: "message_updated", channel_id: "c1", seq: 11, message: message(3, { body: "x" }) });
    expect(store.timeline("c1").confirmed).toHaveLength(0);
    expect(store.timeline("c1").resumeSeq).toBe(11);
  });

  it("applies updates from a resync page in order, once", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: message(11) });
    const update = (seq: number, body: string): ServerFrame => ({ type: "message_updated", channel_id: "c1", seq, message: message(11, { body }) });
    engine.handleFrame(update(12, "v1"));
    engine.handleFrame(update(13, "v2"));
    engine.handleFrame(update(12, "v1")); // replayed again after a reconnect
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: message(11) }); // so is the original
    expect(store.timeline("c1").confirmed.map((m) => m.body)).toEqual(["v2"]);
  });
});

describe("buttons", () => {
  it("disables a clicked button until the message is updated", async () => {
    const { store, engine, action } = setup();
    engine.handleFrame(ready());
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: message(11, { extras: { actions: [{ id: "assign", label: "A" }] } }) });
    await engine.clickAction("c1", "m11", "assign");
    expect(action).toHaveBeenCalledWith("c1", "m11", "assign");
    expect(store.actionsInFlight.get("m11")?.has("assign")).toBe(true);
    // A second click meanwhile is not sent.
    await engine.clickAction("c1", "m11", "assign");
    expect(action).toHaveBeenCalledTimes(1);
    engine.handleFrame({ type: "message_updated", channel_id: "c1", seq: 12, message: message(11, { body: "assignada" }) });
    expect(store.actionsInFlight.has("m11")).toBe(false);
  });

  it("enables it again after 10 s without an update", async () => {
    const { store, engine } = setup();
    await engine.clickAction("c1", "m11", "assign");
    vi.advanceTimersByTime(ACTION_WAIT_MS - 1);
    expect(store.actionsInFlight.has("m11")).toBe(true);
    vi.advanceTimersByTime(1);
    expect(store.actionsInFlight.has("m11")).toBe(false);
  });

  it("shows a refusal as a toast and enables the button at once", async () => {
    const { store, engine } = setup({
      action: async () => {
        throw new ApiError(503, "unavailable", "the bot is not connected");
      },
    });
    await engine.clickAction("c1", "m11", "assign");
    expect(store.actionsInFlight.has("m11")).toBe(false);
    expect(store.toast).toMatchObject({ code: "unavailable" });
    vi.advanceTimersByTime(10_000);
    expect(store.toast).toBeNull();
  });
});

describe("slash commands and ephemeral answers", () => {
  it("an ephemeral answer with the send's ref resolves the pending command", () => {
    const { store, engine, sends } = setup();
    engine.handleFrame(ready());
    engine.send("c1", "/help");
    const [send] = sends();
    expect(send).toMatchObject({ type: "send", body: "/help", channel_id: "c1" });
    expect(send!.ref).toBe(send!.client_msg_id);
    engine.handleFrame({ type: "ephemeral", channel_id: "c1", ref: send!.ref!, text: "Ordres: /help, /suport", attachments: [{ title: "Ajuda", color: "good" }, "junk"] as unknown as Attachment[] });
    const t = store.timeline("c1");
    expect(t.pending).toHaveLength(0);
    expect(t.entries().map((e) => e.kind)).toEqual(["ephemeral"]);
    const note = t.ephemeralNotes[0]!;
    expect(note.text).toBe("Ordres: /help, /suport");
    expect(note.attachments).toEqual([{ title: "Ajuda", color: "good" }]);
    engine.dismissNote("c1", note.id);
    expect(t.entries()).toHaveLength(0);
  });

  it("an ephemeral without a matching ref (a bot's private note) is shown too", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.send("c1", "hola");
    engine.handleFrame({ type: "ephemeral", channel_id: "c1", ref: null, text: "Recorda tancar la petició" });
    engine.handleFrame({ type: "ephemeral", channel_id: "c1", ref: "unknown", text: "Una altra nota" });
    const t = store.timeline("c1");
    expect(t.pending).toHaveLength(1);
    expect(t.ephemeralNotes.map((n) => n.text)).toEqual(["Recorda tancar la petició", "Una altra nota"]);
  });

  it("an ack for a command drops the pending copy: what it posted arrives as a message", () => {
    const { store, engine, sends } = setup();
    engine.handleFrame(ready());
    engine.send("c1", "/info vpn");
    const ref = sends()[0]!.ref!;
    engine.handleFrame({ type: "ack", ref, channel_id: "c1", seq: 11, message_id: "m11" });
    expect(store.timeline("c1").entries()).toHaveLength(0);
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: message(11, { body: "VPN: ..." }) });
    expect(store.timeline("c1").confirmed.map((m) => m.body)).toEqual(["VPN: ..."]);
  });

  it("an error for a command resolves it as failed, even a transient one", () => {
    const { store, engine, sends } = setup();
    engine.handleFrame(ready());
    engine.send("c1", "/ticket 4 status resolved");
    engine.send("c1", "/suport impressora");
    const [a, b] = sends().map((s) => s.ref!);
    engine.handleFrame({ type: "error", ref: a!, code: "forbidden", message: "not in the support team" });
    engine.handleFrame({ type: "error", ref: b!, code: "rate_limited", message: "slow down" });
    expect(store.timeline("c1").pending.map((p) => [p.body, p.state, p.error])).toEqual([
      ["/ticket 4 status resolved", "failed", "forbidden"],
      ["/suport impressora", "failed", "rate_limited"],
    ]);
  });

  it("never resends a command by itself: without an answer it fails, and retry sends it again", () => {
    const { store, engine, sends, flush } = setup();
    engine.handleFrame(ready());
    engine.send("c1", "/suport no em funciona la VPN");
    engine.send("c1", "un missatge normal");
    expect(sends()).toHaveLength(2);
    vi.advanceTimersByTime(16_000);
    flush();
    // The plain message is resent after 15 s without an ack; the command is not.
    expect(sends().map((s) => s.body)).toEqual(["/suport no em funciona la VPN", "un missatge normal", "un missatge normal"]);
    vi.advanceTimersByTime(COMMAND_ANSWER_MS);
    flush();
    const command = store.timeline("c1").pending[0]!;
    expect([command.state, command.error]).toEqual(["failed", "no_answer"]);
    engine.retry("c1", command.clientMsgId);
    expect(sends().filter((s) => s.body.startsWith("/suport"))).toHaveLength(2);
    expect(new Set(sends().filter((s) => s.body.startsWith("/suport")).map((s) => s.client_msg_id)).size).toBe(1);
  });

  it("a command sent on a socket that then dropped fails instead of running twice", () => {
    const { store, engine } = setup();
    engine.handleFrame(ready());
    engine.send("c1", "/suport pantalla");
    engine.send("c1", "text");
    engine.handleFrame(ready()); // reconnected
    expect(store.timeline("c1").pending.map((p) => p.state)).toEqual(["failed", "pending"]);
  });
});

describe("the outbox across a reload", () => {
  it("saves pending messages and drafts per user, and a new page resends them with the same ids", () => {
    const storage = new MemoryStorage();
    const first = setup({ storage });
    first.engine.start();
    first.engine.handleFrame(ready([channel(), channel({ id: "c2", name: "altres" })]));
    first.engine.send("c1", "no ha arribat");
    first.engine.setDraft("c2", "a mig escriure");
    const ids = first.sends().map((s) => s.client_msg_id);
    vi.advanceTimersByTime(1000);
    const saved = storage.getItem(storageKey("me"))!;
    expect(saved).toContain("no ha arribat");
    expect(saved).toContain("a mig escriure");
    expect(saved).not.toMatch(/token|"t"/);
    first.engine.stop();

    // The reloaded page.
    const second = setup({ storage });
    second.engine.start();
    expect(second.store.drafts.get("c2")).toBe("a mig escriure");
    expect(second.store.timeline("c1").pending.map((p) => [p.body, p.state])).toEqual([["no ha arribat", "pending"]]);
    second.engine.handleFrame(ready([channel(), channel({ id: "c2", name: "altres" })]));
    expect(second.sends().map((s) => s.client_msg_id)).toEqual(ids);
    // Its ack routes to the restored message; then nothing is left to keep.
    second.engine.handleFrame({ type: "ack", ref: ids[0]!, channel_id: "c1", seq: 11, message_id: "m11" });
    second.engine.setDraft("c2", "");
    vi.advanceTimersByTime(1000);
    expect(storage.getItem(storageKey("me"))).toBeNull();
    second.engine.stop();
  });

  it("is forgotten at logout", () => {
    const storage = new MemoryStorage();
    const { engine } = setup({ storage });
    engine.start();
    engine.setDraft("c1", "esborrany");
    vi.advanceTimersByTime(1000);
    expect(storage.getItem(storageKey("me"))).not.toBeNull();
    engine.stop();
    engine.forgetLocalData();
    expect(storage.getItem(storageKey("me"))).toBeNull();
  });

  it("restores a command sent before the reload as failed, not resent", () => {
    const storage = new MemoryStorage();
    const first = setup({ storage });
    first.engine.start();
    first.engine.handleFrame(ready());
    first.engine.send("c1", "/suport teclat");
    first.engine.stop();
    const second = setup({ storage });
    second.engine.start();
    second.engine.handleFrame(ready());
    expect(second.sends()).toHaveLength(0);
    expect(second.store.timeline("c1").pending[0]).toMatchObject({ state: "failed", error: "no_answer" });
  });
});

describe("a channel's commands for the composer", () => {
  it("are fetched once per channel, asked again after a failure or a change of members", async () => {
    const store = new ChatStore();
    const estat = { name: "estat", description: "Estat dels serveis", bot_id: "b1", bot_username: "monitor" };
    let fail = true;
    const channelCommands = vi.fn(async (id: string) => {
      if (fail) throw new ApiError(500, "internal", "boom");
      return id === "c1" ? [estat] : [];
    });
    const api = { channelCommands, setMember: async () => undefined } as unknown as Api;
    const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
    const engine = new SyncEngine(store, api, auth, { incoming: () => undefined }, () => undefined, null);
    await expect(engine.channelCommands("c1")).rejects.toThrow();
    fail = false;
    expect(await engine.channelCommands("c1")).toEqual([estat]);
    expect(await engine.channelCommands("c1")).toEqual([estat]);
    expect(await engine.channelCommands("c2")).toEqual([]);
    expect(channelCommands).toHaveBeenCalledTimes(3);
    await engine.setMember("c1", "b1", false);
    await engine.channelCommands("c1");
    expect(channelCommands).toHaveBeenCalledTimes(4);
  });
});
