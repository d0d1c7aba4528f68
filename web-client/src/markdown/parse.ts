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
//
// Every message has a work budget (`ParseBudget`): the steps the parser takes (each character
// looked at, by the main loop and by every look-ahead) and the nodes it makes (formatting,
// links, mentions, line breaks, blocks, list items). Crafted text such as `*_` or `` `a ``
// thousands of times would otherwise cost thousands of elements each, and sixty of them in view
// stalled the page for seconds. Past the budget the rest of the message is plain text: escaped
// like any text, every character kept, its line breaks kept by the `plain` paragraph.

export type Inline =
  | { t: "text"; v: string }
  | { t: "br" }
  | { t: "code"; v: string }
  | { t: "strong" | "em" | "del"; c: Inline[] }
  /** `v` is the URL as written; `c`, when present, is the label shown instead. */
  | { t: "link"; href: string; v: string; c?: Inline[] }
  | { t: "mention"; v: string };

export type Block =
  /** `plain`: the budget ran out in this paragraph; its text keeps its line breaks as characters. */
  | { t: "p"; c: Inline[]; plain?: true }
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
/**
 * Most nodes one message makes: more than a long, richly formatted message needs. Measured in
 * Chromium, laying out 60 messages of 2,000 nodes each took 1.6 s, of 500 each 0.3-0.4 s.
 */
export const MAX_MARKUP_NODES = 500;
/** Most parser steps per message: a few per character of the longest message (16 KiB) with room to spare. */
export const MAX_PARSE_STEPS = 150_000;

/** What parsing one message may cost, and what it cost so far (tests read the counts). */
export class ParseBudget {
  steps = 0;
  nodes = 0;

  constructor(
    readonly maxSteps = MAX_PARSE_STEPS,
    readonly maxNodes = MAX_MARKUP_NODES,
  ) {}

  /** True once either limit is reached: from then on, text stays plain. */
  get exhausted(): boolean {
    return this.steps >= this.maxSteps || this.nodes >= this.maxNodes;
  }
}

const FENCE = /^\s{0,3}```\s*([\w+#.-]*)\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const BULLET = /^\s{0,3}[-*•]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;

/** The blocks of one message; `budget` (a fresh one by default) bounds the work, and counts it. */
export function parseMarkdown(source: string, budget = new ParseBudget()): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, "\n").split("\n"), 0, budget);
}

function parseBlocks(lines: string[], depth: number, budget: ParseBudget): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) {
      budget.nodes += 1;
      blocks.push(paragraphBlock(parseInline(paragraph.join("\n"), budget)));
    }
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    if (budget.exhausted) {
      flush();
      const rest = plainRest(lines.slice(i));
      if (rest) blocks.push(rest);
      break;
    }
    const line = lines[i]!;
    budget.steps += line.length + 1;
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      i += 1;
      // An unclosed fence runs to the end of the message, as in Slack and Mattermost.
      while (i < lines.length && !/^\s{0,3}```\s*$/.test(lines[i]!)) {
        budget.steps += lines[i]!.length + 1;
        body.push(lines[i++]!);
      }
      i += 1;
      budget.nodes += 1;
      blocks.push({ t: "pre", lang: fence[1] ?? "", v: body.join("\n") });
      continue;
    }
    if (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) {
      flush();
      const inner: string[] = [];
      while (i < lines.length) {
        const m = QUOTE.exec(lines[i]!);
        if (!m) break;
        budget.steps += lines[i]!.length + 1;
        inner.push(m[1] ?? "");
        i += 1;
      }
      budget.nodes += 1;
      blocks.push({ t: "quote", c: parseBlocks(inner, depth + 1, budget) });
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
      budget.nodes += 1;
      // A list stops where the budget runs out; the lines after it then show as typed.
      while (i < lines.length && !budget.exhausted) {
        const m = pattern.exec(lines[i]!);
        if (!m) break;
        budget.steps += lines[i]!.length + 1;
        budget.nodes += 1;
        items.push(parseInline((isOrdered ? m[2] : m[1]) ?? "", budget));
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

/** A paragraph, `plain` when the budget ran out in it (its text then holds raw line breaks). */
function paragraphBlock(c: Inline[]): Block {
  return hasRawNewline(c) ? { t: "p", c, plain: true } : { t: "p", c };
}

/** Parsed text never holds a newline (it becomes `br`): one there is plain text past the budget. */
function hasRawNewline(nodes: Inline[]): boolean {
  return nodes.some((n) => (n.t === "text" && n.v.includes("\n")) || ("c" in n && n.c !== undefined && hasRawNewline(n.c)));
}

/** The lines left when the budget ran out, as one plain paragraph (null when only blank lines). */
function plainRest(lines: string[]): Block | null {
  const text = lines.join("\n").replace(/^\n+|\n+$/g, "");
  return text.trim() === "" ? null : { t: "p", c: [{ t: "text", v: text }], plain: true };
}

const ESCAPABLE = "\\`*_~>#-+.!@[](){}|";
const URL_START = /^(https?:\/\/|mailto:)/i;
const MENTION = /^@([\p{L}\p{N}._-]*[\p{L}\p{N}_])/u;
/** Sticky: matched where the parser stands, without copying the rest of the text. */
const URL_CHARS = /[^\s<>"'`]+/y;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Parses inline markup of one paragraph or list item, within `budget` (a fresh one by default). */
export function parseInline(text: string, budget = new ParseBudget()): Inline[] {
  return new InlineParser(text, budget).parse(0, text.length, 0);
}

class InlineParser {
  /**
   * Failed closer searches: per delimiter and end of the range searched, the lowest start from
   * which none was found. A later search from further on, in the same range or a shorter one,
   * fails without looking, which keeps `**a **a **a ...` linear inside a span as well.
   */
  private noCloser = new Map<string, number>();
  /** Per character, where the last look for its next occurrence started and what it found. */
  private nextSeen = new Map<string, { from: number; at: number }>();
  /** True while parsing a link's label: links do not nest. */
  private inLabel = false;

  constructor(
    private readonly s: string,
    private readonly budget: ParseBudget,
  ) {}

  parse(from: number, to: number, depth: number): Inline[] {
    const out: Inline[] = [];
    const budget = this.budget;
    let text = "";
    const pushText = () => {
      if (text) out.push({ t: "text", v: text });
      text = "";
    };
    const push = (node: Inline) => {
      pushText();
      budget.nodes += 1;
      out.push(node);
    };
    const s = this.s;
    let i = from;
    while (i < to) {
      if (budget.exhausted) {
        // Out of budget: the rest as typed (backslashes, markers and line breaks included).
        text += s.slice(i, to);
        break;
      }
      budget.steps += 1;
      const c = s[i]!;
      if (c === "\\" && i + 1 < to && ESCAPABLE.includes(s[i + 1]!)) {
        text += s[i + 1];
        i += 2;
        continue;
      }
      if (c === "\n") {
        push({ t: "br" });
        i += 1;
        continue;
      }
      if (c === "`") {
        const run = this.runLength(i, to, "`");
        const close = this.findCodeClose(i + run, to, run);
        if (close >= 0) {
          let code = s.slice(i + run, close);
          if (run >= 3) code = code.replace(/^\n/, "").replace(/\n$/, "");
          push({ t: "code", v: code });
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
          push({ t: span.kind, c: this.parse(span.innerFrom, span.innerTo, depth + 1) });
          i = span.end;
          continue;
        }
      }
      if (c === "[" && !this.inLabel) {
        const link = this.labelledLink(i, to);
        if (link) {
          if (link.href === null) {
            // Not a web or mail link (javascript:, data:, relative...): shown as typed.
            text += s.slice(i, link.end);
          } else {
            this.inLabel = true;
            const label = depth < MAX_INLINE_DEPTH ? this.parse(link.labelFrom, link.labelTo, depth + 1) : [{ t: "text" as const, v: s.slice(link.labelFrom, link.labelTo) }];
            this.inLabel = false;
            const node: Inline = { t: "link", href: link.href, v: link.url };
            if (label.length > 0) node.c = label;
            push(node);
          }
          i = link.end;
          continue;
        }
      }
      const prev = i > 0 ? s[i - 1]! : " ";
      if (!this.inLabel && (c === "h" || c === "H" || c === "m" || c === "M") && !WORD_CHAR.test(prev)) {
        const link = this.autolink(i, to);
        if (link) {
          push({ t: "link", href: link, v: link });
          i += link.length;
          continue;
        }
      }
      if (c === "@" && !WORD_CHAR.test(prev)) {
        const m = MENTION.exec(s.slice(i, to));
        if (m) {
          budget.steps += m[0].length;
          push({ t: "mention", v: m[1]! });
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
    this.budget.steps += n;
    return n;
  }

  /** The start of a backtick run of exactly `run` backticks closing a code span, or -1. */
  private findCodeClose(from: number, to: number, run: number): number {
    const key = "`".repeat(run);
    if (this.skip(key, from, to)) return -1;
    let i = from;
    while (i < to) {
      const at = this.s.indexOf(key, i);
      if (at < 0 || at + run > to) break;
      this.budget.steps += at - i;
      const length = this.runLength(at, to, "`");
      if (length === run) return at;
      i = at + length;
    }
    this.budget.steps += Math.max(0, to - i);
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
    if (this.skip(delim, from, to)) return -1;
    const s = this.s;
    let i = from + 1;
    while (i < to) {
      const at = s.indexOf(delim, i);
      if (at < 0 || at + delim.length > to) break;
      this.budget.steps += at - i + 1;
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
    this.budget.steps += Math.max(0, to - i);
    this.remember(delim, from, to);
    return -1;
  }

  /**
   * Whether a search for `key` from `from` within `to` is known to fail: one from no further on
   * found nothing up to the end of the text, or up to this same end.
   */
  private skip(key: string, from: number, to: number): boolean {
    for (const end of [this.s.length, to]) {
      const failedFrom = this.noCloser.get(`${key}\u0000${end}`);
      if (failedFrom !== undefined && from >= failedFrom) return true;
    }
    return false;
  }

  private remember(key: string, from: number, to: number): void {
    const name = `${key}\u0000${to}`;
    const known = this.noCloser.get(name);
    if (known === undefined || from < known) this.noCloser.set(name, from);
  }

  /** The next `ch` at or after `from` (-1: none), remembered: the parser moves forward. */
  private nextIndex(ch: string, from: number): number {
    const seen = this.nextSeen.get(ch);
    if (seen && seen.from <= from && (seen.at < 0 || seen.at >= from)) return seen.at;
    const at = this.s.indexOf(ch, from);
    this.budget.steps += (at < 0 ? this.s.length : at) - from;
    this.nextSeen.set(ch, { from, at });
    return at;
  }

  /**
   * `[label](url)` starting at `i`: the label's bounds, the URL, where it ends, and the href
   * (null when the URL is not a safe link). Null when the text there is not that shape.
   */
  private labelledLink(i: number, to: number): { labelFrom: number; labelTo: number; url: string; href: string | null; end: number } | null {
    const s = this.s;
    // Bounded scans keep crafted input ("[[[[..." or "[a](((...") from going quadratic; and
    // with no "]" (or no ")") close enough, there is nothing to scan for.
    const labelLimit = Math.min(to, i + 1 + MAX_LABEL);
    const firstClose = this.nextIndex("]", i + 1);
    if (firstClose < 0 || firstClose >= labelLimit) return null;
    // The label: up to the matching "]" (brackets may nest; backslash escapes skip a char).
    let level = 0;
    let j = i + 1;
    let labelTo = -1;
    for (; j < labelLimit; j++) {
      const ch = s[j]!;
      if (ch === "\\") {
        j += 1;
        continue;
      }
      if (ch === "\n") break;
      if (ch === "[") level += 1;
      else if (ch === "]") {
        if (level === 0) {
          labelTo = j;
          break;
        }
        level -= 1;
      }
    }
    this.budget.steps += j - i;
    if (labelTo < 0 || s[labelTo + 1] !== "(") return null;
    // The URL: no spaces, parentheses balanced (Wikipedia-style URLs keep theirs).
    let depthParen = 0;
    let k = labelTo + 2;
    const urlLimit = Math.min(to, k + MAX_URL);
    const firstParen = this.nextIndex(")", k);
    if (firstParen < 0 || firstParen >= urlLimit) return null;
    const urlFrom = k;
    let refused = false;
    for (; k < urlLimit; k++) {
      const code = s.charCodeAt(k);
      // Space and control characters, "<", ">", '"' (Unicode spaces are refused by safeHref).
      if (code <= 32 || code === 60 || code === 62 || code === 34) {
        refused = true;
        break;
      }
      if (code === 40) depthParen += 1;
      else if (code === 41) {
        if (depthParen === 0) break;
        depthParen -= 1;
      }
    }
    this.budget.steps += k - urlFrom;
    if (refused || k >= urlLimit) return null;
    const url = s.slice(urlFrom, k);
    if (url === "") return null;
    return { labelFrom: i + 1, labelTo, url, href: safeHref(url), end: k + 1 };
  }

  /** An http(s) or mailto URL starting at `i`, trimmed of trailing punctuation, or null. */
  private autolink(i: number, to: number): string | null {
    const s = this.s;
    if (!URL_START.test(s.slice(i, Math.min(to, i + 10)))) return null;
    URL_CHARS.lastIndex = i;
    let candidate = URL_CHARS.exec(s)?.[0] ?? "";
    if (i + candidate.length > to) candidate = candidate.slice(0, to - i);
    this.budget.steps += candidate.length;
    candidate = trimUrl(candidate);
    return safeHref(candidate);
  }
}

/** Drops sentence punctuation after a URL, and a closing bracket that has no opening one. */
function trimUrl(url: string): string {
  let u = url;
  // Counted once (not per character dropped): "http://a/)))..." stays linear.
  const opened = count(u, "(");
  let closed = count(u, ")");
  for (;;) {
    const last = u[u.length - 1];
    if (last && ".,;:!?*_~".includes(last)) {
      u = u.slice(0, -1);
      continue;
    }
    if (last === ")" && opened < closed) {
      u = u.slice(0, -1);
      closed -= 1;
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
