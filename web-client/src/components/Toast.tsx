// A brief notice at the bottom of the screen: an action or a reaction the server refused. It hides by itself
// after a few seconds (the engine's timer) or with its close button.
import { t } from "../i18n";
import { useServices, useStore } from "./context";
import { errorText, messageErrorText } from "./errors";
import { CloseIcon } from "./icons";

export function Toast() {
  const store = useStore();
  const { engine } = useServices();
  const toast = store.toast;
  return (
    <div class="toast-region" role="alert" aria-live="assertive">
      {toast && (
        <div class="toast" key={toast.id}>
          <span>
            {toast.about === "message"
              ? t("messages.changeFailed", { reason: messageErrorText(toast.code, toast.retryAfterMs) })
              : t("actions.failed", { reason: reason(toast.code, toast.retryAfterMs) })}
          </span>
          <button type="button" class="icon-button small" aria-label={t("toast.close")} title={t("toast.close")} onClick={() => engine.dismissToast()}>
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  );
}

/** Why a click failed, in the words that fit a button (503: the bot is not connected). */
function reason(code: string, retryAfterMs?: number): string {
  if (code === "not_found") return t("actions.gone");
  if (code === "unavailable") return t("actions.botOffline");
  return errorText(code, retryAfterMs);
}
