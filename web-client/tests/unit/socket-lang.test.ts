// The UI language travels in the `auth` frame of every connection (the server answers `/info`
// and other commands in it), and a language switch is announced by a quiet reconnection.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Api, rawRequest } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, ClientFrame, User } from "../../src/protocol";
import { setLocale } from "../../src/i18n";
import { ChatStore } from "../../src/store/chat";
import { RealtimeSocket } from "../../src/sync/socket";
import { SyncEngine } from "../../src/sync/engine";

/** A WebSocket double: records what the client sends; the test plays the server. */
class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: ClientFrame[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  /** The server side: accept the upgrade. */
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  /** The server side: answer `auth` with `ready`. */
  ready(channels: Channel[] = []): void {
    this.onmessage?.({ data: JSON.stringify({ type: "ready", session_id: "s", user: me, channels, online_user_ids: [] }) });
  }
  get auth(): Extract<ClientFrame, { type: "auth" }> | undefined {
    return this.sent.find((f): f is Extract<ClientFrame, { type: "auth" }> => f.type === "auth");
  }
}

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const general: Channel = {
  id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 0,
  member_count: 1, joined: true, last_read_seq: 0, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false,
};

/** Lets the socket's async connect (token first) run. */
const settle = () => new Promise((r) => setTimeout(r, 0));
const latest = () => FakeSocket.all[FakeSocket.all.length - 1]!;

beforeEach(() => {
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("window", { addEventListener: () => undefined, removeEventListener: () => undefined });
  vi.stubGlobal("location", { protocol: "http:", host: "xerrada.test" });
  setLocale("ca");
});

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale("ca");
});

describe("the auth frame's language", () => {
  it("is the UI language, on the first connection and on every reconnection", async () => {
    let lang = "es";
    const states: string[] = [];
    const socket = new RealtimeSocket({
      token: async () => "tok",
      refreshAfterRefusal: async () => true,
      resumePoints: () => ({ c1: 7 }),
      onFrame: () => undefined,
      onState: (s) => states.push(s),
      onSessionEnded: () => undefined,
      language: () => lang,
    });
    socket.start();
    await settle();
    latest().open();
    expect(latest().auth).toEqual({ type: "auth", token: "tok", resume: { c1: 7 }, lang: "es" });
    latest().ready();
    expect(socket.announcedLanguage()).toBe("es");
    // The user switches to English; a later reconnection (here: the link drops) announces it.
    lang = "en";
    socket.reconnectNow();
    await new Promise((r) => setTimeout(r, 5));
    await settle();
    expect(FakeSocket.all).toHaveLength(2);
    latest().open();
    expect(latest().auth?.lang).toBe("en");
    socket.stop();
  });

  it("is left out when the app gives none", async () => {
    const socket = new RealtimeSocket({
      token: async () => "tok",
      refreshAfterRefusal: async () => true,
      resumePoints: () => ({}),
      onFrame: () => undefined,
      onState: () => undefined,
      onSessionEnded: () => undefined,
    });
    socket.start();
    await settle();
    latest().open();
    expect(latest().auth).toEqual({ type: "auth", token: "tok", resume: {} });
    socket.stop();
  });
});

describe("switching language in the app", () => {
  function makeEngine() {
    const store = new ChatStore();
    const api = { users: async () => [], departments: async () => [], messages: async () => ({ messages: [], has_more: false }), saved: async () => ({ saved: [] }) } as unknown as Api;
    const auth = { user: me, needsRefresh: () => false, accessToken: () => "tok", refresh: async () => true } as unknown as AuthSession;
    const engine = new SyncEngine(store, api, auth, { incoming: () => undefined }, () => undefined);
    const states: string[] = [];
    store.subscribe(() => states.push(store.connection));
    return { store, engine, states };
  }

  it("sends the engine's UI language in auth, and reconnects quietly to announce a new one", async () => {
    setLocale("es");
    const { store, engine } = makeEngine();
    engine.start();
    await settle();
    latest().open();
    expect(latest().auth?.lang).toBe("es");
    latest().ready([general]);
    expect(store.connection).toBe("online");
    const seen: string[] = [];
    const unsubscribe = store.subscribe(() => seen.push(store.connection));

    setLocale("en");
    await settle();
    expect(FakeSocket.all).toHaveLength(2);
    expect(FakeSocket.all[0]!.closed).toEqual({ code: 1000, reason: "language" });
    latest().open();
    expect(latest().auth).toMatchObject({ type: "auth", token: "tok", lang: "en", resume: { c1: 0 } });
    latest().ready([general]);
    await settle();
    expect(seen.filter((s) => s !== "online"), "no offline blip").toEqual([]);
    expect(store.connection).toBe("online");
    // The same language again: nothing to announce.
    setLocale("en");
    await settle();
    expect(FakeSocket.all).toHaveLength(2);
    unsubscribe();
    engine.stop();
  });

  it("waits for a command's answer before reconnecting, so the answer is not lost", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      const { store, engine } = makeEngine();
      engine.start();
      await vi.advanceTimersByTimeAsync(0);
      latest().open();
      latest().ready([general]);
      engine.send("c1", "/info vpn");
      const command = latest().sent.find((f) => f.type === "send");
      expect(command).toBeDefined();
      setLocale("es");
      await vi.advanceTimersByTimeAsync(3_000);
      expect(FakeSocket.all, "still on the socket that will carry the answer").toHaveLength(1);
      // The answer comes; then the switch is announced.
      const ref = command!.type === "send" ? command!.ref! : "";
      latest().onmessage?.({ data: JSON.stringify({ type: "ephemeral", channel_id: "c1", ref, text: "**Connexió VPN**", attachments: [] }) });
      expect(store.timeline("c1").pending).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(FakeSocket.all).toHaveLength(2);
      latest().open();
      expect(latest().auth?.lang).toBe("es");
      engine.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("REST calls", () => {
  it("carry the UI language as Accept-Language", async () => {
    const fetch = vi.fn(async () => new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } }));
    vi.stubGlobal("fetch", fetch);
    setLocale("es");
    await rawRequest("POST", "/api/v1/channels/c1/messages", { body: "/info vpn" }, "tok");
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.headers).toMatchObject({ "Accept-Language": "es", Authorization: "Bearer tok" });
  });
});
