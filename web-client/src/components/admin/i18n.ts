// The admin area's texts, in catalogs of their own (src/i18n/admin-*.json) so that they travel
// in the admin chunk, never in the bundle every member downloads. Same rules as `t()`: the
// current UI language, `{name}` placeholders, and `key.one` / `key.other` plural forms.
import { getLocale, type Locale } from "../../i18n";
import ca from "../../i18n/admin-ca.json";
import en from "../../i18n/admin-en.json";
import es from "../../i18n/admin-es.json";

export type AdminKey = keyof typeof ca;
type Catalog = Record<AdminKey, string>;

export const ADMIN_CATALOGS: Record<Locale, Catalog> = { ca, es: es as Catalog, en: en as Catalog };

/** The admin text for `key` in the current language. */
export function ta(key: AdminKey, params: Record<string, string | number> = {}): string {
  return translateAdmin(getLocale(), key, params);
}

export function translateAdmin(locale: Locale, key: AdminKey, params: Record<string, string | number> = {}): string {
  const catalog = ADMIN_CATALOGS[locale] as Record<string, string>;
  let template: string = catalog[key] ?? (ca as Record<string, string>)[key] ?? key;
  if (typeof params.count === "number") {
    const plural = catalog[`${key}.${new Intl.PluralRules(locale).select(params.count)}`];
    if (plural) template = plural;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
