// The queue's texts, in catalogs of their own (src/i18n/queue-*.json) that travel in its lazy
// chunk, like the admin area's. Same rules as `t()`: current language and `{name}` placeholders.
import { getLocale, type Locale } from "../../i18n";
import ca from "../../i18n/queue-ca.json";
import en from "../../i18n/queue-en.json";
import es from "../../i18n/queue-es.json";

export type QueueKey = keyof typeof ca;
type Catalog = Record<QueueKey, string>;

const CATALOGS: Record<Locale, Catalog> = { ca, es: es as Catalog, en: en as Catalog };

/** The queue text for `key` in the current language. */
export function tq(key: QueueKey, params: Record<string, string | number> = {}): string {
  const catalog = CATALOGS[getLocale()] as Record<string, string>;
  const template: string = catalog[key] ?? (ca as Record<string, string>)[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A date and time, short, in the current language ("6/12/26, 14:58"). */
export function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(getLocale(), { dateStyle: "short", timeStyle: "short" });
}
