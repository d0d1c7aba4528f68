// Human text for the contract's error codes (and the client's own: offline, no answer).
import { ApiError, NetworkError } from "../api/client";
import { t } from "../i18n";

/**
 * Why something was refused, in the UI language. `retryAfterMs`, for `rate_limited`, is how long
 * the server asked to wait: the text then says when to try again instead of "wait a moment".
 */
export function errorText(code: string | undefined, retryAfterMs?: number): string {
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
      return retryAfterMs === undefined ? t("errors.rate_limited") : t("errors.rate_limitedWait", { count: waitSeconds(retryAfterMs) });
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
export function messageErrorText(code: string | undefined, retryAfterMs?: number): string {
  if (code === "not_found") return t("errors.messageGone");
  if (code === "conflict") return t("reactions.tooMany");
  return errorText(code, retryAfterMs);
}

/** The error code of a failed call, for the texts above (the client's own for no network). */
export function errorCodeOf(e: unknown): string {
  if (e instanceof ApiError) return e.code;
  if (e instanceof NetworkError) return "offline";
  return "other";
}

/** How long the server asked to wait before trying a refused call again, when it said. */
export function retryAfterOf(e: unknown): number | undefined {
  return e instanceof ApiError ? e.retryAfterMs : undefined;
}

/** A wait in whole seconds, at least one (a wait of 200 ms still reads "1 second"). */
export function waitSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
