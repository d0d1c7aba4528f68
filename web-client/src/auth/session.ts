// The login session. The access token lives in memory only; the refresh token lives in the
// HttpOnly `xerrada_refresh` cookie the server sets when we log in with `cookie: true`, so no
// script (ours or an injected one) can read it, and nothing secret is in localStorage.
//
// Should the server not take the cookie (an older server, or cookies blocked), the refresh
// token of the login answer is kept in memory (never stored) as a fallback, so the session
// still survives token expiry within one page load; once a cookie refresh has worked, the
// in-memory copy is dropped for good.
import type { TokenResponse, User } from "../protocol";
import { ApiError, NetworkError, rawRequest } from "../api/client";

/** Refresh this long before the access token expires, so requests never carry a stale one. */
const REFRESH_MARGIN_MS = 60_000;
/** Never schedule refreshes closer together than this, whatever `expires_in` says. */
const MIN_REFRESH_DELAY_MS = 5_000;

/** The outcome of trying to resume a session at page load. */
export type RestoreResult = "restored" | "unauthenticated" | "offline";

type Listener = () => void;

export class AuthSession {
  private token: string | null = null;
  private expiresAt = 0;
  private refreshTokenFallback: string | null = null;
  private cookieMissing = false;
  private cookieWorks = false;
  private refreshing: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<Listener>();
  /** The signed-in user, or null when logged out. */
  user: User | null = null;

  accessToken(): string | null {
    return this.token;
  }

  /** True when the access token is missing or about to expire. */
  needsRefresh(): boolean {
    return !this.token || Date.now() > this.expiresAt - REFRESH_MARGIN_MS / 2;
  }

  /** Called when the user logs in or out (including a session ended by the server). */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async login(username: string, password: string): Promise<User> {
    const answer = await rawRequest<TokenResponse>("POST", "/api/v1/auth/login", {
      username,
      password,
      cookie: true,
    });
    this.accept(answer);
    return answer.user;
  }

  /** At page load: a refresh by cookie keeps the user logged in across reloads. */
  async restore(): Promise<RestoreResult> {
    try {
      return (await this.refresh()) ? "restored" : "unauthenticated";
    } catch (e) {
      if (e instanceof NetworkError || (e instanceof ApiError && e.status >= 500)) return "offline";
      return "unauthenticated";
    }
  }

  /**
   * Gets a fresh access token. Concurrent callers share one request, because the refresh
   * token rotates: two parallel refreshes would present the same token twice, and reuse of a
   * rotated token revokes the whole session. Resolves false when the session is gone; throws
   * NetworkError when the server cannot be reached (the session may still be fine).
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    if (!this.cookieMissing) {
      try {
        const answer = await rawRequest<TokenResponse>("POST", "/api/v1/auth/refresh", {});
        // The cookie works: from now on it is the only copy of the refresh token. Keeping
        // one in memory too could present an already-rotated token later (another tab shares
        // the cookie), and reuse of a rotated token revokes the whole session.
        this.cookieWorks = true;
        this.accept(answer);
        return true;
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) throw e;
        // Only a server that got no cookie at all justifies trying the in-memory token.
        if (this.cookieWorks || !/missing/i.test(e.message)) return false;
      }
    }
    const fallback = this.refreshTokenFallback;
    if (!fallback) return false;
    try {
      this.accept(
        await rawRequest<TokenResponse>("POST", "/api/v1/auth/refresh", { refresh_token: fallback }),
      );
      // The server did not take the cookie (older server, or cookies blocked): keep to the
      // in-memory token for this page load rather than ask with a cookie that is not there.
      this.cookieMissing = true;
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.refreshTokenFallback = null;
        return false;
      }
      throw e;
    }
  }

  /** Logs out on the server (which clears the cookie and closes our sockets), then locally. */
  async logout(): Promise<void> {
    const token = this.token;
    try {
      if (token) await rawRequest<void>("POST", "/api/v1/auth/logout", {}, token);
    } catch {
      // Offline or already logged out: forgetting the tokens locally is what matters.
    }
    this.clear();
  }

  /** Forgets the session locally (the server ended it, or it expired). */
  clear(): void {
    const wasLoggedIn = this.user !== null;
    this.token = null;
    this.user = null;
    this.refreshTokenFallback = null;
    this.cookieMissing = false;
    this.cookieWorks = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (wasLoggedIn) this.emit();
  }

  private accept(answer: TokenResponse): void {
    const wasLoggedIn = this.user !== null;
    this.token = answer.access_token;
    this.expiresAt = Date.now() + answer.expires_in * 1000;
    this.refreshTokenFallback = this.cookieWorks ? null : answer.refresh_token || null;
    this.user = answer.user;
    this.schedule(answer.expires_in * 1000);
    if (!wasLoggedIn) this.emit();
  }

  private schedule(lifetimeMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.max(MIN_REFRESH_DELAY_MS, Math.min(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs * 0.8));
    this.timer = setTimeout(() => {
      this.refresh()
        .then((ok) => {
          if (!ok) this.clear();
        })
        .catch(() => {
          // Offline: try again soon; requests and the socket refresh on demand anyway.
          this.schedule(MIN_REFRESH_DELAY_MS * 6);
        });
    }, delay);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
