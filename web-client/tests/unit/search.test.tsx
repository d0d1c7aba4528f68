// Search: the highlight parser (no innerHTML: text and <mark> parts from the server's escaped
// excerpt) and the timeline's gap after opening a result far back in history.
import { describe, expect, it } from "vitest";
import { renderToString } from "preact-render-to-string";
import type { Message } from "../../src/protocol";
import { decodeEntities, parseHighlight } from "../../src/search/highlight";
import { Highlight } from "../../src/components/SearchView";
import { Timeline } from "../../src/store/timeline";

describe("search highlights", () => {
  it("splits on <mark> and </mark> and decodes the five entities", () => {
    expect(parseHighlight("On vam parlar de la <mark>llicència</mark> d&#39;obres?")).toEqual([
      { text: "On vam parlar de la ", mark: false },
      { text: "llicència", mark: true },
      { text: " d'obres?", mark: false },
    ]);
    expect(decodeEntities("&lt;a href=&quot;x&quot;&gt; &amp; &#39;")).toBe('<a href="x"> & \'');
    // Decoded once: an escaped entity stays an entity as text.
    expect(decodeEntities("&amp;lt;")).toBe("&lt;");
    // Other entities are not the server's: left as written.
    expect(decodeEntities("&nbsp;&#x41;")).toBe("&nbsp;&#x41;");
  });

  it("keeps a user's literal <mark> text as text", () => {
    const parts = parseHighlight("he escrit &lt;mark&gt;<mark>hola</mark>&lt;/mark&gt; i &lt;b&gt;");
    expect(parts).toEqual([
      { text: "he escrit <mark>", mark: false },
      { text: "hola", mark: true },
      { text: "</mark> i <b>", mark: false },
    ]);
  });

  it("handles several marks, marks at the ends and an excerpt without any", () => {
    expect(parseHighlight("<mark>a</mark> b <mark>c</mark>")).toEqual([
      { text: "a", mark: true },
      { text: " b ", mark: false },
      { text: "c", mark: true },
    ]);
    expect(parseHighlight("només text")).toEqual([{ text: "només text", mark: false }]);
    expect(parseHighlight("")).toEqual([]);
  });

  it("renders text nodes and <mark> elements, never the markup it was given", () => {
    const html = renderToString(<Highlight html={"&lt;script&gt;alert(1)&lt;/script&gt; <mark>cafè</mark> &lt;mark&gt;x&lt;/mark&gt;"} />);
    expect(html).toBe("&lt;script>alert(1)&lt;/script> <mark>cafè</mark> &lt;mark>x&lt;/mark>");
    expect(html).not.toContain("<script");
    expect(html.split("<mark>").length - 1).toBe(1);
  });
});

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`, channel_id: "c", seq, author_id: "u", body: `m ${seq}`, created_at: "2026-01-01T09:00:00.000Z",
    client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
  };
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));
const seqs = (t: Timeline) => t.entries().map((e) => (e.kind === "message" ? e.message.seq : e.kind));

describe("opening a message far back (around)", () => {
  it("shows the page around it, a gap, then the newest page; filling the gap closes it", () => {
    const t = new Timeline("c");
    t.mergeLatest(range(151, 200), true);
    expect(t.showsSeq(10)).toBe(false);
    t.mergeAround(range(1, 35), 10, 50, true);
    expect(t.gap).toEqual({ after: 35, before: 151 });
    expect(t.showsSeq(10)).toBe(true);
    expect(t.hasMoreBefore).toBe(false); // fewer than 25 at or below seq 10
    const shown = seqs(t);
    expect(shown.slice(0, 36)).toEqual([...range(1, 35).map((m) => m.seq), "gap"]);
    expect(shown[36]).toBe(151);
    t.fillGap(range(36, 85), true);
    expect(t.gap).toEqual({ after: 85, before: 151 });
    t.fillGap(range(86, 150), true);
    expect(t.gap).toBeNull();
    expect(seqs(t)).toEqual(range(1, 200).map((m) => m.seq));
  });

  it("joins a page that overlaps the loaded history without a gap", () => {
    const t = new Timeline("c");
    t.mergeLatest(range(51, 100), true);
    t.mergeAround(range(30, 60), 55, 50, true);
    expect(t.gap).toBeNull();
    expect(t.oldestSeq).toBe(30);
    expect(t.hasMoreBefore).toBe(true);
    expect(seqs(t)).toEqual(range(30, 100).map((m) => m.seq));
  });

  it("keeps one gap: a page inside it becomes the older stretch", () => {
    const t = new Timeline("c");
    t.mergeLatest(range(401, 450), true);
    t.mergeAround(range(76, 125), 100, 50, true);
    expect(t.gap).toEqual({ after: 125, before: 401 });
    t.mergeAround(range(276, 325), 300, 50, true);
    expect(t.gap).toEqual({ after: 325, before: 401 });
    expect(t.oldestSeq).toBe(276);
    expect(t.hasMoreBefore).toBe(true);
    expect(t.showsSeq(100)).toBe(false);
    expect(t.showsSeq(300)).toBe(true);
    // A page reaching from the older stretch into the newer one closes the gap.
    t.mergeAround(range(320, 410), 360, 100, true);
    expect(t.gap).toBeNull();
  });

  it("an empty page after the gap closes it (only membership events were there)", () => {
    const t = new Timeline("c");
    t.mergeLatest(range(101, 150), true);
    t.mergeAround(range(1, 40), 5, 50, true);
    t.fillGap([], false);
    expect(t.gap).toBeNull();
  });
});
