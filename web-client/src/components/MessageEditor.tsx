// Editing one's own message in place: Enter saves, Shift+Enter starts a new line, Escape
// cancels (the buttons do the same, for touch screens). A refusal keeps the editor open with
// the reason, so nothing typed is lost.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { errorCodeOf, messageErrorText, retryAfterOf } from "./errors";

const MAX_ROWS = 8;

interface MessageEditorProps {
  messageId: string;
  initial: string;
  /** Resolves once the server accepted the new text; rejects with its refusal. */
  onSave(body: string): Promise<void>;
  onCancel: () => void;
}

export function MessageEditor({ messageId, initial, onSave, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const hintId = `edit-hint-${messageId}`;

  // In a layout effect, so keys typed right after opening it already land in the field.
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    // The list scrolls the message into view itself; the caret goes to the end, as in Slack.
    el.focus({ preventScroll: true });
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const save = async () => {
    // The field's own value: a key pressed right after typing may come before the re-render.
    const value = input.current?.value ?? text;
    if (busy || !value.trim()) return;
    if (value === initial) {
      onCancel();
      return;
    }
    setBusy(true);
    setError("");
    try {
      await onSave(value);
    } catch (e) {
      setError(t("edit.failed", { reason: messageErrorText(errorCodeOf(e), retryAfterOf(e)) }));
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.isComposing) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void save();
    }
  };

  return (
    <form
      class="message-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <textarea
        ref={input}
        class="editor-input"
        rows={Math.min(MAX_ROWS, text.split("\n").length)}
        value={text}
        readOnly={busy}
        aria-label={t("edit.label")}
        aria-describedby={hintId}
        enterkeyhint="done"
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <div class="editor-footer">
        <span id={hintId} class="editor-hint">
          {t("edit.hint")}
        </span>
        <button type="button" class="button" onClick={onCancel}>
          {t("dialog.cancel")}
        </button>
        <button type="submit" class="button primary" disabled={busy || !text.trim()} aria-busy={busy}>
          {t("edit.save")}
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
