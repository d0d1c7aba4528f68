// Translations and locale-aware formatting. Catalan is the default; Spanish and English too.
// Every piece of UI text lives in ca.json / es.json / en.json (same keys, checked by a unit
// test); components call `t(key, params)`. The chosen language is remembered in localStorage
// (it is not a secret) and applied to <html lang> and to every Intl formatter.
import ca from "./ca.json";
import en from "./en.json";
import es from "./es.json";

export type Locale = "ca" | "es" | "en";
export type MessageKey = keyof typeof ca;
type Catalog = Record<MessageKey, string>;

export const LOCALES: readonly Locale[] = ["ca", "es", "en"];
const CATALOGS: Record<Locale, Catalog> = { ca, es: es as Catalog, en: en as Catalog };
const STORAGE_KEY = "xerrada.locale";

let current: Locale = "ca";
let formatters = makeFormatters(current);
const listeners = new Set<() => void>();

/** The first supported language among the browser's preferences; Catalan otherwise. */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0] as Locale;
    if (LOCALES.includes(base)) return base;
    // Valencian is Catalan.
    if (tag.toLowerCase().startsWith("val")) return "ca";
  }
  return "ca";
}

/** At startup: the remembered choice, else the browser's languages. */
export function initLocale(): Locale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage disabled: follow the browser.
  }
  const locale = saved && LOCALES.includes(saved as Locale) ? (saved as Locale) : pickLocale(navigator.languages ?? []);
  apply(locale);
  return locale;
}

export function getLocale(): Locale {
  return current;
}

/** Switches language (from the UI) and remembers it. */
export function setLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered, but still switched.
  }
  apply(locale);
  for (const listener of listeners) listener();
}

export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function apply(locale: Locale): void {
  current = locale;
  formatters = makeFormatters(locale);
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

/**
 * The text for `key`, with `{name}` placeholders filled from `params`. A `count` param picks
 * the plural form `key.one` / `key.other` when the catalog has it.
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return translate(CATALOGS[current], key, params, current);
}

export function translate(
  catalog: Catalog,
  key: MessageKey,
  params: Record<string, string | number>,
  locale: Locale,
): string {
  let template: string = catalog[key] ?? CATALOGS.ca[key] ?? key;
  if (typeof params.count === "number") {
    const form = new Intl.PluralRules(locale).select(params.count);
    const plural = (catalog as Record<string, string>)[`${key}.${form}`];
    if (plural) template = plural;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

function makeFormatters(locale: Locale) {
  return {
    time: new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }),
    full: new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short" }),
    day: new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" }),
    dayWithYear: new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
    dateTime: new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }),
    list: new Intl.ListFormat(locale, { style: "long", type: "conjunction" }),
  };
}

/** Names joined as the language does: "Anna, Joan i Pere", "Anna, Joan and Pere". */
export function formatList(items: readonly string[]): string {
  return formatters.list.format(items);
}

export function formatTime(iso: string): string {
  return formatters.time.format(new Date(iso));
}

/** A date and time, compact (a timestamp in a bot's card footer). */
export function formatDateTime(iso: string): string {
  return formatters.dateTime.format(new Date(iso));
}

export function formatFull(iso: string): string {
  return formatters.full.format(new Date(iso));
}

/** A local calendar day key, to know where day separators go. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday" or the date, for day separators. */
export function formatDay(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const key = dayKey(iso);
  if (key === dayKey(now.toISOString())) return t("day.today");
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (key === dayKey(yesterday.toISOString())) return t("day.yesterday");
  const f = date.getFullYear() === now.getFullYear() ? formatters.day : formatters.dayWithYear;
  return f.format(date);
}
