// The message box: Enter sends, Shift+Enter starts a new line; the draft of each channel is
// kept (in memory) when switching channels.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Channel } from "../protocol";
import { t } from "../i18n";
import { useServices } from "./context";
import { SendIcon } from "./icons";

const MAX_ROWS = 8;

export function Composer({ channel, label, onSend }: { channel: Channel; label: string; onSend: (body: string) => void }) {
  const { store, engine } = useServices();
  const [text, setText] = useState(() => store.drafts.get(channel.id) ?? "");
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // Focus the composer when a channel opens, except on touch screens (it would pop the keyboard).
    if (!window.matchMedia("(pointer: coarse)").matches) input.current?.focus();
  }, [channel.id]);

  const update = (value: string) => {
    setText(value);
    if (value) store.drafts.set(channel.id, value);
    else store.drafts.delete(channel.id);
    if (value.trim()) engine.typing(channel.id);
  };

  const send = () => {
    if (!text.trim()) return;
    onSend(text);
    update("");
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // While an input method is composing (e.g. accents on some keyboards), Enter confirms it.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const rows = Math.min(MAX_ROWS, text.split("\n").length);
  const placeholder = channel.kind === "direct" ? t("composer.placeholderDm", { name: label }) : t("composer.placeholder", { channel: label });

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for="composer-input" class="visually-hidden">
        {placeholder}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={rows}
        value={text}
        placeholder={placeholder}
        onInput={(e) => update(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        enterkeyhint="send"
        aria-describedby="composer-hint"
      />
      <span id="composer-hint" class="visually-hidden">
        {t("composer.hint")}
      </span>
      <button type="submit" class="send-button" aria-label={t("composer.send")} title={t("composer.send")} disabled={!text.trim()}>
        <SendIcon />
      </button>
    </form>
  );
}
