// A small Markdown subset for chat messages, parsed into a plain tree that the renderer turns
// into Preact elements. There is no HTML anywhere on this path: a message's text only ever
// becomes text nodes, and the only attribute it can reach is a link's href, which must parse
// as an http:, https: or mailto: URL. Raw HTML in a message therefore shows as typed.
//
// Blocks: paragraphs (single newlines kept as line breaks), ``` fenced code ```, > quotes,
// "- " / "* " / "1. " lists. Inline: **bold**, *italic* / _italic_, ~~strike~~, `code`,
// autolinks, [label](url) links (webhook text arrives in this form: the server converts
// Slack's `<url|label>`), @mentions, and backslash escapes. A labelled link whose URL is not
// http:, https: or mailto: stays plain text, exactly as typed.

export type Inline =
  | { t: "text"; v: string }
  | { t: "br" }
  | { t: "code"; v: string }
  | { t: "strong" | "em" | "del"; c: Inline[] }
  /** `v` is the URL as written; `c`, when present, is the label shown instead. */
  | { t: "link"; href: string; v: string; c?: Inline[] }
  | { t: "mention"; v: string };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "pre"; lang: string; v: string }
  | { t: "quote"; c: Block[] }
  | { t: "list"; ordered: boolean; start: number; items: Inline[][] };

/** Quotes inside quotes inside quotes... stop here; deeper markers stay as text. */
const MAX_QUOTE_DEPTH = 4;
/** Emphasis nesting limit, so crafted input cannot exhaust the stack. */
const MAX_INLINE_DEPTH = 6;
/** Longest label and URL of a `[label](url)` link. */
const MAX_LABEL = 1000;
const MAX_URL = 2048;

const FENCE = /^\s{0,3}```\s*([\w+#.-]*)\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const BULLET = /^\s{0,3}[-*•]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, "\n").split("\n"), 0);
}

function parseBlocks(lines: string[], depth: number): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ t: "p", c: parseInline(paragraph.join("\n")) });
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      i += 1;
      // An unclosed fence runs to the end of the message, as in Slack and Mattermost.
      while (i < lines.length && !/^\s{0,3}```\s*$/.test(lines[i]!)) body.push(lines[i++]!);
      i += 1;
      blocks.push({ t: "pre", lang: fence[1] ?? "", v: body.join("\n") });
      continue;
    }
    if (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) {
      flush();
      const inner: string[] = [];
      while (i < lines.length) {
        const m = QUOTE.exec(lines[i]!);
        if (!m) break;
        inner.push(m[1] ?? "");
        i += 1;
      }
      blocks.push({ t: "quote", c: parseBlocks(inner, depth + 1) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      flush();
      const isOrdered = !bullet;
      const pattern = isOrdered ? ORDERED : BULLET;
      const items: Inline[][] = [];
      const start = ordered ? Number(ordered[1]) : 1;
      while (i < lines.length) {
        const m = pattern.exec(lines[i]!);
        if (!m) break;
        items.push(parseInline((isOrdered ? m[2] : m[1]) ?? ""));
        i += 1;
      }
      blocks.push({ t: "list", ordered: isOrdered, start, items });
      continue;
    }
    if (line.trim() === "") {
      flush();
      i += 1;
      continue;
    }
    paragraph.push(line);
    i += 1;
  }
  flush();
  return blocks;
}

const ESCAPABLE = "\\`*_~>#-+.!@[](){}|";
const URL_START = /^(https?:\/\/|mailto:)/i;
const MENTION = /^@([\p{L}\p{N}._-]*[\p{L}\p{N}_])/u;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Parses inline markup of one paragraph or list item. */
export function parseInline(text: string): Inline[] {
  return new InlineParser(text).parse(0, text.length, 0);
}

class InlineParser {
  /** Per delimiter, a start position from which no closer exists up to the text's end. */
  private noCloser = new Map<string, number>();
  /** True while parsing a link's label: links do not nest. */
  private inLabel = false;

  constructor(private readonly s: string) {}

  parse(from: number, to: number, depth: number): Inline[] {
    const out: Inline[] = [];
    let text = "";
    const pushText = () => {
      if (text) out.push({ t: "text", v: text });
      text = "";
    };
    const s = this.s;
    let i = from;
    while (i < to) {
      const c = s[i]!;
      if (c === "\\" && i + 1 < to && ESCAPABLE.includes(s[i + 1]!)) {
        text += s[i + 1];
        i += 2;
        continue;
      }
      if (c === "\n") {
        pushText();
        out.push({ t: "br" });
        i += 1;
        continue;
      }
      if (c === "`") {
        const run = this.runLength(i, to, "`");
        const close = this.findCodeClose(i + run, to, run);
        if (close >= 0) {
          pushText();
          let code = s.slice(i + run, close);
          if (run >= 3) code = code.replace(/^\n/, "").replace(/\n$/, "");
          out.push({ t: "code", v: code });
          i = close + run;
          continue;
        }
        text += s.slice(i, i + run);
        i += run;
        continue;
      }
      if (depth < MAX_INLINE_DEPTH) {
        const span = this.emphasis(i, to);
        if (span) {
          pushText();
          out.push({ t: span.kind, c: this.parse(span.innerFrom, span.innerTo, depth + 1) });
          i = span.end;
          continue;
        }
      }
      if (c === "[" && !this.inLabel) {
        const link = this.labelledLink(i, to);
        if (link) {
          pushText();
          if (link.href === null) {
            // Not a web or mail link (javascript:, data:, relative...): shown as typed.
            text += s.slice(i, link.end);
          } else {
            this.inLabel = true;
            const label = depth < MAX_INLINE_DEPTH ? this.parse(link.labelFrom, link.labelTo, depth + 1) : [{ t: "text" as const, v: s.slice(link.labelFrom, link.labelTo) }];
            this.inLabel = false;
            const node: Inline = { t: "link", href: link.href, v: link.url };
            if (label.length > 0) node.c = label;
            out.push(node);
          }
          i = link.end;
          continue;
        }
      }
      const prev = i > 0 ? s[i - 1]! : " ";
      if (!this.inLabel && (c === "h" || c === "H" || c === "m" || c === "M") && !WORD_CHAR.test(prev)) {
        const link = this.autolink(i, to);
        if (link) {
          pushText();
          out.push({ t: "link", href: link, v: link });
          i += link.length;
          continue;
        }
      }
      if (c === "@" && !WORD_CHAR.test(prev)) {
        const m = MENTION.exec(s.slice(i, to));
        if (m) {
          pushText();
          out.push({ t: "mention", v: m[1]! });
          i += m[0].length;
          continue;
        }
      }
      text += c;
      i += 1;
    }
    pushText();
    return out;
  }

  private runLength(i: number, to: number, ch: string): number {
    let n = 0;
    while (i + n < to && this.s[i + n] === ch) n += 1;
    return n;
  }

  /** The start of a backtick run of exactly `run` backticks closing a code span, or -1. */
  private findCodeClose(from: number, to: number, run: number): number {
    const key = "`".repeat(run);
    if (this.skip(key, from)) return -1;
    let i = from;
    while (i < to) {
      const at = this.s.indexOf(key, i);
      if (at < 0 || at + run > to) break;
      const length = this.runLength(at, to, "`");
      if (length === run) return at;
      i = at + length;
    }
    this.remember(key, from, to);
    return -1;
  }

  /** An emphasis span opening at `i`: **strong**, ~~del~~, *em* or _em_. */
  private emphasis(i: number, to: number): { kind: "strong" | "em" | "del"; innerFrom: number; innerTo: number; end: number } | null {
    const s = this.s;
    const c = s[i]!;
    let delim: string;
    let kind: "strong" | "em" | "del";
    if (c === "*" && s[i + 1] === "*") [delim, kind] = ["**", "strong"];
    else if (c === "~" && s[i + 1] === "~") [delim, kind] = ["~~", "del"];
    else if (c === "*") [delim, kind] = ["*", "em"];
    else if (c === "_") [delim, kind] = ["_", "em"];
    else return null;
    const innerFrom = i + delim.length;
    const first = s[innerFrom];
    if (first === undefined || innerFrom >= to || /\s/.test(first)) return null;
    // Intraword underscores (snake_case_names) are not emphasis.
    if (delim === "_" && i > 0 && WORD_CHAR.test(s[i - 1]!)) return null;
    const close = this.findEmphasisClose(delim, innerFrom, to);
    if (close < 0) return null;
    return { kind, innerFrom, innerTo: close, end: close + delim.length };
  }

  private findEmphasisClose(delim: string, from: number, to: number): number {
    if (this.skip(delim, from)) return -1;
    const s = this.s;
    let i = from + 1;
    while (i < to) {
      const at = s.indexOf(delim, i);
      if (at < 0 || at + delim.length > to) break;
      const before = s[at - 1]!;
      const after = s[at + delim.length];
      const okBefore = !/\s/.test(before);
      // A single `*` must not be half of a `**`, and `_` must end a word.
      const okAfter =
        (delim !== "*" || (after !== "*" && before !== "*")) &&
        (delim !== "_" || after === undefined || !WORD_CHAR.test(after));
      if (okBefore && okAfter) return at;
      i = at + 1;
    }
    this.remember(delim, from, to);
    return -1;
  }

  /** Memo of failed closer searches: keeps pathological input (`**a **a **a ...`) linear-ish. */
  private skip(key: string, from: number): boolean {
    const failedFrom = this.noCloser.get(key);
    return failedFrom !== undefined && from >= failedFrom;
  }

  private remember(key: string, from: number, to: number): void {
    if (to !== this.s.length) return;
    const known = this.noCloser.get(key);
    if (known === undefined || from < known) this.noCloser.set(key, from);
  }

  /**
   * `[label](url)` starting at `i`: the label's bounds, the URL, where it ends, and the href
   * (null when the URL is not a safe link). Null when the text there is not that shape.
   */
  private labelledLink(i: number, to: number): { labelFrom: number; labelTo: number; url: string; href: string | null; end: number } | null {
    const s = this.s;
    // The label: up to the matching "]" (brackets may nest; backslash escapes skip a char).
    let level = 0;
    let j = i + 1;
    let labelTo = -1;
    // Bounded scans keep crafted input ("[[[[..." or "[a](((...") from going quadratic.
    const labelLimit = Math.min(to, i + 1 + MAX_LABEL);
    for (; j < labelLimit; j++) {
      const ch = s[j]!;
      if (ch === "\\") {
        j += 1;
        continue;
      }
      if (ch === "\n") return null;
      if (ch === "[") level += 1;
      else if (ch === "]") {
        if (level === 0) {
          labelTo = j;
          break;
        }
        level -= 1;
      }
    }
    if (labelTo < 0 || s[labelTo + 1] !== "(") return null;
    // The URL: no spaces, parentheses balanced (Wikipedia-style URLs keep theirs).
    let depthParen = 0;
    let k = labelTo + 2;
    const urlLimit = Math.min(to, k + MAX_URL);
    for (; k < urlLimit; k++) {
      const code = s.charCodeAt(k);
      // Space and control characters, "<", ">", '"' (Unicode spaces are refused by safeHref).
      if (code <= 32 || code === 60 || code === 62 || code === 34) return null;
      if (code === 40) depthParen += 1;
      else if (code === 41) {
        if (depthParen === 0) break;
        depthParen -= 1;
      }
    }
    if (k >= urlLimit) return null;
    const url = s.slice(labelTo + 2, k);
    if (url === "") return null;
    return { labelFrom: i + 1, labelTo, url, href: safeHref(url), end: k + 1 };
  }

  /** An http(s) or mailto URL starting at `i`, trimmed of trailing punctuation, or null. */
  private autolink(i: number, to: number): string | null {
    const rest = this.s.slice(i, to);
    if (!URL_START.test(rest)) return null;
    let candidate = /^[^\s<>"'`]+/.exec(rest)?.[0] ?? "";
    candidate = trimUrl(candidate);
    return safeHref(candidate);
  }
}

/** Drops sentence punctuation after a URL, and a closing bracket that has no opening one. */
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const last = u[u.length - 1];
    if (last && ".,;:!?*_~".includes(last)) {
      u = u.slice(0, -1);
      continue;
    }
    if (last === ")" && count(u, "(") < count(u, ")")) {
      u = u.slice(0, -1);
      continue;
    }
    return u;
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n += 1;
  return n;
}

/** The URL if it is an http:, https: or mailto: URL with something after the scheme. */
export function safeHref(candidate: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return null;
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme === "http:" || scheme === "https:") return parsed.hostname ? candidate : null;
  if (scheme === "mailto:") return candidate.length > "mailto:".length ? candidate : null;
  return null;
}
