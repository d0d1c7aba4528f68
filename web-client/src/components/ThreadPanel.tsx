// The thread panel: a root and its replies, beside the channel on a wide screen and over it
// (with a back button) on a phone. Replies live in the channel's timeline, so live `message`
// frames show here without anything more; the panel only filters them and has its own
// composer, with "also send to the channel".
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { formatFull, formatTime, t } from "../i18n";
import type { TimelineEntry } from "../store/timeline";
import { useServices, useStore } from "./context";
import { errorText } from "./errors";
import { BackIcon, CloseIcon, SendIcon } from "./icons";
import { MessageText } from "./MessageList";
import { Avatar } from "./people";

const noop = async () => undefined;

export function ThreadPanel() {
  const store = useStore();
  const { engine } = useServices();
  const open = store.openThread;
  const myName = store.me?.username.toLowerCase();
  const options = useMemo(() => ({ isMe: (u: string) => u.toLowerCase() === myName }), [myName]);
  const list = useRef<HTMLDivElement>(null);
  const timeline = open ? store.timeline(open.channelId) : null;
  const entries = open && timeline ? timeline.threadEntries(open.rootSeq) : [];
  // Keep the newest reply in view as they arrive.
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries.length]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented) engine.closeThread();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, engine]);
  if (!open) return null;
  const channel = store.channels.get(open.channelId);
  const rootLoaded = entries.some((e) => e.kind === "message" && e.message.seq === open.rootSeq);
  return (
    <aside class="thread-panel" aria-labelledby="thread-title" data-root={open.rootSeq}>
      <header class="thread-header">
        <button type="button" class="icon-button thread-back" aria-label={t("thread.back")} title={t("thread.back")} onClick={() => engine.closeThread()}>
          <BackIcon />
        </button>
        <h2 id="thread-title" class="thread-title">
          {t("thread.title")}
          {channel && <span class="thread-channel">{` · ${store.channelLabel(channel)}`}</span>}
        </h2>
        <button type="button" class="icon-button thread-close" aria-label={t("thread.close")} title={t("thread.close")} onClick={() => engine.closeThread()}>
          <CloseIcon />
        </button>
      </header>
      <div class="thread-messages" ref={list} role="log" aria-live="polite" aria-relevant="additions">
        {!rootLoaded && <p class="loader-row" role="status">{t("thread.loading")}</p>}
        {entries.map((entry) =>
          entry.kind === "message" ? (
            <ThreadMessage key={entry.key} entry={entry} root={entry.message.seq === open.rootSeq} options={options} />
          ) : null,
        )}
      </div>
      <ThreadComposer
        key={`${open.channelId}:${open.rootSeq}`}
        onSend={(body, alsoInChannel) => engine.send(open.channelId, body, { rootSeq: open.rootSeq, alsoInChannel })}
      />
    </aside>
  );
}

function ThreadMessage({
  entry,
  root,
  options,
}: {
  entry: Extract<TimelineEntry, { kind: "message" }>;
  root: boolean;
  options: { isMe: (u: string) => boolean };
}) {
  const store = useStore();
  const { engine } = useServices();
  const message = entry.message;
  const name = store.displayName(message.author_id);
  const clientMsgId = message.client_msg_id ?? "";
  return (
    <div class={`message thread-message${root ? " thread-root" : ""}${entry.delivery !== "sent" ? ` ${entry.delivery}` : ""}`} data-seq={message.seq || undefined} data-delivery={entry.delivery}>
      <div class="message-gutter">
        <Avatar userId={message.author_id} name={name} size="lg" />
      </div>
      <div class="message-content">
        <div class="message-meta">
          <span class="author">{name}</span>
          <time dateTime={message.created_at} title={formatFull(message.created_at)}>
            {formatTime(message.created_at)}
          </time>
        </div>
        <MessageText message={message} isBot={false} editing={false} options={options} onSaveEdit={noop} onCancelEdit={() => undefined} />
        {entry.delivery === "pending" && <div class="delivery">{t("messages.sending")}</div>}
        {entry.delivery === "failed" && (
          <div class="delivery failed-line" role="alert">
            <span>{t("messages.failed", { reason: errorText(entry.error) })}</span>
            <button type="button" class="link-button" onClick={() => engine.retry(message.channel_id, clientMsgId)}>
              {t("messages.retry")}
            </button>
            <button type="button" class="link-button" onClick={() => engine.discard(message.channel_id, clientMsgId)}>
              {t("messages.discard")}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

/** The thread's own message box: Enter sends, Shift+Enter starts a new line. */
function ThreadComposer({ onSend }: { onSend: (body: string, alsoInChannel: boolean) => void }) {
  const [text, setText] = useState("");
  const [alsoInChannel, setAlsoInChannel] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (!window.matchMedia("(pointer: coarse)").matches) input.current?.focus();
  }, []);
  const send = () => {
    if (!text.trim()) return;
    onSend(text, alsoInChannel);
    setText("");
    setAlsoInChannel(false);
    input.current?.focus();
  };
  return (
    <form
      class="composer thread-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div class="thread-composer-row">
        <label for="thread-input" class="visually-hidden">
          {t("thread.placeholder")}
        </label>
        <textarea
          id="thread-input"
          ref={input}
          rows={Math.min(6, text.split("\n").length)}
          value={text}
          placeholder={t("thread.placeholder")}
          enterkeyhint="send"
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.isComposing) return;
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" class="send-button" aria-label={t("composer.send")} title={t("composer.send")} disabled={!text.trim()}>
          <SendIcon />
        </button>
      </div>
      <label class="also-in-channel">
        <input type="checkbox" checked={alsoInChannel} onChange={(e) => setAlsoInChannel(e.currentTarget.checked)} />
        <span>{t("thread.alsoSend")}</span>
      </label>
    </form>
  );
}
