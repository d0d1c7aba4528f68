// Object URLs for files read with the bearer token (there are no public links to put in an
// <img src>). Shared and counted: the windowed list mounts and unmounts rows as it scrolls, so a
// URL stays a little while after its last user leaves (scrolling back does not refetch), then
// is revoked. The sync engine keeps one for whole files (the lightbox, downloads) and one for
// thumbnails (the previews in the timeline). Unit-tested in tests/unit/files.test.ts.
export class BlobUrls {
  private entries = new Map<string, { count: number; promise: Promise<string>; url: string | null; timer: ReturnType<typeof setTimeout> | null }>();

  constructor(
    private readonly fetchBlob: (id: string) => Promise<Blob>,
    private readonly graceMs = 30_000,
    private readonly create: (blob: Blob) => string = (blob) => URL.createObjectURL(blob),
    private readonly revoke: (url: string) => void = (url) => URL.revokeObjectURL(url),
  ) {}

  /** An object URL for the file; call `release` once done with it. */
  acquire(id: string): Promise<string> {
    let entry = this.entries.get(id);
    if (!entry) {
      const fresh: { count: number; promise: Promise<string>; url: string | null; timer: ReturnType<typeof setTimeout> | null } = {
        count: 0,
        url: null,
        timer: null,
        promise: Promise.resolve(""),
      };
      fresh.promise = this.fetchBlob(id).then(
        (blob) => {
          const url = this.create(blob);
          // Released (and dropped) while loading: nobody will ever revoke it otherwise.
          if (this.entries.get(id) !== fresh) this.revoke(url);
          else fresh.url = url;
          return url;
        },
        (e: unknown) => {
          if (this.entries.get(id) === fresh) this.entries.delete(id);
          throw e;
        },
      );
      entry = fresh;
      this.entries.set(id, entry);
    }
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    entry.count++;
    return entry.promise;
  }

  release(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.count === 0) return;
    entry.count--;
    if (entry.count > 0) return;
    entry.timer = setTimeout(() => this.drop(id), this.graceMs);
  }

  /** Revokes every URL (logout). */
  clear(): void {
    for (const id of [...this.entries.keys()]) this.drop(id);
  }

  /** How many files are held (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.entries.delete(id);
    if (entry.url) this.revoke(entry.url);
  }
}
