// Human text for the contract's error codes (and the client's own: offline, no answer).
import { ApiError, NetworkError } from "../api/client";
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

/** Why a change to a message (edit, delete, reaction) was refused: 404 means the message is gone. */
export function messageErrorText(code: string | undefined): string {
  if (code === "not_found") return t("errors.messageGone");
  if (code === "conflict") return t("reactions.tooMany");
  return errorText(code);
}

/** The error code of a failed call, for the texts above (the client's own for no network). */
export function errorCodeOf(e: unknown): string {
  if (e instanceof ApiError) return e.code;
  if (e instanceof NetworkError) return "offline";
  return "other";
}
