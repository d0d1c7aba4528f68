// The files attached in one composer: each uploads as soon as it is added (with its progress),
// can be cancelled (aborted and removed) or retried after an error, and the message is sent
// with the ids of those that finished. Up to MAX_FILES per message, as the server allows.
//
// Send is disabled while any upload is still running (so a message never leaves without a
// file the user saw attached); failed files stay on their chip until retried or removed.
//
// The transport is injected, so the state machine is unit-tested without a network
// (tests/unit/uploads.test.ts); the browser uses Api.upload (XMLHttpRequest, for progress).
import type { FileInfo } from "../protocol";
import { limitFromMessage } from "./format";

export const MAX_FILES = 10;

export interface UploadHandle {
  promise: Promise<FileInfo>;
  abort(): void;
}

/** Starts one upload; `onProgress` gets the bytes sent so far and the total. */
export type Uploader = (file: Blob, name: string, onProgress: (loaded: number, total: number) => void) => UploadHandle;

export interface UploadError {
  /** A contract error code (`too_large`, `invalid_request`, …), `offline`, `empty` or `other`. */
  code: string;
  /** For `too_large`: the server's limit in bytes, when it said. */
  limit?: number;
  /** For `rate_limited`: how long the server asked to wait before the next upload. */
  retryAfterMs?: number;
}

export interface UploadItem {
  key: string;
  file: Blob;
  name: string;
  size: number;
  type: string;
  state: "uploading" | "done" | "failed";
  /** Bytes sent so far. */
  loaded: number;
  info?: FileInfo;
  error?: UploadError;
}

/** Thrown (and ignored) when the user cancels an upload. */
export class UploadAborted extends Error {
  constructor() {
    super("upload cancelled");
    this.name = "UploadAborted";
  }
}

/** Maps what an upload threw to what its chip says. */
export function uploadError(e: unknown): UploadError {
  const err = e as { name?: string; code?: string; status?: number; message?: string; retryAfterMs?: number };
  if (err?.name === "NetworkError") return { code: "offline" };
  if (err?.name === "ApiError" && typeof err.code === "string") {
    if (err.code === "too_large" || err.status === 413) {
      const limit = limitFromMessage(err.message ?? "");
      return limit !== null ? { code: "too_large", limit } : { code: "too_large" };
    }
    if (err.code === "rate_limited") return typeof err.retryAfterMs === "number" ? { code: "rate_limited", retryAfterMs: err.retryAfterMs } : { code: "rate_limited" };
    return { code: err.code === "unknown" ? "other" : err.code };
  }
  return { code: "other" };
}

let counter = 0;

/** What the server said about its size limit, shared by the queues of one session. */
export interface KnownLimit {
  bytes: number | null;
}

export class UploadQueue {
  private list: UploadItem[] = [];
  private handles = new Map<string, UploadHandle>();
  private listeners = new Set<() => void>();

  constructor(
    private readonly uploader: Uploader,
    /** Once a 413 named the limit, bigger files fail at once instead of being sent in vain. */
    private readonly limit: KnownLimit = { bytes: null },
  ) {}

  get items(): readonly UploadItem[] {
    return this.list;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Attaches files and starts uploading them. Returns how many were refused (over MAX_FILES). */
  add(files: readonly (File | Blob)[], names?: readonly string[]): number {
    const room = Math.max(0, MAX_FILES - this.list.length);
    const taken = files.slice(0, room);
    taken.forEach((file, i) => {
      const name = names?.[i] ?? (file as File).name ?? "file";
      const item: UploadItem = {
        key: `u${++counter}`,
        file,
        name: name || "file",
        size: file.size,
        type: file.type,
        state: "uploading",
        loaded: 0,
      };
      this.list = [...this.list, item];
      this.start(item.key);
    });
    if (taken.length > 0) this.emit();
    return files.length - taken.length;
  }

  /** Cancels an upload (or removes a finished or failed file): it is gone from the message. */
  cancel(key: string): void {
    const handle = this.handles.get(key);
    this.handles.delete(key);
    handle?.abort();
    const before = this.list.length;
    this.list = this.list.filter((i) => i.key !== key);
    if (this.list.length !== before) this.emit();
  }

  /** Uploads a failed file again. */
  retry(key: string): void {
    const item = this.find(key);
    if (!item || item.state !== "failed") return;
    this.start(key);
    this.emit();
  }

  /** Whether any file is still uploading. */
  get busy(): boolean {
    return this.list.some((i) => i.state === "uploading");
  }

  /** The uploaded files, in the order they were attached. */
  ready(): FileInfo[] {
    return this.list.filter((i) => i.state === "done" && i.info).map((i) => i.info!);
  }

  /** Whether Send may be pressed: text or an uploaded file, and nothing still uploading. */
  canSend(text: string): boolean {
    if (this.busy) return false;
    return text.trim() !== "" || this.ready().length > 0;
  }

  /** The uploaded files for the message being sent; they leave the composer. Failed ones stay. */
  take(): FileInfo[] {
    const files = this.ready();
    if (files.length === 0) return files;
    this.list = this.list.filter((i) => i.state !== "done");
    this.emit();
    return files;
  }

  /** Stops everything (logout). */
  dispose(): void {
    for (const handle of this.handles.values()) handle.abort();
    this.handles.clear();
    this.list = [];
    this.emit();
  }

  private find(key: string): UploadItem | undefined {
    return this.list.find((i) => i.key === key);
  }

  private update(key: string, change: Partial<UploadItem>): void {
    let found = false;
    this.list = this.list.map((i) => {
      if (i.key !== key) return i;
      found = true;
      const next = { ...i, ...change };
      if (change.state && change.state !== "failed") delete next.error;
      return next;
    });
    if (found) this.emit();
  }

  private start(key: string): void {
    const item = this.find(key);
    if (!item) return;
    if (item.size === 0) {
      this.update(key, { state: "failed", error: { code: "empty" } });
      return;
    }
    if (this.limit.bytes !== null && item.size > this.limit.bytes) {
      this.update(key, { state: "failed", error: { code: "too_large", limit: this.limit.bytes } });
      return;
    }
    this.update(key, { state: "uploading", loaded: 0 });
    let handle: UploadHandle | undefined;
    try {
      handle = this.uploader(item.file, item.name, (loaded) => {
        if (handle && this.handles.get(key) === handle) this.update(key, { loaded: Math.min(loaded, item.size) });
      });
    } catch (e) {
      this.update(key, { state: "failed", error: uploadError(e) });
      return;
    }
    this.handles.set(key, handle);
    handle.promise.then(
      (info) => {
        if (this.handles.get(key) !== handle) return;
        this.handles.delete(key);
        this.update(key, { state: "done", loaded: item.size, info });
      },
      (e: unknown) => {
        if (this.handles.get(key) !== handle) return;
        this.handles.delete(key);
        if (e instanceof UploadAborted) return;
        const error = uploadError(e);
        if (error.limit !== undefined) this.limit.bytes = error.limit;
        this.update(key, { state: "failed", error });
      },
    );
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** One queue per composer (a channel's, a thread's), kept while switching between them. */
export class UploadQueues {
  private queues = new Map<string, UploadQueue>();
  private readonly limit: KnownLimit = { bytes: null };

  constructor(private readonly uploader: Uploader) {}

  get(key: string): UploadQueue {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new UploadQueue(this.uploader, this.limit);
      this.queues.set(key, queue);
    }
    return queue;
  }

  dispose(): void {
    for (const queue of this.queues.values()) queue.dispose();
    this.queues.clear();
  }
}

export const channelQueueKey = (channelId: string) => `c:${channelId}`;
export const threadQueueKey = (channelId: string, rootSeq: number) => `t:${channelId}:${rootSeq}`;
