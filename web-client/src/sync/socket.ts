// One realtime connection to /api/v1/ws at a time, kept alive for as long as the user is
// logged in: it authenticates with the in-memory token (never in the URL), asks the sync
// engine for resume points on every (re)connect, and reconnects with backoff and jitter.
//
// Close codes (PROTOCOL.md): 4001 = token refused -> refresh once and retry, else log out;
// 4003 = logged out or deactivated -> log out; 4008 (too slow), 1001 (server restart) and any
// network drop -> reconnect and resume.
import type { ClientFrame, ServerFrame } from "../protocol";
import { backoffDelay } from "./backoff";

/** What the rest of the app sees of the connection. */
export type ConnectionState = "connecting" | "online" | "offline";

export interface SocketHooks {
  /** Current access token, refreshed first when needed; null when the session is gone. */
  token(): Promise<string | null>;
  /** Forces a refresh after the server refused the token; false when the session is gone. */
  refreshAfterRefusal(): Promise<boolean>;
  /** `{channel_id: last_seq_seen}` for every channel the client follows. */
  resumePoints(): Record<string, number>;
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState): void;
  /** The server ended the session (4003) or the token cannot be renewed. */
  onSessionEnded(): void;
  /** The UI language (`ca`, `es`, `en`) announced in `auth`, for answers such as `/info`. */
  language?(): string;
}

/** Application-level keepalive: browsers hide WebSocket pings, so we ping to notice dead links. */
const PING_INTERVAL_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
/** Give up on an opening that takes longer than this (stuck proxies, captive portals). */
const OPEN_TIMEOUT_MS = 15_000;

export class RealtimeSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongDeadline: ReturnType<typeof setTimeout> | null = null;
  private openTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private ready = false;
  /** Whether the last 4001 was already answered with a refresh (one try per refusal chain). */
  private refreshedAfterRefusal = false;
  private state: ConnectionState = "connecting";
  /** The language sent in the current socket's `auth` frame. */
  private announced: string | undefined;

  constructor(
    private readonly hooks: SocketHooks,
    /** Defaults to this page's own origin, computed when connecting. */
    private readonly url?: string,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, "bye");
  }

  /** True once `ready` has been received on the current socket. */
  isReady(): boolean {
    return this.ready && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is ready; false when it could not be sent now. */
  send(frame: ClientFrame): boolean {
    if (!this.isReady() || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Drops the current socket and reconnects (used by tests and after a long sleep). */
  reconnectNow(): void {
    this.attempt = 0;
    this.dropAndRetry(0);
  }

  /** The language the current connection announced (undefined before the first `auth`). */
  announcedLanguage(): string | undefined {
    return this.announced;
  }

  /**
   * Reconnects at once so the server hears something only said in `auth` (the UI language),
   * without showing the user an "offline" blip: the state stays "online" (frames wait in the
   * outbox for the few milliseconds) unless the new connection fails, in which case the usual
   * backoff and states take over.
   */
  reconnectQuietly(): void {
    if (this.stopped || !this.isReady()) return;
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    this.clearTimers();
    if (ws) {
      ws.onclose = null;
      ws.close(1000, "language");
    }
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.clearTimers();
    let token: string | null;
    try {
      token = await this.hooks.token();
    } catch {
      // The server is unreachable for the refresh too: wait and try again.
      this.scheduleRetry();
      return;
    }
    if (this.stopped) return;
    if (!token) {
      this.hooks.onSessionEnded();
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url ?? defaultUrl());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.ready = false;
    this.openTimer = setTimeout(() => this.dropAndRetry(), OPEN_TIMEOUT_MS);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const resume = this.hooks.resumePoints();
      const lang = this.hooks.language?.();
      const auth: ClientFrame = lang ? { type: "auth", token, resume, lang } : { type: "auth", token, resume };
      this.announced = lang;
      ws.send(JSON.stringify(auth));
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws || typeof event.data !== "string") return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return;
      }
      this.notePong();
      if (frame.type === "ready") {
        if (this.openTimer) clearTimeout(this.openTimer);
        this.openTimer = null;
        this.ready = true;
        this.attempt = 0;
        this.refreshedAfterRefusal = false;
        this.startPinging();
        // The engine handles `ready` (and flushes its outbox) before the app hears "online".
        this.hooks.onFrame(frame);
        this.setState("online");
        return;
      }
      if (frame.type === "pong") return;
      this.hooks.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      this.clearTimers();
      void this.afterClose(event.code);
    };
    ws.onerror = () => {
      // `close` follows every `error`; reconnection is handled there.
    };
  }

  private async afterClose(code: number): Promise<void> {
    if (this.stopped) return;
    if (code === 4003) {
      this.hooks.onSessionEnded();
      return;
    }
    if (code === 4001) {
      if (this.refreshedAfterRefusal) {
        this.hooks.onSessionEnded();
        return;
      }
      this.refreshedAfterRefusal = true;
      let renewed: boolean;
      try {
        renewed = await this.hooks.refreshAfterRefusal();
      } catch {
        // Offline: the refusal may have been a race with expiry; retry later.
        this.refreshedAfterRefusal = false;
        this.scheduleRetry();
        return;
      }
      if (!renewed) {
        this.hooks.onSessionEnded();
        return;
      }
      this.connect();
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(delayMs?: number): void {
    if (this.stopped) return;
    this.setState("offline");
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = delayMs ?? backoffDelay(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.setState("connecting");
      void this.connect();
    }, delay);
  }

  private dropAndRetry(delayMs?: number): void {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    this.clearTimers();
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
    this.scheduleRetry(delayMs);
  }

  private startPinging(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.send({ type: "ping" })) return;
      if (this.pongDeadline) return;
      this.pongDeadline = setTimeout(() => this.dropAndRetry(), PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  /** Any frame proves the link is alive. */
  private notePong(): void {
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    this.pongDeadline = null;
  }

  private clearTimers(): void {
    for (const timer of [this.retryTimer, this.openTimer, this.pongDeadline]) {
      if (timer) clearTimeout(timer);
    }
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = this.openTimer = this.pongDeadline = this.pingTimer = null;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.hooks.onState(state);
  }

  private readonly onOnline = (): void => {
    // The network is back: do not wait for the backoff timer.
    if (!this.isReady()) this.reconnectNow();
  };

  private readonly onOffline = (): void => {
    // The OS says the link is gone; a half-open socket could take minutes to notice.
    if (this.ws) this.dropAndRetry();
  };
}

function defaultUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1/ws`;
}
