// The message list: windowed, so a channel with 10,000 loaded messages renders only the rows
// near the viewport. Heights are measured with a ResizeObserver and guessed until then.
//
// Chat lists are anchored at the bottom: when at the bottom we stay there as messages arrive;
// otherwise the first visible row keeps its place on screen while older pages are prepended
// above it or rows above it change height. Row offsets are applied as CSS transforms through
// the CSSOM (element.style), which the strict Content-Security-Policy allows.
import { memo } from "preact/compat";
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";
import type { Channel } from "../protocol";
import { formatDay, formatFull, formatTime, t } from "../i18n";
import { renderMarkdown } from "../markdown/render";
import type { TimelineEntry } from "../store/timeline";
import { senderKey, showBody, shownExtras } from "../extras/extras";
import { useServices, useStore } from "./context";
import { errorText } from "./errors";
import { ActionButtons, AttachmentList, BlockList } from "./Extras";
import { CloseIcon } from "./icons";
import { Avatar, BotBadge } from "./people";
import { type Row, buildRows, estimateHeight } from "./rows";

const OVERSCAN_PX = 900;
/** Start fetching the previous page this close to the top. */
const LOAD_OLDER_PX = 800;
/** Within this distance of the end counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48;

export function MessageList({ channel }: { channel: Channel }) {
  const store = useStore();
  const { engine } = useServices();
  const timeline = store.timeline(channel.id);
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const stick = useRef(true);
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  const [, remeasured] = useReducer((n: number) => n + 1, 0);
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const [showJump, setShowJump] = useState(false);
  const loadingOlder = engine.isLoadingOlder(channel.id);

  const top: "start" | "loader" | null = !timeline.historyLoaded
    ? "loader"
    : timeline.hasMoreBefore
      ? "loader"
      : "start";
  const rows = useMemo(() => buildRows(timeline.entries(), top), [timeline.version, top, timeline]);

  // Offsets of every row (prefix sums); cheap even for 10,000 rows.
  const offsets = new Array<number>(rows.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    offsets[i + 1] = offsets[i]! + (heights.current.get(row.key) ?? estimateHeight(row));
  }
  const total = offsets[rows.length]!;
  const layout = useRef({ rows, offsets, total });
  layout.current = { rows, offsets, total };

  const first = Math.max(0, findRow(offsets, view.top - OVERSCAN_PX));
  const last = Math.min(rows.length - 1, findRow(offsets, view.top + view.height + OVERSCAN_PX));

  // Measuring rendered rows.
  const observed = useRef(new Map<string, HTMLElement>());
  const observer = useMemo(
    () =>
      new ResizeObserver((entries) => {
        let changed = false;
        for (const entry of entries) {
          const el = entry.target as HTMLElement;
          const key = el.dataset.key;
          if (!key) continue;
          const height = entry.borderBoxSize?.[0]?.blockSize ?? el.getBoundingClientRect().height;
          if (height > 0 && Math.abs((heights.current.get(key) ?? -1) - height) > 0.5) {
            heights.current.set(key, height);
            changed = true;
          }
        }
        if (changed) remeasured(0);
      }),
    [],
  );
  useEffect(() => () => observer.disconnect(), [observer]);
  // One stable ref callback per row key, so re-renders do not re-observe every row.
  const refFns = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const rowRef = (key: string) => {
    let fn = refFns.current.get(key);
    if (!fn) {
      fn = (el: HTMLElement | null) => {
        const previous = observed.current.get(key);
        if (previous && previous !== el) {
          observer.unobserve(previous);
          observed.current.delete(key);
        }
        if (el && previous !== el) {
          el.dataset.key = key;
          observer.observe(el);
          observed.current.set(key, el);
        }
      };
      refFns.current.set(key, fn);
    }
    return fn;
  };

  // After every render: keep the bottom, or keep the anchor row where it was on screen.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (stick.current) {
      const bottom = Math.max(0, total - el.clientHeight);
      if (Math.abs(el.scrollTop - bottom) > 1) el.scrollTop = bottom;
    } else if (anchor.current) {
      const index = rows.findIndex((r) => r.key === anchor.current!.key);
      if (index >= 0) {
        const want = offsets[index]! + anchor.current.delta;
        if (Math.abs(el.scrollTop - want) > 1) el.scrollTop = want;
      }
    }
  });

  const readIfAtBottom = useCallback(() => {
    if (stick.current && document.visibilityState === "visible") engine.markRead(channel.id);
  }, [engine, channel.id]);

  // New messages (or a page) arrived: read them if they are on screen; fill a short screen.
  useEffect(() => {
    readIfAtBottom();
    const el = scroller.current;
    if (el && el.scrollTop < LOAD_OLDER_PX && timeline.historyLoaded && timeline.hasMoreBefore) {
      void engine.loadOlder(channel.id);
    }
  }, [timeline.version, readIfAtBottom, engine, channel.id, timeline]);

  useEffect(() => {
    const onVisible = () => readIfAtBottom();
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [readIfAtBottom]);

  const frame = useRef(0);
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    // Our own total, not el.scrollHeight: a row taller than its estimate overflows the canvas
    // until it is measured, and must not make us think the user scrolled up.
    const { rows: r, offsets: o, total: t } = layout.current;
    const end = Math.max(t, el.clientHeight);
    const atBottom = end - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    stick.current = atBottom;
    const index = Math.max(0, findRow(o, el.scrollTop));
    const row = r[index];
    anchor.current = row ? { key: row.key, delta: el.scrollTop - o[index]! } : null;
    if (el.scrollTop < LOAD_OLDER_PX) void engine.loadOlder(channel.id);
    if (atBottom) readIfAtBottom();
    setShowJump(!atBottom && end - el.scrollTop - el.clientHeight > el.clientHeight);
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const current = scroller.current;
      if (current) setView({ top: current.scrollTop, height: current.clientHeight });
    });
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // The viewport's size changes with the window, the keyboard on phones, the composer's rows.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const resize = new ResizeObserver(() => {
      setView({ top: el.scrollTop, height: el.clientHeight });
      if (stick.current) el.scrollTop = layout.current.total;
    });
    resize.observe(el);
    return () => resize.disconnect();
  }, []);

  const jumpToLatest = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = true;
    el.scrollTop = layout.current.total;
    setShowJump(false);
  };

  // Sending scrolls to the end: your own message is what you want to see. Decided during
  // render so the layout effect of this very render already scrolls.
  const pendingCount = timeline.pending.length;
  const previousPending = useRef(pendingCount);
  if (pendingCount > previousPending.current) stick.current = true;
  previousPending.current = pendingCount;

  // Keyboard: arrows move between messages inside the list (roving focus).
  const messageKeys = rows.filter((r) => r.kind === "message").map((r) => r.key);
  const onKeyDown = (event: KeyboardEvent) => {
    if (!["ArrowUp", "ArrowDown", "Home", "End"].includes(event.key) || event.altKey) return;
    if ((event.target as HTMLElement).closest("button, a, textarea, input")) return;
    if (messageKeys.length === 0) return;
    event.preventDefault();
    let index = focusedKey ? messageKeys.indexOf(focusedKey) : -1;
    if (index < 0) index = messageKeys.length;
    if (event.key === "ArrowUp") index = Math.max(0, index - 1);
    if (event.key === "ArrowDown") index = Math.min(messageKeys.length - 1, index + 1);
    if (event.key === "Home") index = 0;
    if (event.key === "End") index = messageKeys.length - 1;
    const key = messageKeys[index]!;
    setFocusedKey(key);
    const el = scroller.current;
    const rowIndex = rows.findIndex((r) => r.key === key);
    if (el && rowIndex >= 0) {
      const rowTop = offsets[rowIndex]!;
      const rowBottom = offsets[rowIndex + 1]!;
      stick.current = false;
      if (rowTop < el.scrollTop) el.scrollTop = rowTop;
      else if (rowBottom > el.scrollTop + el.clientHeight) el.scrollTop = rowBottom - el.clientHeight;
      if (total - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX) stick.current = true;
    }
  };
  useLayoutEffect(() => {
    if (!focusedKey) return;
    const target = observed.current.get(focusedKey)?.querySelector<HTMLElement>(".message");
    if (target && document.activeElement !== target && scroller.current?.contains(document.activeElement)) {
      target.focus({ preventScroll: true });
    }
  }, [focusedKey, first, last]);

  const meId = store.me?.id;
  const myName = store.me?.username.toLowerCase();
  const isMe = useCallback((username: string) => username.toLowerCase() === myName, [myName]);
  const onRetry = useCallback((id: string) => engine.retry(channel.id, id), [engine, channel.id]);
  const onDiscard = useCallback((id: string) => engine.discard(channel.id, id), [engine, channel.id]);
  const onAction = useCallback(
    (messageId: string, actionId: string) => void engine.clickAction(channel.id, messageId, actionId),
    [engine, channel.id],
  );
  const onDismissNote = useCallback((noteId: string) => engine.dismissNote(channel.id, noteId), [engine, channel.id]);

  const visible: Row[] = rows.slice(first, last + 1);
  return (
    <div class="message-area">
      <div class="message-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} onKeyDown={onKeyDown} aria-label={t("messages.scrollerLabel")}>
        <div
          class="message-canvas"
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-label={t("messages.label", { channel: store.channelLabel(channel) })}
          style={{ height: `${total}px` }}
        >
          {visible.map((row, i) => {
            const index = first + i;
            return (
              <div
                key={row.key}
                ref={rowRef(row.key)}
                class="row"
                style={{ transform: `translateY(${offsets[index]}px)` }}
              >
                <RowView
                  row={row}
                  authorName={row.kind === "message" ? store.displayName(row.entry.message.author_id) : ""}
                  isBot={row.kind === "message" && store.users.get(row.entry.message.author_id)?.kind === "bot"}
                  busyActions={row.kind === "message" ? store.actionsInFlight.get(row.entry.message.id) : undefined}
                  mine={row.kind === "message" && row.entry.message.author_id === meId}
                  focusable={row.key === focusedKey}
                  loadingOlder={loadingOlder}
                  channelLabel={store.channelLabel(channel)}
                  isMe={isMe}
                  onRetry={onRetry}
                  onDiscard={onDiscard}
                  onAction={onAction}
                  onDismissNote={onDismissNote}
                  onFocusRow={setFocusedKey}
                />
              </div>
            );
          })}
        </div>
      </div>
      {showJump && (
        <button type="button" class="jump-latest" onClick={jumpToLatest}>
          {t("messages.jumpToLatest")}
        </button>
      )}
    </div>
  );
}

/** Index of the row containing pixel `y` (binary search over offsets). */
function findRow(offsets: number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface RowProps {
  row: Row;
  authorName: string;
  /** The author's account is a bot (marked "BOT"). */
  isBot: boolean;
  busyActions: ReadonlySet<string> | undefined;
  mine: boolean;
  focusable: boolean;
  loadingOlder: boolean;
  channelLabel: string;
  isMe: (username: string) => boolean;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
  onAction: (messageId: string, actionId: string) => void;
  onDismissNote: (noteId: string) => void;
  onFocusRow: (key: string) => void;
}

const RowView = memo(function RowView(props: RowProps) {
  const { row } = props;
  switch (row.kind) {
    case "start":
      return (
        <div class="channel-start">
          <p class="channel-start-title">{t("messages.start", { channel: props.channelLabel })}</p>
        </div>
      );
    case "loader":
      return (
        <div class="loader-row" role="status">
          {t("messages.loading")}
        </div>
      );
    case "day":
      return (
        <div class="day-separator" role="separator">
          <span>{formatDay(row.iso)}</span>
        </div>
      );
    case "note":
      return <NoteView entry={row.entry} onDismiss={props.onDismissNote} isMe={props.isMe} />;
    case "message":
      return <MessageView {...props} entry={row.entry} grouped={row.grouped} />;
  }
});

/** A reply only this user sees (a command's answer, a bot's private note); gone on reload. */
function NoteView({
  entry,
  onDismiss,
  isMe,
}: {
  entry: Extract<TimelineEntry, { kind: "ephemeral" }>;
  onDismiss: (noteId: string) => void;
  isMe: (username: string) => boolean;
}) {
  const note = entry.note;
  const options = useMemo(() => ({ isMe }), [isMe]);
  return (
    <div class="message note" data-note={note.id}>
      <div class="message-gutter" />
      <div class="message-content">
        <div class="message-meta">
          <span class="author">{t("messages.systemAuthor")}</span>
          <span class="note-tag">{t("messages.onlyYou")}</span>
          <button
            type="button"
            class="icon-button small note-dismiss"
            aria-label={t("messages.dismissLabel")}
            title={t("messages.dismiss")}
            onClick={() => onDismiss(note.id)}
          >
            <CloseIcon />
          </button>
        </div>
        {note.text.trim() !== "" && <div class="message-text">{renderMarkdown(note.text, options)}</div>}
        {note.attachments && <AttachmentList attachments={note.attachments} options={options} />}
      </div>
    </div>
  );
}

function MessageView(
  props: RowProps & { entry: Extract<TimelineEntry, { kind: "message" }>; grouped: boolean },
) {
  const { entry, grouped, mine, isMe } = props;
  const message = entry.message;
  const extras = useMemo(() => shownExtras(message.extras), [message.extras]);
  const options = useMemo(() => ({ isMe }), [isMe]);
  const bodyShown = useMemo(() => showBody(message), [message.body, message.extras]);
  const body = useMemo(() => (bodyShown ? renderMarkdown(message.body, options) : null), [bodyShown, message.body, options]);
  // A webhook's (or bot's) own name for the post; the account is still marked as a bot. The
  // avatar's colour follows the sender, so two webhooks posting through one account differ.
  const authorName = extras?.username ?? props.authorName;
  const delivery = entry.delivery;
  const classes = ["message"];
  if (grouped) classes.push("grouped");
  if (delivery !== "sent") classes.push(delivery);
  if (mine) classes.push("mine");
  const time = formatTime(message.created_at);
  const clientMsgId = message.client_msg_id ?? "";
  return (
    <div
      class={classes.join(" ")}
      tabIndex={props.focusable ? 0 : -1}
      onFocus={() => props.onFocusRow(props.row.key)}
      data-seq={message.seq || undefined}
      data-delivery={delivery}
    >
      <div class="message-gutter">
        {grouped ? (
          <time class="hover-time" dateTime={message.created_at} title={formatFull(message.created_at)}>
            {time}
          </time>
        ) : (
          <Avatar userId={senderKey(message)} name={authorName} size="lg" emoji={extras?.emoji ?? null} />
        )}
      </div>
      <div class="message-content">
        {grouped ? (
          <span class="visually-hidden">{`${authorName}, ${time}: `}</span>
        ) : (
          <div class="message-meta">
            <span class="author">{authorName}</span>
            {props.isBot && <BotBadge />}
            {extras?.viaWebhook && (
              <span class="via-webhook" title={t("messages.viaWebhookTitle", { name: props.authorName })}>
                {t("messages.viaWebhook")}
              </span>
            )}
            <time dateTime={message.created_at} title={formatFull(message.created_at)}>
              {time}
            </time>
          </div>
        )}
        {body && <div class="message-text">{body}</div>}
        {extras && extras.blocks.length > 0 && <BlockList blocks={extras.blocks} options={options} />}
        {extras && extras.attachments.length > 0 && <AttachmentList attachments={extras.attachments} options={options} />}
        {extras && extras.actions.length > 0 && (
          <ActionButtons
            actions={extras.actions}
            busy={props.busyActions}
            disabled={delivery !== "sent"}
            onAction={(actionId) => props.onAction(message.id, actionId)}
          />
        )}
        {delivery === "pending" && <div class="delivery">{t("messages.sending")}</div>}
        {delivery === "failed" && (
          <div class="delivery failed-line" role="alert">
            <span>{t("messages.failed", { reason: errorText(entry.error) })}</span>
            <button type="button" class="link-button" onClick={() => props.onRetry(clientMsgId)}>
              {t("messages.retry")}
            </button>
            <button type="button" class="link-button" onClick={() => props.onDiscard(clientMsgId)}>
              {t("messages.discard")}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
