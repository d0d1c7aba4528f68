// The thread panel: a root and its replies, beside the channel on a wide screen and over it
// (with a back button) on a phone. Replies live in the channel's timeline, so live frames
// (new replies, edits, deletions, reactions, pins) show here without anything more; the panel
// only filters them and has its own composer, with "also send to the channel".
//
// Each message here has the menu, reaction chips and in-place editor of the channel's own
// (shared through messageActions.tsx), and the up arrow in the empty composer edits the user's
// last message of the thread, as the channel's composer does for the channel.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { formatFull, formatTime, t } from "../i18n";
import type { TimelineEntry } from "../store/timeline";
import { useServices, useStore } from "./context";
import { errorText } from "./errors";
import { BackIcon, CloseIcon, SendIcon } from "./icons";
import { useLongPress } from "./longPress";
import { MessageActions, MessageMenuButton, useMessageMenu, whoReacted } from "./messageActions";
import { MessageText, PinMark } from "./MessageList";
import { AuthorName, Avatar } from "./people";
import { SendHoldNotice } from "./SendHoldNotice";
import { ReactionChips } from "./Reactions";
import { FileList } from "./Files";
import { ActionButtons, AttachmentList, BlockList } from "./Extras";
import { shownExtras } from "../extras/extras";
import { AttachButtons, UploadChips, attach, useUploads } from "./Attachments";
import { threadQueueKey } from "../files/queue";
import { pastedFiles } from "../files/clipboard";
import type { FileInfo } from "../protocol";

const THREAD_INPUT_ID = "thread-input";

export function ThreadPanel() {
  const store = useStore();
  const { engine } = useServices();
  const open = store.openThread;
  const threadKey = open ? `${open.channelId}:${open.rootSeq}` : "";
  const myName = store.me?.username.toLowerCase();
  const options = useMemo(() => ({ isMe: (u: string) => u.toLowerCase() === myName }), [myName]);
  const list = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLDivElement>(null);
  const { menu, onOpenMenu, closeMenu, dismissMenu } = useMessageMenu();
  // The message being edited, tied to its thread: opening another thread ends it.
  const [editing, setEditing] = useState<{ thread: string; messageId: string } | null>(null);
  const editingId = editing?.thread === threadKey ? editing.messageId : null;
  const timeline = open ? store.timeline(open.channelId) : null;
  const entries = open && timeline ? timeline.threadEntries(open.rootSeq) : [];
  // A reply opened from a search result: in view and highlighted for a moment (held while the
  // thread's pages load, which would otherwise scroll to the newest reply).
  const [flashSeq, setFlashSeq] = useState<number | null>(null);
  const wanted = store.flashReply;
  if (wanted && open && wanted.channelId === open.channelId && entries.some((e) => e.kind === "message" && e.message.seq === wanted.seq)) {
    store.flashReply = null;
    if (flashSeq !== wanted.seq) setFlashSeq(wanted.seq);
  }
  useEffect(() => {
    if (flashSeq === null) return;
    const timer = setTimeout(() => setFlashSeq(null), 3000);
    return () => clearTimeout(timer);
  }, [flashSeq]);
  // Keep the newest reply in view as they arrive.
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    const flashed = flashSeq !== null ? el.querySelector(`[data-seq="${flashSeq}"]`) : null;
    if (flashed) flashed.scrollIntoView({ block: "center" });
    else el.scrollTop = el.scrollHeight;
  }, [entries.length, flashSeq]);
  // The message being edited comes into view (the up arrow may pick one scrolled away).
  useLayoutEffect(() => {
    if (!editingId) return;
    list.current?.querySelector(`[data-message-id="${CSS.escape(editingId)}"]`)?.scrollIntoView({ block: "nearest" });
  }, [editingId]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      // Escape in a dialog (deleting a reply) closes the dialog, not the thread behind it.
      if (event.key !== "Escape" || event.defaultPrevented || (event.target as Element | null)?.closest?.("dialog")) return;
      engine.closeThread();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, engine]);

  const channelId = open?.channelId ?? "";
  const startEdit = useCallback((messageId: string) => setEditing({ thread: threadKey, messageId }), [threadKey]);
  const endEdit = useCallback(() => {
    setEditing(null);
    // Back to typing, except on touch screens, where focusing would pop the keyboard up.
    if (!window.matchMedia("(pointer: coarse)").matches) document.getElementById(THREAD_INPUT_ID)?.focus();
  }, []);
  const onSaveEdit = useCallback(
    async (messageId: string, body: string) => {
      await engine.editMessage(channelId, messageId, body);
      endEdit();
    },
    [engine, channelId, endEdit],
  );
  const onReact = useCallback(
    (messageId: string, emoji: string) => void engine.toggleReaction(channelId, messageId, emoji),
    [engine, channelId],
  );
  /** The up arrow in the empty composer: edit my newest message of this thread, if any. */
  const editLast = (): boolean => {
    const me = store.me;
    const last = me && open ? store.timelines.get(open.channelId)?.lastEditableBy(me.id, open.rootSeq) : undefined;
    if (!last) return false;
    startEdit(last.id);
    return true;
  };

  if (!open || !timeline) return null;
  const channel = store.channels.get(open.channelId);
  const rootLoaded = entries.some((e) => e.kind === "message" && e.message.seq === open.rootSeq);
  const meId = store.me?.id;
  const menuMessage = menu ? timeline.find(menu.messageId) : undefined;
  const menuShown = menu !== null && menuMessage !== undefined && !menuMessage.deleted;
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
      <div class="thread-area" ref={area}>
        <div class="thread-messages" ref={list} role="log" aria-live="polite" aria-relevant="additions">
          {!rootLoaded && <p class="loader-row" role="status">{t("thread.loading")}</p>}
          {entries.map((entry) =>
            entry.kind === "message" ? (
              <ThreadMessage
                key={entry.key}
                entry={entry}
                root={entry.message.seq === open.rootSeq}
                options={options}
                meId={meId}
                editing={entry.delivery === "sent" && entry.message.id === editingId}
                menuOpen={menuShown && entry.delivery === "sent" && entry.message.id === menu.messageId}
                who={entry.message.reactions ? whoReacted(store, entry.message.reactions) : []}
                onOpenMenu={onOpenMenu}
                onReact={onReact}
                onSaveEdit={onSaveEdit}
                onCancelEdit={endEdit}
                flash={entry.message.seq === flashSeq && entry.delivery === "sent"}
              />
            ) : null,
          )}
        </div>
        <MessageActions
          channelId={open.channelId}
          menu={menu}
          message={menuMessage}
          container={area.current}
          closeMenu={closeMenu}
          dismissMenu={dismissMenu}
          onReact={onReact}
          onStartEdit={startEdit}
          composerId={THREAD_INPUT_ID}
        />
      </div>
      <SendHoldNotice />
      <ThreadComposer
        key={threadKey}
        queueKey={threadQueueKey(open.channelId, open.rootSeq)}
        onSend={(body, alsoInChannel, files) => engine.send(open.channelId, body, { rootSeq: open.rootSeq, alsoInChannel }, files)}
        onEditLast={editLast}
      />
    </aside>
  );
}

interface ThreadMessageProps {
  entry: Extract<TimelineEntry, { kind: "message" }>;
  root: boolean;
  options: { isMe: (u: string) => boolean };
  meId: string | undefined;
  editing: boolean;
  menuOpen: boolean;
  /** Who reacted, in words, per reaction. */
  who: readonly string[];
  onOpenMenu: (messageId: string, anchor: HTMLElement, withPicker: boolean) => void;
  onReact: (messageId: string, emoji: string) => void;
  onSaveEdit(messageId: string, body: string): Promise<void>;
  onCancelEdit: () => void;
  /** Highlighted for a moment (opened from a search result). */
  flash: boolean;
}

function ThreadMessage({ entry, root, options, meId, editing: editingAsked, menuOpen, who, onOpenMenu, onReact, onSaveEdit, onCancelEdit, flash }: ThreadMessageProps) {
  const store = useStore();
  const { engine } = useServices();
  const message = entry.message;
  const name = store.displayName(message.author_id);
  const clientMsgId = message.client_msg_id ?? "";
  // A bot's message keeps its card and buttons in the thread (a support ticket's card is the
  // root of the thread where its comments are relayed).
  const extras = useMemo(() => shownExtras(message.extras), [message.extras]);
  const isBot = store.users.get(message.author_id)?.kind === "bot";
  // As in the channel: only what the server has can be acted on; a tombstone has nothing left.
  const actionable = entry.delivery === "sent" && !message.deleted;
  const editing = editingAsked && actionable;
  const longPress = useLongPress((target) => {
    if (actionable) onOpenMenu(message.id, target, false);
  });
  const classes = ["message", "thread-message"];
  if (root) classes.push("thread-root");
  if (entry.delivery !== "sent") classes.push(entry.delivery);
  if (message.author_id === meId) classes.push("mine");
  if (message.deleted) classes.push("deleted");
  if (editing) classes.push("editing");
  if (menuOpen) classes.push("menu-open");
  if (flash) classes.push("flash");
  return (
    <div
      class={classes.join(" ")}
      data-seq={message.seq || undefined}
      data-delivery={entry.delivery}
      data-message-id={entry.delivery === "sent" ? message.id : undefined}
      {...(actionable ? longPress : {})}
    >
      <div class="message-gutter">
        <Avatar userId={message.author_id} name={name} size="lg" />
      </div>
      <div class="message-content">
        <div class="message-meta">
          <AuthorName
            name={name}
            user={store.users.get(message.author_id)}
            shared={store.nameSharedWithOthers(name, message.author_id)}
            onOpen={() => engine.openProfile(message.author_id)}
          />
          <time dateTime={message.created_at} title={formatFull(message.created_at)}>
            {formatTime(message.created_at)}
          </time>
          {message.pinned && <PinMark />}
        </div>
        <MessageText message={message} isBot={isBot} editing={editing} options={options} onSaveEdit={onSaveEdit} onCancelEdit={onCancelEdit} />
        {!message.deleted && message.files && message.files.length > 0 && <FileList files={message.files} />}
        {!message.deleted && extras && extras.blocks.length > 0 && <BlockList blocks={extras.blocks} options={options} />}
        {!message.deleted && extras && extras.attachments.length > 0 && <AttachmentList attachments={extras.attachments} options={options} />}
        {!message.deleted && extras && extras.actions.length > 0 && (
          <ActionButtons
            actions={extras.actions}
            busy={store.actionsInFlight.get(message.id)}
            disabled={entry.delivery !== "sent"}
            onAction={(actionId) => void engine.clickAction(message.channel_id, message.id, actionId)}
          />
        )}
        {actionable && message.reactions && message.reactions.length > 0 && (
          <ReactionChips
            reactions={message.reactions}
            meId={meId}
            who={who}
            onToggle={(emoji) => onReact(message.id, emoji)}
            onAdd={(anchor) => onOpenMenu(message.id, anchor, true)}
          />
        )}
        {entry.delivery === "pending" && <div class="delivery">{t("messages.sending")}</div>}
        {entry.delivery === "failed" && (
          <div class="delivery failed-line" role="alert">
            <span>{t("messages.failed", { reason: errorText(entry.error, entry.retryAfterMs) })}</span>
            <button type="button" class="link-button" onClick={() => engine.retry(message.channel_id, clientMsgId)}>
              {t("messages.retry")}
            </button>
            <button type="button" class="link-button" onClick={() => engine.discard(message.channel_id, clientMsgId)}>
              {t("messages.discard")}
            </button>
          </div>
        )}
      </div>
      {actionable && !editing && <MessageMenuButton open={menuOpen} onOpen={(anchor) => onOpenMenu(message.id, anchor, false)} />}
    </div>
  );
}

/**
 * The thread's own message box: Enter sends, Shift+Enter starts a new line, and the up arrow
 * in it while empty edits the user's last message of the thread.
 */
function ThreadComposer({
  queueKey,
  onSend,
  onEditLast,
}: {
  queueKey: string;
  onSend: (body: string, alsoInChannel: boolean, files: FileInfo[]) => void;
  onEditLast: () => boolean;
}) {
  const [text, setText] = useState("");
  const [alsoInChannel, setAlsoInChannel] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const uploads = useUploads(queueKey);
  const [notice, setNotice] = useState("");
  useEffect(() => {
    if (!window.matchMedia("(pointer: coarse)").matches) input.current?.focus();
  }, []);
  const send = () => {
    if (!uploads.canSend(text)) {
      if (uploads.busy) setNotice(t("files.waitUploads"));
      return;
    }
    setNotice("");
    onSend(text, alsoInChannel, uploads.take());
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
      <UploadChips queue={uploads} />
      <div class="thread-composer-row">
        <AttachButtons queue={uploads} onNotice={setNotice} idPrefix="thread" />
        <label for={THREAD_INPUT_ID} class="visually-hidden">
          {t("thread.placeholder")}
        </label>
        <textarea
          id={THREAD_INPUT_ID}
          ref={input}
          rows={Math.min(6, text.split("\n").length)}
          value={text}
          placeholder={t("thread.placeholder")}
          enterkeyhint="send"
          onInput={(e) => setText(e.currentTarget.value)}
          onPaste={(e) => {
            const files = pastedFiles(e.clipboardData);
            if (files.length === 0) return;
            e.preventDefault();
            setNotice(attach(uploads, files));
          }}
          onKeyDown={(e) => {
            if (e.isComposing) return;
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              send();
              return;
            }
            const plainKey = !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey;
            if (e.key === "ArrowUp" && plainKey && text === "" && onEditLast()) e.preventDefault();
          }}
        />
        <button type="submit" class="send-button" aria-label={t("composer.send")} title={uploads.busy ? t("files.waitUploads") : t("composer.send")} disabled={!uploads.canSend(text)}>
          <SendIcon />
        </button>
      </div>
      {notice && !(notice === t("files.waitUploads") && !uploads.busy) && (
        <p class="composer-notice" role="status">
          {notice}
        </p>
      )}
      <label class="also-in-channel">
        <input type="checkbox" checked={alsoInChannel} onChange={(e) => setAlsoInChannel(e.currentTarget.checked)} />
        <span>{t("thread.alsoSend")}</span>
      </label>
    </form>
  );
}
