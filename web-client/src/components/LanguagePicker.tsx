import { LOCALES, type Locale, getLocale, setLocale, t } from "../i18n";
import { useLocale } from "./context";

/** Language names are written in their own language, so anyone can find theirs. */
const NATIVE_NAMES: Record<Locale, "language.ca" | "language.es" | "language.en"> = {
  ca: "language.ca",
  es: "language.es",
  en: "language.en",
};

export function LanguagePicker() {
  useLocale();
  return (
    <label class="language-picker">
      <span>{t("settings.language")}</span>
      <select
        value={getLocale()}
        onChange={(e) => setLocale(e.currentTarget.value as Locale)}
        data-testid="language"
      >
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {t(NATIVE_NAMES[locale])}
          </option>
        ))}
      </select>
    </label>
  );
}
