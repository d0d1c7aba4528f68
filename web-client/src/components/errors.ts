// Human text for the contract's error codes (and the client's own: offline, no answer).
import { t } from "../i18n";

export function errorText(code: string | undefined): string {
  switch (code) {
    case "too_large":
      return t("errors.too_large");
    case "forbidden":
      return t("errors.forbidden");
    case "not_found":
      return t("errors.not_found");
    case "invalid_request":
      return t("errors.invalid_request");
    case "conflict":
      return t("errors.conflict");
    case "rate_limited":
      return t("errors.rate_limited");
    case "unavailable":
      return t("errors.unavailable");
    case "offline":
      return t("errors.offline");
    case "no_answer":
      return t("errors.no_answer");
    default:
      return t("errors.other");
  }
}
