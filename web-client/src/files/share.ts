// The app's side of the Web Share Target: the service worker (public/sw.js) keeps what another
// app shared in the "xerrada-share" cache and opens /?share=1; this takes it from there, once
// (the cache is deleted as it is read), as files to attach and text for the composer.
export const SHARE_CACHE = "xerrada-share";
const SHARE_PATH = "/share-target";
/** A share older than this (the app was not opened then) is dropped, not posted by surprise. */
const SHARE_MAX_AGE_MS = 24 * 3600_000;

export interface Shared {
  files: File[];
  /** Title, text and link joined into one text for the composer (each once). */
  text: string;
}

type Caches = Pick<CacheStorage, "has" | "open" | "delete">;

/** Whether the page was opened by the service worker after a share. */
export function openedByShare(search: string): boolean {
  return new URLSearchParams(search).has("share");
}

/** The text to put in the composer: title, text and link, without repeating one inside another. */
export function sharedText(parts: { title?: string; text?: string; url?: string }): string {
  const out: string[] = [];
  for (const part of [parts.title, parts.text, parts.url]) {
    const value = part?.trim();
    if (value && !out.some((o) => o.includes(value))) out.push(value);
  }
  return out.join("\n");
}

export async function takeShared(caches: Caches, now = Date.now()): Promise<Shared | null> {
  if (!(await caches.has(SHARE_CACHE))) return null;
  try {
    const cache = await caches.open(SHARE_CACHE);
    const metaAnswer = await cache.match(`${SHARE_PATH}/meta`);
    if (!metaAnswer) return null;
    const meta = (await metaAnswer.json()) as { count?: unknown; title?: unknown; text?: unknown; url?: unknown; at?: unknown };
    if (typeof meta.at === "number" && now - meta.at > SHARE_MAX_AGE_MS) return null;
    const count = typeof meta.count === "number" ? Math.min(10, Math.max(0, Math.floor(meta.count))) : 0;
    const files: File[] = [];
    for (let i = 0; i < count; i++) {
      const answer = await cache.match(`${SHARE_PATH}/${i}`);
      if (!answer) continue;
      const blob = await answer.blob();
      let name = "file";
      try {
        name = decodeURIComponent(answer.headers.get("X-File-Name") ?? "file") || "file";
      } catch {
        // A name that is not valid UTF-8 once decoded: keep the default.
      }
      files.push(new File([blob], name, { type: answer.headers.get("Content-Type") ?? blob.type }));
    }
    const str = (v: unknown) => (typeof v === "string" ? v : "");
    const text = sharedText({ title: str(meta.title), text: str(meta.text), url: str(meta.url) });
    if (files.length === 0 && text === "") return null;
    return { files, text };
  } finally {
    await caches.delete(SHARE_CACHE);
  }
}
