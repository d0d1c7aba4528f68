// REST client for /api/v1. Every call carries the in-memory access token; a 401 triggers one
// refresh (through the auth session) and one retry, so a token that expired while the laptop
// slept does not surface as an error.
import type {
  ActionRequest,
  ApiError as ApiErrorBody,
  Channel,
  ChannelCommand,
  CreateChannelRequest,
  Department,
  EditMessageRequest,
  ErrorCode,
  EventPage,
  FileInfo,
  ThreadList,
  PinList,
  UpdateChannelRequest,
  UpdateUserRequest,
  SavedList,
  SearchResults,
  ThreadPage,
  Message,
  MessagePage,
  Me,
  User,
} from "../protocol";
import { getLocale } from "../i18n";
import { UploadAborted, type UploadHandle } from "../files/queue";

/**
 * An HTTP answer with an error status and, usually, the contract's `{code, message}` body (or
 * a socket's `error` frame, with status 0). `retryAfterMs`: how long the server asked to wait
 * before trying again (`rate_limited`: the `Retry-After` header, or the frame's `retry_after_ms`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "unknown",
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Longest wait a `Retry-After` may ask for that is taken as meant (a bogus one is ignored). */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * A `Retry-After` header in milliseconds: delta-seconds ("5") or an HTTP date. Undefined when
 * absent or unreadable, so callers fall back to their own wait.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms) || ms > MAX_RETRY_AFTER_MS) return undefined;
  return Math.max(0, Math.round(ms));
}

/** The request never reached the server (offline, DNS, connection refused, aborted). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "NetworkError";
  }
}

/** What the REST client needs from the auth session. */
export interface TokenSource {
  accessToken(): string | null;
  /** Gets a new access token; false when the session is gone. */
  refresh(): Promise<boolean>;
}

/** Sends one request and parses the JSON answer; no auth logic. */
export async function rawRequest<T>(
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<T> {
  // The UI language, for whatever the server words for people (command answers over REST).
  const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": getLocale() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // The refresh cookie is scoped to /api/v1/auth and SameSite=Strict; same-origin is enough.
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (e) {
    throw new NetworkError(e);
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** An error answer's `{code, message}` from its text (an upload's answer comes as text). */
export function errorFromText(status: number, statusText: string, text: string, retryAfter: string | null = null): ApiError {
  let code: ErrorCode | "unknown" = "unknown";
  let message = statusText;
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (typeof body.code === "string") code = body.code;
    if (typeof body.message === "string") message = body.message;
  } catch {
    // Not the contract's JSON: keep the status text.
  }
  // A 429 from something in front of the server (a proxy) still means "too fast".
  if (code === "unknown" && status === 429) code = "rate_limited";
  return new ApiError(status, code, message, parseRetryAfter(retryAfter));
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code: ErrorCode | "unknown" = "unknown";
  let message = response.statusText;
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (typeof body.code === "string") code = body.code;
    if (typeof body.message === "string") message = body.message;
  } catch {
    // Not the contract's JSON (a proxy error page): keep the status text.
  }
  if (code === "unknown" && response.status === 429) code = "rate_limited";
  return new ApiError(response.status, code, message, parseRetryAfter(response.headers.get("Retry-After")));
}

/** Query string from defined values only. */
function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

const BASE = "/api/v1";

function messagePath(channelId: string, messageId: string): string {
  return `/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(messageId)}`;
}

/** Typed calls of the REST API used by the client. */
export class Api {
  constructor(private readonly tokens: TokenSource) {}

  /** One authenticated request, refreshing the token once on 401. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.withRefresh(() => rawRequest<T>(method, BASE + path, body, this.tokens.accessToken()));
  }

  /**
   * Runs `call`, and once more after refreshing the token when it fails with 401 (unless
   * `giveUp()` says not to try again); `call` reads the access token afresh each time.
   */
  private async withRefresh<T>(call: () => Promise<T>, giveUp: () => boolean = () => false): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (giveUp() || !(e instanceof ApiError) || e.status !== 401) throw e;
      if (!(await this.tokens.refresh())) throw e;
      return call();
    }
  }

  /**
   * A GET under /api/v1 whose answer is bytes (a file, a CSV export), with the bearer token,
   * since nothing of the API is public; `accept` is its Accept header, `noStore` keeps it out of
   * the HTTP cache. Refreshes the token once on 401.
   */
  blob(path: string, { accept, noStore = false }: { accept?: string; noStore?: boolean } = {}): Promise<Blob> {
    return this.withRefresh(async () => {
      const token = this.tokens.accessToken();
      const headers: Record<string, string> = {};
      if (accept) headers.Accept = accept;
      if (token) headers.Authorization = `Bearer ${token}`;
      let response: Response;
      try {
        response = await fetch(BASE + path, { headers, credentials: "same-origin", ...(noStore ? { cache: "no-store" as const } : {}) });
      } catch (e) {
        throw new NetworkError(e);
      }
      if (!response.ok) throw await errorFrom(response);
      return response.blob();
    });
  }

  /**
   * Uploads one file (multipart, one part named `file`) with XMLHttpRequest, whose upload
   * progress fetch lacks. A 401 refreshes the token once and starts again. `abort()` cancels;
   * the promise then rejects with UploadAborted.
   */
  upload(file: Blob, name: string, onProgress: (loaded: number, total: number) => void): UploadHandle {
    let xhr: XMLHttpRequest | null = null;
    let aborted = false;
    const once = (token: string | null) =>
      new Promise<FileInfo>((resolve, reject) => {
        if (aborted) return reject(new UploadAborted());
        const request = new XMLHttpRequest();
        xhr = request;
        request.open("POST", `${BASE}/files`);
        request.setRequestHeader("Accept", "application/json");
        request.setRequestHeader("Accept-Language", getLocale());
        if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
        request.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
        request.onload = () => {
          if (request.status >= 200 && request.status < 300) {
            try {
              resolve(JSON.parse(request.responseText) as FileInfo);
            } catch (e) {
              reject(new NetworkError(e));
            }
          } else {
            reject(errorFromText(request.status, request.statusText, request.responseText, request.getResponseHeader("Retry-After")));
          }
        };
        request.onerror = () => reject(new NetworkError("the upload did not reach the server"));
        request.onabort = () => reject(new UploadAborted());
        const form = new FormData();
        form.append("file", file, name);
        request.send(form);
      });
    const promise = this.withRefresh(
      () => once(this.tokens.accessToken()),
      () => aborted,
    );
    return {
      promise,
      abort() {
        aborted = true;
        (xhr as XMLHttpRequest | null)?.abort();
      },
    };
  }

  /**
   * A file's bytes (the bearer token is needed: there are no public links), or with
   * `thumbnail` its preview of at most 400 px a side (only for a file with width and height).
   */
  fileBlob(id: string, thumbnail = false): Promise<Blob> {
    return this.blob(`/files/${encodeURIComponent(id)}${thumbnail ? "/thumbnail" : ""}`);
  }

  /** The caller, with whether they are on the support team (which shows the support queue). */
  me(): Promise<Me> {
    return this.request("GET", "/me");
  }
  users(q?: string): Promise<User[]> {
    return this.request("GET", `/users${query({ q })}`);
  }
  user(id: string): Promise<User> {
    return this.request("GET", `/users/${encodeURIComponent(id)}`);
  }
  departments(): Promise<Department[]> {
    return this.request("GET", "/departments");
  }
  channels(): Promise<Channel[]> {
    return this.request("GET", "/channels");
  }
  channel(id: string): Promise<Channel> {
    return this.request("GET", `/channels/${encodeURIComponent(id)}`);
  }
  createChannel(req: CreateChannelRequest): Promise<Channel> {
    return this.request("POST", "/channels", req);
  }
  join(id: string): Promise<void> {
    return this.request("POST", `/channels/${encodeURIComponent(id)}/join`);
  }
  leave(id: string): Promise<void> {
    return this.request("POST", `/channels/${encodeURIComponent(id)}/leave`);
  }
  openDm(userIds: string[]): Promise<Channel> {
    return this.request("POST", "/dms", { user_ids: userIds });
  }
  /** A thread's root and its replies after `after`, ascending. */
  thread(channelId: string, rootSeq: number, after = 0): Promise<ThreadPage> {
    return this.request("GET", `/channels/${encodeURIComponent(channelId)}/threads/${rootSeq}?after=${after}&limit=200`);
  }

  pin(channelId: string, messageId: string, on: boolean): Promise<void> {
    return this.request(on ? "PUT" : "DELETE", `/channels/${encodeURIComponent(channelId)}/pins/${encodeURIComponent(messageId)}`);
  }

  pins(channelId: string): Promise<PinList> {
    return this.request("GET", `/channels/${encodeURIComponent(channelId)}/pins`);
  }

  save(messageId: string, on: boolean): Promise<void> {
    return this.request(on ? "PUT" : "DELETE", `/saved/${encodeURIComponent(messageId)}`);
  }

  saved(): Promise<SavedList> {
    return this.request("GET", "/saved?limit=200");
  }

  updateChannel(id: string, patch: UpdateChannelRequest): Promise<Channel> {
    return this.request("PATCH", `/channels/${encodeURIComponent(id)}`, patch);
  }

  setArchived(id: string, on: boolean): Promise<Channel> {
    return this.request("POST", `/channels/${encodeURIComponent(id)}/${on ? "archive" : "unarchive"}`);
  }

  setMuted(id: string, on: boolean): Promise<Channel> {
    return this.request(on ? "PUT" : "DELETE", `/channels/${encodeURIComponent(id)}/mute`);
  }

  setMember(id: string, userId: string, on: boolean): Promise<void> {
    return this.request(on ? "PUT" : "DELETE", `/channels/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`);
  }

  /** Marks the channel unread from `seq` on: the marker moves to just before it. */
  markUnread(id: string, seq: number): Promise<{ last_read_seq: number }> {
    return this.request("POST", `/channels/${encodeURIComponent(id)}/unread`, { seq });
  }

  /** Marks a thread unread from the reply at `seq` on (the thread is followed again). */
  markThreadUnread(channelId: string, rootSeq: number, seq: number): Promise<{ last_read_seq: number }> {
    return this.request("POST", `/channels/${encodeURIComponent(channelId)}/threads/${rootSeq}/unread`, { seq });
  }

  updateUser(id: string, patch: UpdateUserRequest): Promise<User> {
    return this.request("PATCH", `/users/${encodeURIComponent(id)}`, patch);
  }

  /** A channel's members. */
  channelMembers(channelId: string): Promise<User[]> {
    return this.request("GET", `/channels/${encodeURIComponent(channelId)}/members`);
  }

  /** The commands a channel offers besides the built-in ones (members only), sorted by name. */
  channelCommands(channelId: string): Promise<ChannelCommand[]> {
    return this.request("GET", `/channels/${encodeURIComponent(channelId)}/commands`);
  }

  /** The threads the user follows, newest reply first. */
  threads(): Promise<ThreadList> {
    return this.request("GET", "/threads?limit=100");
  }

  messages(id: string, params: { before?: number; after?: number; around?: number; limit?: number }): Promise<MessagePage> {
    return this.request("GET", `/channels/${encodeURIComponent(id)}/messages${query(params)}`);
  }
  /** Search: `q` as typed in the box (words and filters), newest first; `cursor` for the next page. */
  search(q: string, cursor?: string, limit = 20): Promise<SearchResults> {
    return this.request("GET", `/search${query({ q, cursor, limit })}`);
  }
  /** A click on a message's button; the bot that owns the message answers by updating it. */
  action(channelId: string, messageId: string, actionId: string): Promise<void> {
    return this.request(
      "POST",
      `/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(messageId)}/actions`,
      { action_id: actionId } satisfies ActionRequest,
    );
  }
  /** Changes one's own message's text (the socket's `edit` frame does the same). */
  editMessage(channelId: string, messageId: string, body: string): Promise<Message> {
    return this.request("PATCH", messagePath(channelId, messageId), { body } satisfies EditMessageRequest);
  }
  /** Deletes a message for everyone: it stays as a tombstone. */
  deleteMessage(channelId: string, messageId: string): Promise<void> {
    return this.request("DELETE", messagePath(channelId, messageId));
  }
  /** Adds (`on`) or takes back one's reaction; both are idempotent. */
  react(channelId: string, messageId: string, emoji: string, on: boolean): Promise<void> {
    return this.request(on ? "PUT" : "DELETE", `${messagePath(channelId, messageId)}/reactions/${encodeURIComponent(emoji)}`);
  }
  events(id: string, after: number, limit = 500): Promise<EventPage> {
    return this.request("GET", `/channels/${encodeURIComponent(id)}/events${query({ after, limit })}`);
  }
}
