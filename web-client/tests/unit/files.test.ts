// Files: the upload queue's states (progress, cancel, retry, the 10-file limit, Send rules),
// sizes in each language, preview boxes, the counted object URLs, what a paste attaches, the
// outbox keeping a message's file ids across retries and reloads, and the share target's
// hand-over from the service worker.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError, type Api } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, ClientFrame, FileInfo, ServerFrame, User } from "../../src/protocol";
import { ChatStore } from "../../src/store/chat";
import { parseSaved, storageKey } from "../../src/store/persist";
import { SyncEngine } from "../../src/sync/engine";
import { MAX_FILES, UploadAborted, type UploadHandle, UploadQueue, UploadQueues, channelQueueKey, threadQueueKey } from "../../src/files/queue";
import { fileKind, formatSize, isPreviewable, limitFromMessage, previewBox } from "../../src/files/format";
import { BlobUrls } from "../../src/files/blobs";
import { dragHasFiles, pastedFiles } from "../../src/files/clipboard";
import { estimateHeight } from "../../src/components/rows";
import { SHARE_CACHE, openedByShare, sharedText, takeShared } from "../../src/files/share";
import { recordingSocket } from "./support/socket";

const info = (id: string, extra: Partial<FileInfo> = {}): FileInfo => ({
  id, name: `${id}.png`, size: 100, content_type: "image/png", sha256: "ab", ...extra,
});

/** An uploader whose uploads the test settles by hand. */
function fakeUploader() {
  const calls: { name: string; progress: (loaded: number, total: number) => void; resolve: (f: FileInfo) => void; reject: (e: unknown) => void; aborted: boolean }[] = [];
  const uploader = (_file: Blob, name: string, progress: (loaded: number, total: number) => void): UploadHandle => {
    let resolve!: (f: FileInfo) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<FileInfo>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    const call = { name, progress, resolve, reject, aborted: false };
    calls.push(call);
    return {
      promise,
      abort: () => {
        call.aborted = true;
        reject(new UploadAborted());
      },
    };
  };
  return { uploader, calls };
}

const file = (name: string, size = 100, type = "image/png") => new File([new Uint8Array(size)], name, { type });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("the upload queue", () => {
  it("uploads each file at once, shows its progress, and sends only when all are done", async () => {
    const { uploader, calls } = fakeUploader();
    const queue = new UploadQueue(uploader);
    const changes = vi.fn();
    queue.subscribe(changes);
    queue.add([file("a.png", 200), file("b.pdf", 100, "application/pdf")]);
    expect(calls.map((c) => c.name)).toEqual(["a.png", "b.pdf"]);
    expect(queue.items.map((i) => i.state)).toEqual(["uploading", "uploading"]);
    expect(queue.canSend("")).toBe(false);
    expect(queue.canSend("hola")).toBe(false); // waits for the uploads
    calls[0]!.progress(50, 200);
    expect(queue.items[0]!.loaded).toBe(50);
    calls[0]!.resolve(info("f1"));
    await tick();
    expect(queue.items[0]!.state).toBe("done");
    expect(queue.busy).toBe(true);
    calls[1]!.resolve(info("f2", { content_type: "application/pdf" }));
    await tick();
    expect(queue.canSend("")).toBe(true);
    expect(queue.take().map((f) => f.id)).toEqual(["f1", "f2"]);
    expect(queue.items).toHaveLength(0);
    expect(changes).toHaveBeenCalled();
  });

  it("cancelling aborts the upload and removes the file; errors can be retried", async () => {
    const { uploader, calls } = fakeUploader();
    const queue = new UploadQueue(uploader);
    queue.add([file("a.png"), file("b.png")]);
    queue.cancel(queue.items[0]!.key);
    expect(calls[0]!.aborted).toBe(true);
    expect(queue.items.map((i) => i.name)).toEqual(["b.png"]);
    calls[1]!.reject(new NetworkError("down"));
    await tick();
    expect(queue.items[0]).toMatchObject({ state: "failed", error: { code: "offline" } });
    expect(queue.canSend("")).toBe(false);
    expect(queue.canSend("text only")).toBe(true);
    queue.retry(queue.items[0]!.key);
    expect(calls).toHaveLength(3);
    expect(queue.items[0]!.state).toBe("uploading");
    expect(queue.items[0]!.error).toBeUndefined();
    calls[2]!.resolve(info("f3"));
    await tick();
    expect(queue.ready().map((f) => f.id)).toEqual(["f3"]);
  });

  it("says the server's limit when a file is too large, and refuses empty files without uploading", async () => {
    const { uploader, calls } = fakeUploader();
    const queue = new UploadQueue(uploader);
    queue.add([file("big.bin", 10), file("empty.txt", 0, "text/plain")]);
    expect(calls).toHaveLength(1);
    expect(queue.items[1]).toMatchObject({ state: "failed", error: { code: "empty" } });
    calls[0]!.reject(new ApiError(413, "too_large", "the file is larger than the limit of 104857600 bytes"));
    await tick();
    expect(queue.items[0]!.error).toEqual({ code: "too_large", limit: 104857600 });
  });

  it("remembers the limit a 413 named: bigger files then fail at once, in every composer", async () => {
    const { uploader, calls } = fakeUploader();
    const queues = new UploadQueues(uploader);
    const first = queues.get(channelQueueKey("c1"));
    first.add([file("big.bin", 300)]);
    calls[0]!.reject(new ApiError(413, "too_large", "the file is larger than the limit of 200 bytes"));
    await tick();
    const other = queues.get(threadQueueKey("c2", 4));
    other.add([file("also-big.bin", 201), file("small.png", 200)]);
    expect(calls).toHaveLength(2);
    expect(other.items[0]).toMatchObject({ state: "failed", error: { code: "too_large", limit: 200 } });
    expect(other.items[1]!.state).toBe("uploading");
    queues.dispose();
    expect(calls[1]!.aborted).toBe(true);
  });

  it("takes at most 10 files per message; sent files leave, failed ones stay", async () => {
    const { uploader, calls } = fakeUploader();
    const queue = new UploadQueue(uploader);
    const refused = queue.add(Array.from({ length: 12 }, (_, i) => file(`${i}.png`)));
    expect(refused).toBe(2);
    expect(queue.items).toHaveLength(MAX_FILES);
    expect(queue.add([file("more.png")])).toBe(1);
    calls.forEach((c, i) => (i === 0 ? c.reject(new Error("boom")) : c.resolve(info(`f${i}`))));
    await tick();
    expect(queue.take()).toHaveLength(9);
    expect(queue.items.map((i) => i.state)).toEqual(["failed"]);
    expect(queue.items[0]!.error).toEqual({ code: "other" });
  });

  it("ignores answers of an upload that was cancelled", async () => {
    const { uploader, calls } = fakeUploader();
    const queue = new UploadQueue(uploader);
    queue.add([file("a.png")]);
    const key = queue.items[0]!.key;
    queue.cancel(key);
    calls[0]!.resolve(info("late"));
    await tick();
    expect(queue.items).toHaveLength(0);
    queue.add([file("b.png")]);
    queue.dispose();
    expect(calls[1]!.aborted).toBe(true);
  });
});

describe("file formatting", () => {
  it("formats sizes in the UI language", () => {
    expect(formatSize(12, "en")).toBe("12 bytes");
    expect(formatSize(1536, "en")).toBe("1.5 kB");
    expect(formatSize(1536, "ca")).toMatch(/^1,5\s?kB$/);
    expect(formatSize(1536, "es")).toMatch(/^1,5\s?kB$/);
    expect(formatSize(100 * 1024 * 1024, "en")).toBe("100 MB");
    expect(formatSize(5 * 1024 ** 3, "en")).toBe("5 GB");
  });

  it("finds the limit in a 413 message", () => {
    expect(limitFromMessage("the file is larger than the limit of 1024 bytes")).toBe(1024);
    expect(limitFromMessage("the upload is too large (length limit exceeded)")).toBeNull();
  });

  it("previews only the raster formats the server serves inline", () => {
    expect(isPreviewable({ content_type: "image/png", width: 10, height: 10 })).toBe(true);
    expect(isPreviewable({ content_type: "image/webp", width: 10, height: 10 })).toBe(true);
    expect(isPreviewable({ content_type: "image/svg+xml", width: 10, height: 10 })).toBe(false);
    expect(isPreviewable({ content_type: "application/pdf" })).toBe(false);
    // No width and height: the server has no thumbnail (too large, or not decodable), so a card.
    expect(isPreviewable({ content_type: "image/png" })).toBe(false);
    expect(isPreviewable({ content_type: "image/jpeg", width: 800 })).toBe(false);
    expect(fileKind({ content_type: "application/pdf", name: "a.pdf" })).toBe("pdf");
    expect(fileKind({ content_type: "application/octet-stream", name: "plànol.xlsx" })).toBe("sheet");
    expect(fileKind({ content_type: "application/zip", name: "x" })).toBe("archive");
  });

  it("reserves a preview box scaled down to fit, never up", () => {
    expect(previewBox({ width: 1200, height: 800 })).toEqual({ width: 360, height: 240 });
    expect(previewBox({ width: 400, height: 1600 })).toEqual({ width: 60, height: 240 });
    expect(previewBox({ width: 50, height: 40 })).toEqual({ width: 50, height: 40 });
    expect(previewBox({})).toEqual({ width: 240, height: 160 });
  });

  it("guesses a row's height with its image previews and file cards", () => {
    const row = (files: FileInfo[]) => ({
      kind: "message" as const,
      key: "k",
      grouped: false,
      entry: {
        kind: "message" as const,
        key: "k",
        delivery: "sent" as const,
        message: { id: "m", channel_id: "c", seq: 1, author_id: "a", body: "", created_at: "2026-01-01T00:00:00.000Z", client_msg_id: null, thread_root: null, edited_at: null, deleted: false, files },
      },
    });
    const plain = estimateHeight(row([]) as never);
    expect(estimateHeight(row([info("a", { width: 1200, height: 800 })]) as never)).toBe(plain + 8 + 240);
    expect(estimateHeight(row([info("b", { content_type: "application/pdf" })]) as never)).toBe(plain + 60);
  });
});

describe("object URLs of files", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("fetches once while used, and revokes a while after the last user leaves", async () => {
    const fetchBlob = vi.fn(async () => new Blob(["x"]));
    let n = 0;
    const revoked: string[] = [];
    const urls = new BlobUrls(fetchBlob, 1000, () => `blob:${++n}`, (u) => revoked.push(u));
    const a = await urls.acquire("f1");
    const b = await urls.acquire("f1");
    expect(a).toBe(b);
    expect(fetchBlob).toHaveBeenCalledTimes(1);
    urls.release("f1");
    urls.release("f1");
    vi.advanceTimersByTime(500);
    // Back within the grace: the same URL, nothing refetched.
    expect(await urls.acquire("f1")).toBe(a);
    urls.release("f1");
    vi.advanceTimersByTime(1000);
    expect(revoked).toEqual([a]);
    expect(urls.size).toBe(0);
  });

  it("revokes everything at logout, and forgets failed reads so they can be tried again", async () => {
    const fetchBlob = vi.fn().mockRejectedValueOnce(new Error("404")).mockResolvedValue(new Blob(["x"]));
    const revoked: string[] = [];
    const urls = new BlobUrls(fetchBlob, 1000, () => "blob:1", (u) => revoked.push(u));
    await expect(urls.acquire("f")).rejects.toThrow();
    expect(await urls.acquire("f")).toBe("blob:1");
    urls.clear();
    expect(revoked).toEqual(["blob:1"]);
  });
});

describe("pasting and dropping files", () => {
  const png = file("image.png");
  it("a pasted image becomes an attachment; a paste with text stays text", () => {
    expect(pastedFiles({ files: [png], types: ["Files"] })).toEqual([png]);
    expect(pastedFiles({ files: [png], types: ["text/plain", "text/html", "Files"] })).toEqual([]);
    expect(pastedFiles({ files: [], types: ["Files"], items: [{ kind: "file", type: "image/png", getAsFile: () => png }] })).toEqual([png]);
    expect(pastedFiles({ files: [], types: ["text/plain"] })).toEqual([]);
    expect(pastedFiles(null)).toEqual([]);
    expect(dragHasFiles({ types: ["Files"] })).toBe(true);
    expect(dragHasFiles({ types: ["text/uri-list"] })).toBe(false);
  });
});

// ---- the engine: file ids on the wire, kept by the outbox ----

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const channel: Channel = {
  id: "c1", name: "general", kind: "public", department_id: null, topic: "", last_seq: 10,
  member_count: 2, joined: true, last_read_seq: 10, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false,
};
const ready: ServerFrame = { type: "ready", session_id: "s", user: me, channels: [channel], online_user_ids: [] };

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

function engineSetup(storage: MemoryStorage | null = null) {
  const store = new ChatStore();
  const api = {
    users: async () => [],
    departments: async () => [],
    user: async (id: string) => ({ ...me, id, username: id }),
    events: async () => ({ events: [], has_more: false }),
    messages: async () => ({ messages: [], has_more: false }),
    saved: async () => ({ saved: [] }),
  } as unknown as Api;
  const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
  const engine = new SyncEngine(store, api, auth, { incoming: () => undefined }, () => undefined, storage);
  const { sends } = recordingSocket(engine);
  return { store, engine, sends };
}

describe("sending files", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends file_ids with the message, an empty body allowed, and keeps them on a retry", () => {
    const { store, engine, sends } = engineSetup();
    engine.handleFrame(ready);
    const files = [info("f1", { width: 10, height: 10 }), info("f2", { content_type: "application/pdf", name: "a.pdf" })];
    engine.send("c1", "", undefined, files);
    expect(sends()[0]).toMatchObject({ body: "", file_ids: ["f1", "f2"] });
    const pending = store.timeline("c1").pending[0]!;
    expect(store.timeline("c1").entries().at(-1)).toMatchObject({ delivery: "pending", message: { files } });
    engine.handleFrame({ type: "error", ref: pending.clientMsgId, code: "invalid_request", message: "no" });
    expect(store.timeline("c1").pending[0]!.state).toBe("failed");
    engine.retry("c1", pending.clientMsgId);
    expect(sends()[1]).toMatchObject({ client_msg_id: pending.clientMsgId, file_ids: ["f1", "f2"] });
    engine.handleFrame({ type: "ack", ref: pending.clientMsgId, channel_id: "c1", seq: 11, message_id: "m11" } as ServerFrame);
    expect(store.timeline("c1").confirmed.at(-1)).toMatchObject({ id: "m11", files });
    // Nothing at all is not a message.
    engine.send("c1", "  ");
    expect(sends()).toHaveLength(2);
  });

  it("keeps a pending message's files across a reload and resends the same ids", () => {
    const storage = new MemoryStorage();
    const first = engineSetup(storage);
    first.engine.start();
    first.engine.handleFrame(ready);
    (first.engine as unknown as { socket: { send: () => boolean } }).socket.send = () => false; // offline
    first.engine.send("c1", "", undefined, [info("f1", { width: 640, height: 480 })]);
    first.engine.stop();
    const saved = parseSaved(storage.getItem(storageKey("me")));
    expect(saved.pending[0]!.files).toEqual([info("f1", { width: 640, height: 480 })]);
    const second = engineSetup(storage);
    second.engine.start();
    second.engine.handleFrame(ready);
    vi.advanceTimersByTime(3000);
    expect(second.sends()[0]).toMatchObject({ body: "", file_ids: ["f1"] });
    second.engine.stop();
  });

  it("drops malformed saved files, and a saved message with neither text nor files", () => {
    const text = JSON.stringify({
      v: 1,
      drafts: {},
      pending: [
        { clientMsgId: "a", channelId: "c1", body: "", createdAt: "2026-01-01T00:00:00.000Z", state: "pending", sentOnce: false, files: [{ id: 3 }] },
        { clientMsgId: "b", channelId: "c1", body: "", createdAt: "2026-01-01T00:00:00.000Z", state: "pending", sentOnce: false, files: [info("ok"), { id: "x" }] },
      ],
    });
    const saved = parseSaved(text);
    expect(saved.pending.map((p) => p.clientMsgId)).toEqual(["b"]);
    expect(saved.pending[0]!.files).toEqual([info("ok")]);
  });
});

// ---- the share target: what the service worker kept, taken once by the app ----

/** The part of CacheStorage the app uses, in memory, filled the way public/sw.js fills it. */
function fakeCaches() {
  const stores = new Map<string, Map<string, Response>>();
  const caches = {
    has: async (name: string) => stores.has(name),
    delete: async (name: string) => stores.delete(name),
    open: async (name: string) => {
      let entries = stores.get(name);
      if (!entries) stores.set(name, (entries = new Map()));
      const map = entries;
      return {
        put: async (url: string, response: Response) => void map.set(url, response),
        match: async (url: string) => map.get(url)?.clone(),
      } as unknown as Cache;
    },
  };
  return { caches, stores };
}

async function keepShare(caches: ReturnType<typeof fakeCaches>["caches"], files: File[], meta: Record<string, unknown>) {
  const cache = await caches.open(SHARE_CACHE);
  for (const [i, f] of files.entries()) {
    await cache.put(`/share-target/${i}`, new Response(f, { headers: { "Content-Type": f.type, "X-File-Name": encodeURIComponent(f.name) } }));
  }
  await cache.put("/share-target/meta", new Response(JSON.stringify({ count: files.length, at: Date.now(), ...meta })));
}

describe("the share target", () => {
  it("hands the shared files and text to the app once, with their names and types", async () => {
    const { caches, stores } = fakeCaches();
    expect(await takeShared(caches)).toBeNull();
    await keepShare(caches, [file("plànol façana.png", 20), file("pressupost.pdf", 30, "application/pdf")], {
      title: "Obra",
      text: "Mira això https://example.org/x",
      url: "https://example.org/x",
    });
    const shared = (await takeShared(caches))!;
    expect(shared.files.map((f) => [f.name, f.type, f.size])).toEqual([
      ["plànol façana.png", "image/png", 20],
      ["pressupost.pdf", "application/pdf", 30],
    ]);
    expect(shared.text).toBe("Obra\nMira això https://example.org/x");
    expect(stores.has(SHARE_CACHE)).toBe(false);
    expect(await takeShared(caches)).toBeNull();
  });

  it("drops a share left unopened for a day, and an empty one", async () => {
    const { caches, stores } = fakeCaches();
    await keepShare(caches, [file("a.png")], { at: Date.now() - 2 * 24 * 3600_000 });
    expect(await takeShared(caches)).toBeNull();
    expect(stores.has(SHARE_CACHE)).toBe(false);
    await keepShare(caches, [], { title: "", text: "" });
    expect(await takeShared(caches)).toBeNull();
  });

  it("knows when the page was opened by a share, and joins the text parts once", () => {
    expect(openedByShare("?share=1")).toBe(true);
    expect(openedByShare("?e2e")).toBe(false);
    expect(sharedText({ title: "", text: "hola", url: "" })).toBe("hola");
    expect(sharedText({ url: "https://a.b/" })).toBe("https://a.b/");
  });
});
