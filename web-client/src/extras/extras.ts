// Decisions about a message's presentation extras (webhook overrides, attachments, blocks,
// buttons), kept apart from the views so they are unit-tested: which colour an attachment's
// bar gets, which emoji an `icon_emoji` stands for, whether the body would repeat what the
// attachments and blocks already show, and the checks that make untrusted extras safe to render.
//
// Nothing here ever yields a URL to load: `icon_url` is deliberately ignored (no request may
// leave the page's origin), and links in attachments go through the same `safeHref` as text.
import type { Attachment, AttachmentField, Block, Message, MessageAction, MessageExtras } from "../protocol";
import { safeHref } from "../markdown/parse";

// ---- colours ---------------------------------------------------------------------------------

/** An attachment's bar: one of Slack's named colours (a CSS class), a validated hex, or none. */
export type BarColour = { kind: "named"; name: "good" | "warning" | "danger" } | { kind: "hex"; hex: string } | { kind: "none" };

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * Slack's `color`: `good`, `warning`, `danger`, or `#rrggbb` (also `#rgb`, and the `#`-less form
 * some tools send). Anything else (a CSS expression, a colour name, garbage) gets no colour, so
 * only a strict `#rrggbb` ever reaches the stylesheet.
 */
export function barColour(color: string | undefined | null): BarColour {
  const value = (color ?? "").trim().toLowerCase();
  if (value === "good" || value === "warning" || value === "danger") return { kind: "named", name: value };
  const m = HEX.exec(value);
  if (!m) return { kind: "none" };
  let digits = m[1]!;
  if (digits.length === 3) digits = [...digits].map((d) => d + d).join("");
  return { kind: "hex", hex: `#${digits}` };
}

// ---- emoji -----------------------------------------------------------------------------------

/** Common shortcodes that monitoring tools and scripts use as a sender icon. */
const EMOJI: Record<string, string> = {
  rocket: "🚀",
  warning: "⚠️",
  fire: "🔥",
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  ballot_box_with_check: "☑️",
  x: "❌",
  negative_squared_cross_mark: "❎",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  bell: "🔔",
  no_bell: "🔕",
  robot_face: "🤖",
  robot: "🤖",
  ghost: "👻",
  rotating_light: "🚨",
  sos: "🆘",
  boom: "💥",
  zap: "⚡",
  bug: "🐛",
  wrench: "🔧",
  hammer: "🔨",
  hammer_and_wrench: "🛠️",
  gear: "⚙️",
  tada: "🎉",
  sparkles: "✨",
  star: "⭐",
  bulb: "💡",
  information_source: "ℹ️",
  question: "❓",
  exclamation: "❗",
  heavy_exclamation_mark: "❗",
  red_circle: "🔴",
  large_orange_circle: "🟠",
  large_yellow_circle: "🟡",
  large_green_circle: "🟢",
  large_blue_circle: "🔵",
  white_circle: "⚪",
  black_circle: "⚫",
  chart_with_upwards_trend: "📈",
  chart_with_downwards_trend: "📉",
  bar_chart: "📊",
  package: "📦",
  calendar: "📆",
  date: "📅",
  clock3: "🕒",
  hourglass: "⌛",
  stopwatch: "⏱️",
  lock: "🔒",
  unlock: "🔓",
  key: "🔑",
  shield: "🛡️",
  computer: "💻",
  desktop_computer: "🖥️",
  printer: "🖨️",
  telephone_receiving: "📞",
  phone: "☎️",
  email: "📧",
  envelope: "✉️",
  inbox_tray: "📥",
  outbox_tray: "📤",
  mailbox: "📫",
  memo: "📝",
  pencil: "📝",
  clipboard: "📋",
  page_facing_up: "📄",
  books: "📚",
  mag: "🔍",
  link: "🔗",
  satellite: "📡",
  globe_with_meridians: "🌐",
  cloud: "☁️",
  floppy_disk: "💾",
  cd: "💿",
  battery: "🔋",
  electric_plug: "🔌",
  construction: "🚧",
  ambulance: "🚑",
  fire_engine: "🚒",
  police_car: "🚓",
  traffic_light: "🚦",
  thumbsup: "👍",
  "+1": "👍",
  thumbsdown: "👎",
  "-1": "👎",
  wave: "👋",
  eyes: "👀",
  point_right: "👉",
  ok_hand: "👌",
  clap: "👏",
  muscle: "💪",
  pray: "🙏",
  smile: "😄",
  slightly_smiling_face: "🙂",
  sunglasses: "😎",
  thinking_face: "🤔",
  scream: "😱",
  skull: "💀",
  alien: "👽",
  heart: "❤️",
  green_heart: "💚",
  sun_with_face: "🌞",
  sunny: "☀️",
  snowflake: "❄️",
  umbrella: "☔",
  droplet: "💧",
  ocean: "🌊",
  earth_africa: "🌍",
  house: "🏠",
  office: "🏢",
  classical_building: "🏛️",
  hospital: "🏥",
  school: "🏫",
  truck: "🚚",
  bus: "🚌",
  bike: "🚲",
  pushpin: "📌",
  round_pushpin: "📍",
  triangular_flag_on_post: "🚩",
  checkered_flag: "🏁",
  dart: "🎯",
  trophy: "🏆",
  moneybag: "💰",
  chart: "💹",
  ticket: "🎫",
  admission_tickets: "🎟️",
  loudspeaker: "📢",
  mega: "📣",
  speech_balloon: "💬",
  new: "🆕",
  up: "🆙",
  recycle: "♻️",
  arrows_counterclockwise: "🔄",
  hourglass_flowing_sand: "⏳",
  large_red_square: "🟥",
  large_green_square: "🟩",
  large_yellow_square: "🟨",
  fox_face: "🦊",
  whale: "🐳",
  penguin: "🐧",
  snake: "🐍",
  crab: "🦀",
  elephant: "🐘",
  owl: "🦉",
  cat: "🐱",
  dog: "🐶",
};

/** The emoji a shortcode such as `:rocket:` stands for, or null when it is not one we know. */
export function emojiFor(shortcode: string | undefined | null): string | null {
  if (!shortcode) return null;
  // `:thumbsup::skin-tone-3:` keeps its first part.
  const name = shortcode.trim().replace(/^:/, "").split(":")[0]!.toLowerCase();
  return Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name]! : null;
}

// ---- the body and its fallback ----------------------------------------------------------------

/**
 * The plain-text fallback the server builds as a webhook message's body when the payload had
 * no `text` (server/src/integrations/slack.rs, `fallback`): blocks, then attachments, one line each.
 */
export function fallbackBody(attachments: readonly Attachment[], blocks: readonly Block[]): string {
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "section":
        if (block.text) lines.push(block.text);
        lines.push(...(block.fields ?? []));
        break;
      case "header":
        lines.push(block.text);
        break;
      case "context":
        lines.push(block.elements.join(" "));
        break;
      case "divider":
        break;
    }
  }
  for (const a of attachments) {
    if (a.fallback) {
      lines.push(a.fallback);
      continue;
    }
    if (a.pretext) lines.push(a.pretext);
    if (a.title) lines.push(a.title);
    if (a.text) lines.push(a.text);
    for (const f of a.fields ?? []) lines.push(`${f.title}: ${f.value}`);
  }
  return lines.filter((l) => l.trim() !== "").join("\n");
}

/** Every piece of text the attachment and block renderings show. */
export function renderedTexts(attachments: readonly Attachment[], blocks: readonly Block[]): string[] {
  const texts: string[] = [];
  for (const block of blocks) {
    if (block.type === "section") texts.push(block.text ?? "", ...(block.fields ?? []));
    else if (block.type === "header") texts.push(block.text);
    else if (block.type === "context") texts.push(...block.elements);
  }
  for (const a of attachments) {
    texts.push(a.pretext ?? "", a.author_name ?? "", a.title ?? "", a.text ?? "", a.footer ?? "");
    for (const f of a.fields ?? []) texts.push(f.title, f.value);
  }
  return texts.filter((t) => t.trim() !== "");
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * Whether to show the message body above its attachments and blocks. A webhook that sent no
 * `text` gets a body generated from them (a plain-text fallback for notifications and old
 * clients); showing it as well would say everything twice. So, when there are attachments or
 * blocks, the body is hidden when it is that fallback, or when the renderings already contain
 * it (e.g. `text` equal to an attachment's title). Otherwise it is shown.
 */
export function showBody(message: Pick<Message, "body" | "extras">): boolean {
  const body = message.body.trim();
  if (body === "") return false;
  const attachments = message.extras?.attachments ?? [];
  const blocks = message.extras?.blocks ?? [];
  if (attachments.length === 0 && blocks.length === 0) return true;
  if (body === fallbackBody(attachments, blocks).trim()) return false;
  const flat = squash(body);
  const shown = renderedTexts(attachments, blocks).map(squash);
  if (shown.some((text) => text.includes(flat))) return false;
  // The whole fallback of attachments without their own `fallback` text, line-wrapped differently.
  if (squash(fallbackBody(attachments, blocks)) === flat) return false;
  return true;
}

/**
 * Whether to show an attachment's `text` under its title. A one-line text that the title
 * already contains word for word (a ticket card titled "#1 · The printer is jammed" whose
 * description is "The printer is jammed") would only say the same thing twice, so it is left
 * out; nothing is lost. Any text that adds something is shown.
 */
export function showAttachmentText(a: Pick<Attachment, "title" | "text">): boolean {
  const text = (a.text ?? "").trim();
  if (text === "") return false;
  if (!a.title || text.includes("\n")) return true;
  return !squash(a.title).includes(squash(text));
}

// ---- timestamps in footers ---------------------------------------------------------------------

/** An RFC 3339 date-time with an explicit zone (so it names one instant), as servers write them. */
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})(?![\w:])/g;

/** A piece of a text: as written, or an instant to show in the reader's time zone and language. */
export type TextPart = { text: string } | { iso: string };

/**
 * Splits a text (an attachment's footer) around the machine timestamps it contains, such as
 * `2026-11-26T15:01:28.012Z`, so the view can show them as a local date and time.
 */
export function splitTimestamps(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(TIMESTAMP)) {
    const iso = m[0];
    if (Number.isNaN(Date.parse(iso.replace(" ", "T")))) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ iso: iso.replace(" ", "T") });
    last = m.index + iso.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

// ---- untrusted input ---------------------------------------------------------------------------

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Attachments from a frame typed `unknown[]` (an `ephemeral`'s), or from a message's extras,
 * kept only where each field has the expected type; anything else is dropped, never rendered.
 */
export function cleanAttachments(input: unknown): Attachment[] {
  if (!Array.isArray(input)) return [];
  const out: Attachment[] = [];
  for (const raw of input.slice(0, 50)) {
    if (!raw || typeof raw !== "object") continue;
    const a = raw as Record<string, unknown>;
    const fields: AttachmentField[] = [];
    if (Array.isArray(a.fields)) {
      for (const f of a.fields) {
        if (!f || typeof f !== "object") continue;
        const field = f as Record<string, unknown>;
        const title = typeof field.title === "string" ? field.title : "";
        const value = typeof field.value === "string" ? field.value : typeof field.value === "number" ? String(field.value) : "";
        if (title || value) fields.push({ title, value, short: field.short === true });
      }
    }
    const attachment: Attachment = {};
    const keys = ["fallback", "color", "pretext", "author_name", "title", "text", "footer"] as const;
    for (const key of keys) {
      const value = str(a[key]);
      if (value !== undefined) attachment[key] = value;
    }
    const link = str(a.title_link);
    if (link !== undefined && safeHref(link) !== null) attachment.title_link = link;
    if (fields.length > 0) attachment.fields = fields;
    out.push(attachment);
  }
  return out;
}

/** Blocks of the four supported kinds with well-typed content; others are skipped. */
export function cleanBlocks(input: unknown): Block[] {
  if (!Array.isArray(input)) return [];
  const out: Block[] = [];
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string" && s !== "") : []);
  for (const raw of input.slice(0, 100)) {
    if (!raw || typeof raw !== "object") continue;
    const b = raw as Record<string, unknown>;
    switch (b.type) {
      case "section": {
        const text = str(b.text);
        const fields = strings(b.fields);
        if (text || fields.length) out.push({ type: "section", ...(text ? { text } : {}), ...(fields.length ? { fields } : {}) });
        break;
      }
      case "header": {
        const text = str(b.text);
        if (text) out.push({ type: "header", text });
        break;
      }
      case "context": {
        const elements = strings(b.elements);
        if (elements.length) out.push({ type: "context", elements });
        break;
      }
      case "divider":
        out.push({ type: "divider" });
        break;
    }
  }
  return out;
}

/** Buttons with an id and a label; an unknown style is the default one. */
export function cleanActions(input: unknown): MessageAction[] {
  if (!Array.isArray(input)) return [];
  const out: MessageAction[] = [];
  for (const raw of input.slice(0, 25)) {
    if (!raw || typeof raw !== "object") continue;
    const a = raw as Record<string, unknown>;
    const id = str(a.id);
    const label = str(a.label);
    if (!id || !label) continue;
    const style = a.style === "primary" || a.style === "danger" ? a.style : "default";
    out.push({ id, label, style });
  }
  return out;
}

/** A message's extras, cleaned; null when there is nothing beyond the body to show. */
export interface ShownExtras {
  username: string | null;
  emoji: string | null;
  viaWebhook: boolean;
  attachments: Attachment[];
  blocks: Block[];
  actions: MessageAction[];
}

export function shownExtras(extras: MessageExtras | undefined | null): ShownExtras | null {
  if (!extras || typeof extras !== "object") return null;
  const username = typeof extras.username === "string" && extras.username.trim() ? extras.username.trim() : null;
  return {
    username,
    // `icon_url` is never used: nothing is fetched from a message.
    emoji: emojiFor(typeof extras.icon_emoji === "string" ? extras.icon_emoji : null),
    viaWebhook: typeof extras.webhook_id === "string" && extras.webhook_id !== "",
    attachments: cleanAttachments(extras.attachments),
    blocks: cleanBlocks(extras.blocks),
    actions: cleanActions(extras.actions),
  };
}

/** Who a message looks like it is from: consecutive messages of one sender share a header. */
export function senderKey(message: Pick<Message, "author_id" | "extras">): string {
  const e = message.extras;
  // A bot's plain post and its card with buttons are one sender; a webhook's names are not.
  if (!e || (!e.webhook_id && !e.username && !e.icon_emoji)) return message.author_id;
  return `${message.author_id}\u0000${e.webhook_id ?? ""}\u0000${e.username ?? ""}\u0000${e.icon_emoji ?? ""}`;
}

/**
 * A slash command (sent as a normal `send`; the server runs it), read as the server reads it:
 * `/name` with a name of letters, digits, `_` or `-`, then whitespace or the end. `//text` is
 * plain text (the server posts `/text`), and so is `/usr/bin is full`.
 */
export function isCommand(body: string): boolean {
  return /^\/[\p{L}\p{N}\p{M}_-]+(?:\s|$)/u.test(body);
}
