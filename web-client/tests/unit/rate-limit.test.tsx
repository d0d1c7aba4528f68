// Per-user rate limits seen from the client (issue 18): a `send` refused with `rate_limited`
// is never lost nor marked failed: it stays pending and goes again once the server's wait is
// over, with what was typed meanwhile behind it, in order, and a notice says when. Other refused
// actions (edits, commands, reactions, searches, uploads, REST calls) say how long to wait.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, type Api, parseRetryAfter, rawRequest } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, ClientFrame, ServerFrame, User } from "../../src/protocol";
import { ChatStore } from "../../src/store/chat";
import { SyncEngine } from "../../src/sync/engine";
import { errorText, messageErrorText } from "../../src/components/errors";
import { errorMessage } from "../../src/components/dialogs";
import { uploadError } from "../../src/files/queue";
import { renderToString } from "preact-render-to-string";
import { ServicesContext, type Services } from "../../src/components/context";
import { SendHoldNotice } from "../../src/components/SendHoldNotice";
import { recordingSocket } from "./support/socket";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const channel = (extra: Partial<Channel> = {}): Channel => ({
  id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 10,
  member_count: 2, joined: true, last_read_seq: 10, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false, ...extra,
});
const ready = (): ServerFrame => ({ type: "ready", session_id: "s", user: me, channels: [channel()], online_user_ids: [] });
/** An `error` frame as the rate-limiting server sends it (an older server leaves out `retry_after_ms`). */
const tooFast = (ref: string, retryAfterMs?: number): ServerFrame => ({
  type: "error",
  ref,
  code: "rate_limited",
  message: "slow down",
  ...(retryAfterMs !== undefined ? { retry_after_ms: retryAfterMs } : {}),
});

function setup() {
  const store = new ChatStore();
  const api = {
    users: async () => [],
    departments: async () => [],
    user: async (id: string) => ({ ...me, id, username: id }),
    events: async () => ({ events: [], has_more: false }),
    messages: async () => ({ messages: [], has_more: false }),
    saved: async () => ({ saved: [] }),
    channelCommands: async () => [],
    react: vi.fn(async () => undefined),
    search: vi.fn(async () => ({ results: [], next_cursor: null })),
  };
  const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
  const engine = new SyncEngine(store, api as unknown as Api, auth, { incoming: () => undefined }, () => undefined);
  const { sent, sends } = recordingSocket(engine);
  // Started, so the outbox's own timer runs too: it must not send during the wait either.
  engine.start();
  engine.handleFrame(ready());
  return { store, engine, api, sent, sends };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a message sent too fast", () => {
  it("stays pending, and goes again after the server's wait with what was typed meanwhile, in order", async () => {
    const { store, engine, sends } = setup();
    engine.send("c1", "one");
    const [first] = sends();
    engine.handleFrame(tooFast(first!.ref!, 3_000));
    const timeline = store.timeline("c1");
    expect(timeline.pending.map((p) => p.state)).toEqual(["pending"]);
    expect(store.sendHoldUntil).toBe(Date.now() + 3_000);
    // Typed during the wait: shown pending at once, sent only after the refused one.
    engine.send("c1", "two");
    expect(sends()).toHaveLength(1);
    expect(timeline.pending.map((p) => [p.body, p.state])).toEqual([["one", "pending"], ["two", "pending"]]);
    await vi.advanceTimersByTimeAsync(2_900);
    expect(sends()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(sends().map((f) => f.body)).toEqual(["one", "one", "two"]);
    // The same client_msg_id: the server's dedup still holds.
    expect(sends()[1]!.client_msg_id).toBe(first!.client_msg_id);
    expect(store.sendHoldUntil).toBe(0);
    engine.handleFrame({ type: "ack", ref: first!.ref!, channel_id: "c1", seq: 11, message_id: "m11" });
    engine.handleFrame({ type: "ack", ref: sends()[2]!.ref!, channel_id: "c1", seq: 12, message_id: "m12" });
    expect(timeline.entries().map((e) => (e.kind === "message" ? [e.message.body, e.delivery] : []))).toEqual([
      ["one", "sent"],
      ["two", "sent"],
    ]);
    engine.stop();
  });

  it("is never marked failed however often it is refused, and waits a default when not told how long", async () => {
    const { store, engine, sends } = setup();
    engine.send("c1", "insistent");
    for (let round = 1; round <= 3; round++) {
      engine.handleFrame(tooFast(sends().at(-1)!.ref!));
      expect(store.timeline("c1").pending[0]!.state).toBe("pending");
      await vi.advanceTimersByTimeAsync(4_900);
      expect(sends()).toHaveLength(round);
      await vi.advanceTimersByTimeAsync(100);
      expect(sends()).toHaveLength(round + 1);
    }
    engine.stop();
  });

  it("keeps the longest wait asked for", async () => {
    const { store, engine, sends } = setup();
    engine.send("c1", "a");
    engine.send("c1", "b");
    const [a, b] = sends();
    engine.handleFrame(tooFast(a!.ref!, 8_000));
    engine.handleFrame(tooFast(b!.ref!, 1_000));
    expect(store.sendHoldUntil).toBe(Date.now() + 8_000);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(sends()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sends().map((f) => f.body)).toEqual(["a", "b", "a", "b"]);
    engine.stop();
  });

  it("a command refused as too fast fails (it is never resent by itself), saying how long to wait", () => {
    const { store, engine, sends } = setup();
    engine.send("c1", "/tickets");
    engine.handleFrame(tooFast(sends()[0]!.ref!, 4_000));
    const entry = store.timeline("c1").entries().find((e) => e.kind === "message");
    expect(entry).toMatchObject({ delivery: "failed", error: "rate_limited", retryAfterMs: 4_000 });
    expect(store.sendHoldUntil).toBe(0);
    if (entry?.kind !== "message") throw new Error("no entry");
    expect(errorText(entry.error, entry.retryAfterMs)).toBe("massa peticions; torna-ho a provar d'aquí a 4 segons");
    engine.stop();
  });
});

describe("the notice while sends wait", () => {
  const render = (store: ChatStore) =>
    renderToString(
      <ServicesContext.Provider value={{ store } as unknown as Services}>
        <SendHoldNotice />
      </ServicesContext.Provider>,
    );

  it("says when the messages will go, and is gone when they may", () => {
    const store = new ChatStore();
    store.sendHoldUntil = Date.now() + 4_000;
    const html = render(store);
    expect(html).toContain('data-testid="send-hold"');
    expect(html).toContain("Estàs enviant massa de pressa; es tornarà a provar d'aquí a 4 s");
    // Read out once (role=status); the second-by-second countdown is hidden from screen readers.
    expect(html).toMatch(/role="status"[^>]*>Estàs enviant/);
    expect(html).toMatch(/aria-hidden="true"[^>]*>Estàs enviant/);
    store.sendHoldUntil = 0;
    expect(render(store)).toBe("");
  });
});

describe("other actions refused as too fast say how long to wait", () => {
  it("an edit rejects with the wait", async () => {
    const { engine, sent } = setup();
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: { id: "m11", channel_id: "c1", seq: 11, author_id: "me", body: "x", created_at: new Date().toISOString(), client_msg_id: null, thread_root: null, edited_at: null, deleted: false } });
    const saved = engine.editMessage("c1", "m11", "y");
    const edit = sent.find((f) => f.type === "edit") as Extract<ClientFrame, { type: "edit" }>;
    engine.handleFrame(tooFast(edit.ref!, 1_200));
    const refusal = await saved.catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: "rate_limited", retryAfterMs: 1_200 });
    expect(messageErrorText("rate_limited", (refusal as ApiError).retryAfterMs)).toBe("massa peticions; torna-ho a provar d'aquí a 2 segons");
    engine.stop();
  });

  it("a reaction refused over REST shows a toast with the wait", async () => {
    const { store, engine, api } = setup();
    engine.handleFrame({ type: "message", channel_id: "c1", seq: 11, message: { id: "m11", channel_id: "c1", seq: 11, author_id: "bob", body: "x", created_at: new Date().toISOString(), client_msg_id: null, thread_root: null, edited_at: null, deleted: false } });
    api.react.mockRejectedValueOnce(new ApiError(429, "rate_limited", "slow down", 7_000));
    await engine.toggleReaction("c1", "m11", "👍");
    expect(store.toast).toMatchObject({ code: "rate_limited", about: "message", retryAfterMs: 7_000 });
    engine.stop();
  });

  it("a search refused keeps the wait for its error line", async () => {
    const { store, engine, api } = setup();
    api.search.mockRejectedValueOnce(new ApiError(429, "rate_limited", "slow down", 1_000));
    await engine.search("informe");
    expect(store.search.error).toMatchObject({ code: "rate_limited", retryAfterMs: 1_000 });
    expect(errorText(store.search.error!.code, store.search.error!.retryAfterMs)).toBe("massa peticions; torna-ho a provar d'aquí a 1 segon");
    engine.stop();
  });

  it("a dialog's REST call (creating a channel) and an upload say it too", () => {
    expect(errorMessage(new ApiError(429, "rate_limited", "slow down", 30_000))).toBe("massa peticions; torna-ho a provar d'aquí a 30 segons");
    expect(uploadError(new ApiError(429, "rate_limited", "slow down", 2_000))).toEqual({ code: "rate_limited", retryAfterMs: 2_000 });
  });
});

describe("reading the wait from a REST answer", () => {
  it("takes Retry-After in seconds or as a date, and ignores what it cannot read", () => {
    const now = Date.parse("2026-12-06T10:00:00Z");
    expect(parseRetryAfter("5", now)).toBe(5_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Sun, 06 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sun, 06 Dec 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("99999999", now)).toBeUndefined();
  });

  it("a 429 becomes a rate_limited ApiError with the header's wait, even from a proxy", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ code: "rate_limited", message: "too many" }), { status: 429, headers: { "Retry-After": "12" } }));
    vi.stubGlobal("fetch", fetch);
    try {
      await expect(rawRequest("POST", "/api/v1/channels", { name: "x" })).rejects.toMatchObject({ status: 429, code: "rate_limited", retryAfterMs: 12_000 });
      fetch.mockResolvedValueOnce(new Response("<html>Too Many Requests</html>", { status: 429, headers: { "Retry-After": "3" } }));
      await expect(rawRequest("GET", "/api/v1/search?q=x")).rejects.toMatchObject({ code: "rate_limited", retryAfterMs: 3_000 });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
