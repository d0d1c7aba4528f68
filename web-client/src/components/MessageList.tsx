// The message list: windowed, so a channel with 10,000 loaded messages renders only the rows
// near the viewport. Heights are measured with a ResizeObserver and guessed until then.
//
// Each sent message has a menu (its "…" button, or a long press on a touch screen) with
// reactions, Edit and Delete; reactions show as chips under it, and one message at a time may
// be edited in place. The menu and the delete confirmation live here, outside the rows (they
// come from messageActions.tsx, which the thread panel uses too).
//
// A channel opens at its end, or at its "new messages" divider when more unread messages than
// fit follow it. Chat lists are anchored at the bottom: when at the bottom we stay there as messages arrive;
// otherwise the first visible row keeps its place on screen while older pages are prepended
// above it or rows above it change height. Row offsets are applied as CSS transforms through
// the CSSOM (element.style), which the strict Content-Security-Policy allows.
import { memo } from "preact/compat";
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";
import type { Channel, Message, User } from "../protocol";
import { formatDay, formatFull, formatTime, getLocale, t } from "../i18n";
import { type RenderOptions, renderMarkdown, withTrailing } from "../markdown/render";
import type { ChatStore } from "../store/chat";
import type { TimelineEntry } from "../store/timeline";
import { senderKey, showBody, shownExtras } from "../extras/extras";
import { useServices, useStore } from "./context";
import { errorText } from "./errors";
import { ActionButtons, AttachmentList, BlockList } from "./Extras";
import { FileList } from "./Files";
import { CloseIcon, PinIcon } from "./icons";
import { useLongPress } from "./longPress";
import { MessageEditor } from "./MessageEditor";
import { MessageActions, MessageMenuButton, useMessageMenu, whoReacted } from "./messageActions";
import { AuthorName, Avatar } from "./people";
import { ReactionChips } from "./Reactions";
import { type Row, buildRows, estimateHeight, openingScrollTop } from "./rows";

const OVERSCAN_PX = 900;
/** Start fetching the previous page this close to the top. */
const LOAD_OLDER_PX = 800;
/** Within this distance of the end counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48;
/** How long a message opened from a search stays highlighted (the CSS fade lasts as long). */
const FLASH_MS = 3000;

interface MessageListProps {
  channel: Channel;
  /** The message being edited in place, if any. */
  editingId: string | null;
  onStartEdit: (messageId: string) => void;
  /** Editing ended (saved or cancelled). */
  onEndEdit: () => void;
}

export function MessageList({ channel, editingId, onStartEdit, onEndEdit }: MessageListProps) {
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
  const { menu, onOpenMenu, closeMenu, dismissMenu } = useMessageMenu();
  const area = useRef<HTMLDivElement>(null);
  const loadingOlder = engine.isLoadingOlder(channel.id);
  const fillingGap = engine.isFillingGap(channel.id);
  /** The row highlighted for a moment after opening it from a search result. */
  const [flashKey, setFlashKey] = useState<string | null>(null);

  const top: "start" | "loader" | null = !timeline.historyLoaded
    ? "loader"
    : timeline.hasMoreBefore
      ? "loader"
      : "start";
  // Where the "new messages" divider goes: the read marker as it was when the channel opened
  // (held, though reading moves the marker on), or where the user marked it unread.
  const [unreadAfter, setUnreadAfter] = useState<number | null>(channel.unread > 0 ? channel.last_read_seq : null);
  const previousRead = useRef(channel.last_read_seq);
  useEffect(() => {
    if (channel.last_read_seq < previousRead.current) setUnreadAfter(channel.last_read_seq);
    previousRead.current = channel.last_read_seq;
  }, [channel.last_read_seq]);
  const meIdForRows = store.me?.id;
  const rows = useMemo(
    () => buildRows(timeline.entries(), top, unreadAfter, meIdForRows),
    [timeline.version, top, timeline, unreadAfter, meIdForRows],
  );
  const dividerIndex = rows.findIndex((r) => r.kind === "unread");

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

  // Once the first page is in: a channel with more unread messages than fit opens at its
  // divider, which then keeps its place (the anchor) while rows are measured and pages load.
  // Only when the page reaches back to the read marker: otherwise the divider stands before the
  // oldest loaded message, not the first unread one, and the end is the better place to start.
  const opened = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (opened.current || !el || !timeline.historyLoaded) return;
    opened.current = true;
    const oldest = timeline.oldestSeq;
    const dividerKnown = dividerIndex >= 0 && unreadAfter !== null && (!timeline.hasMoreBefore || (oldest !== null && oldest <= unreadAfter));
    const top = openingScrollTop(dividerKnown ? offsets[dividerIndex]! : null, total, el.clientHeight);
    if (top === null) return;
    stick.current = false;
    anchor.current = { key: rows[dividerIndex]!.key, delta: top - offsets[dividerIndex]! };
    el.scrollTop = top;
  });

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

  // A message asked for (a search result): once its row is in, scroll it to the middle of the
  // screen, keep it there while rows are measured (the anchor), highlight it and focus it.
  const jump = store.jumpTo;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !jump || jump.channelId !== channel.id) return;
    const index = rows.findIndex((r) => r.kind === "message" && r.entry.delivery === "sent" && r.entry.message.seq === jump.seq);
    if (index < 0) return;
    store.jumpTo = null;
    const key = rows[index]!.key;
    const rowTop = offsets[index]!;
    const rowHeight = offsets[index + 1]! - rowTop;
    const top = Math.max(0, Math.min(total - el.clientHeight, rowTop - Math.max(8, (el.clientHeight - rowHeight) / 2)));
    opened.current = true;
    stick.current = false;
    anchor.current = { key, delta: top - rowTop };
    el.scrollTop = top;
    setView({ top, height: el.clientHeight });
    setFlashKey(key);
    setFocusedKey(key);
    requestAnimationFrame(() => observed.current.get(key)?.querySelector<HTMLElement>(".message")?.focus({ preventScroll: true }));
  });
  useEffect(() => {
    if (!flashKey) return;
    const timer = setTimeout(() => setFlashKey(null), FLASH_MS);
    return () => clearTimeout(timer);
  }, [flashKey, jump]);

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

  const jumpToUnread = () => {
    const el = scroller.current;
    if (!el || dividerIndex < 0) return;
    stick.current = false;
    el.scrollTop = Math.max(0, layout.current.offsets[dividerIndex]! - 8);
  };

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
    // Focus already inside the row (its editor, a chip, its "…" button) stays where it is:
    // `onFocus` bubbles (preact/compat), so focusing those also makes their row the current one.
    if (target && !target.contains(document.activeElement) && scroller.current?.contains(document.activeElement)) {
      target.focus({ preventScroll: true });
    }
  }, [focusedKey, first, last]);

  // The message being edited comes into view (the up arrow may pick one scrolled away).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !editingId) return;
    const { rows: r, offsets: o, total: height } = layout.current;
    const index = r.findIndex((row) => row.kind === "message" && row.entry.message.id === editingId);
    if (index < 0) return;
    const rowTop = o[index]!;
    const rowBottom = o[index + 1]!;
    if (rowTop >= el.scrollTop && rowBottom <= el.scrollTop + el.clientHeight) return;
    stick.current = false;
    if (rowTop < el.scrollTop) el.scrollTop = rowTop;
    else el.scrollTop = Math.min(rowTop, rowBottom - el.clientHeight);
    if (height - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX) stick.current = true;
  }, [editingId]);

  const meId = store.me?.id;
  const myName = store.me?.username.toLowerCase();
  const isMe = useCallback((username: string) => username.toLowerCase() === myName, [myName]);
  const onRetry = useCallback((id: string) => engine.retry(channel.id, id), [engine, channel.id]);
  const onDiscard = useCallback((id: string) => engine.discard(channel.id, id), [engine, channel.id]);
  const onAction = useCallback(
    (messageId: string, actionId: string) => void engine.clickAction(channel.id, messageId, actionId),
    [engine, channel.id],
  );
  const onOpenThread = useCallback((rootSeq: number) => engine.openThread(channel.id, rootSeq), [engine, channel.id]);
  const onLoadGap = useCallback(() => void engine.fillGap(channel.id), [engine, channel.id]);
  const onDismissNote = useCallback((noteId: string) => engine.dismissNote(channel.id, noteId), [engine, channel.id]);
  const onReact = useCallback(
    (messageId: string, emoji: string) => void engine.toggleReaction(channel.id, messageId, emoji),
    [engine, channel.id],
  );
  const onSaveEdit = useCallback(
    async (messageId: string, body: string) => {
      await engine.editMessage(channel.id, messageId, body);
      onEndEdit();
    },
    [engine, channel.id, onEndEdit],
  );
  const menuMessage = menu ? timeline.find(menu.messageId) : undefined;
  const menuShown = menu !== null && menuMessage !== undefined && !menuMessage.deleted && meId !== undefined;

  const visible: Row[] = rows.slice(first, last + 1);
  const locale = getLocale();
  return (
    <div class="message-area" ref={area}>
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
                  locale={locale}
                  authorName={row.kind === "message" ? store.displayName(row.entry.message.author_id) : ""}
                  author={row.kind === "message" ? store.users.get(row.entry.message.author_id) : undefined}
                  nameShared={row.kind === "message" && store.nameSharedWithOthers(shownName(store, row.entry.message), row.entry.message.author_id)}
                  isBot={row.kind === "message" && store.users.get(row.entry.message.author_id)?.kind === "bot"}
                  busyActions={row.kind === "message" ? store.actionsInFlight.get(row.entry.message.id) : undefined}
                  mine={row.kind === "message" && row.entry.message.author_id === meId}
                  meId={meId}
                  editing={row.kind === "message" && row.entry.delivery === "sent" && row.entry.message.id === editingId}
                  menuOpen={menuShown && row.kind === "message" && row.entry.delivery === "sent" && row.entry.message.id === menu.messageId}
                  whoReacted={row.kind === "message" && row.entry.message.reactions ? whoReacted(store, row.entry.message.reactions) : undefined}
                  focusable={row.key === focusedKey}
                  loadingOlder={loadingOlder}
                  flash={row.key === flashKey}
                  fillingGap={fillingGap}
                  onLoadGap={onLoadGap}
                  channelLabel={store.channelLabel(channel)}
                  isMe={isMe}
                  onRetry={onRetry}
                  onDiscard={onDiscard}
                  onAction={onAction}
                  onDismissNote={onDismissNote}
                  onFocusRow={setFocusedKey}
                  onReact={onReact}
                  onOpenMenu={onOpenMenu}
                  onSaveEdit={onSaveEdit}
                  onCancelEdit={onEndEdit}
                  onOpenThread={onOpenThread}
                />
              </div>
            );
          })}
        </div>
      </div>
      {dividerIndex >= 0 && offsets[dividerIndex]! < view.top && (
        <button type="button" class="jump-unread" onClick={jumpToUnread}>
          {t("messages.jumpToUnread")}
        </button>
      )}
      {showJump && (
        <button type="button" class="jump-latest" onClick={jumpToLatest}>
          {t("messages.jumpToLatest")}
        </button>
      )}
      <MessageActions
        channelId={channel.id}
        menu={menu}
        message={menuMessage}
        container={area.current}
        closeMenu={closeMenu}
        dismissMenu={dismissMenu}
        onReact={onReact}
        onStartEdit={onStartEdit}
        onReplyInThread={(message) => engine.openThread(channel.id, message.thread_root ?? message.seq)}
        composerId="composer-input"
      />
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
  /** The UI language: rows are memoized, and their texts ("Avui", dates) must follow a switch. */
  locale: string;
  authorName: string;
  /** The author's account, when known (its @username and badges tell it apart). */
  author: User | undefined;
  /** Someone else shows under the name this message shows: the @username goes beside it. */
  nameShared: boolean;
  /** The author's account is a bot (marked "BOT"). */
  isBot: boolean;
  busyActions: ReadonlySet<string> | undefined;
  mine: boolean;
  focusable: boolean;
  loadingOlder: boolean;
  /** Highlighted for a moment (opened from a search result). */
  flash: boolean;
  fillingGap: boolean;
  onLoadGap: () => void;
  channelLabel: string;
  isMe: (username: string) => boolean;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
  onAction: (messageId: string, actionId: string) => void;
  onDismissNote: (noteId: string) => void;
  onFocusRow: (key: string) => void;
  meId: string | undefined;
  /** This message is being edited in place. */
  editing: boolean;
  /** Its menu is open (the "…" button says so, and stays shown). */
  menuOpen: boolean;
  /** Who reacted, in words, per reaction. */
  whoReacted: readonly string[] | undefined;
  onReact: (messageId: string, emoji: string) => void;
  onOpenMenu: (messageId: string, anchor: HTMLElement, withPicker: boolean) => void;
  onSaveEdit(messageId: string, body: string): Promise<void>;
  onCancelEdit: () => void;
  onOpenThread: (rootSeq: number) => void;
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
    case "unread":
      return (
        <div class="unread-divider" role="separator" data-testid="unread-divider">
          <span>{t("messages.newMessages")}</span>
        </div>
      );
    case "day":
      return (
        <div class="day-separator" role="separator">
          <span>{formatDay(row.iso)}</span>
        </div>
      );
    case "gap":
      return (
        <div class="gap-row" role="separator" aria-label={t("messages.gap")}>
          <button type="button" class="button" onClick={props.onLoadGap} disabled={props.fillingGap} data-testid="load-gap">
            {props.fillingGap ? t("messages.loading") : t("messages.loadGap")}
          </button>
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
  const { engine } = useServices();
  const message = entry.message;
  const extras = useMemo(() => shownExtras(message.extras), [message.extras]);
  const options = useMemo(() => ({ isMe }), [isMe]);
  // A webhook's (or bot's) own name for the post; the account is still marked as a bot. The
  // avatar's colour follows the sender, so two webhooks posting through one account differ.
  const authorName = extras?.username ?? props.authorName;
  const delivery = entry.delivery;
  const deleted = message.deleted;
  // Only what the server has can be reacted to, edited or deleted; a tombstone has nothing left.
  const actionable = delivery === "sent" && !deleted;
  const editing = props.editing && actionable;
  const openMenu = props.onOpenMenu;
  const longPress = useLongPress((target) => {
    if (actionable) openMenu(message.id, target, false);
  });
  const classes = ["message"];
  if (grouped) classes.push("grouped");
  if (delivery !== "sent") classes.push(delivery);
  if (mine) classes.push("mine");
  if (deleted) classes.push("deleted");
  if (editing) classes.push("editing");
  if (props.menuOpen) classes.push("menu-open");
  if (props.flash) classes.push("flash");
  if (props.meId && message.mentions?.includes(props.meId)) classes.push("mentions-me");
  const time = formatTime(message.created_at);
  const clientMsgId = message.client_msg_id ?? "";
  return (
    <div
      class={classes.join(" ")}
      tabIndex={props.focusable ? 0 : -1}
      onFocus={() => props.onFocusRow(props.row.key)}
      data-seq={message.seq || undefined}
      data-delivery={delivery}
      data-message-id={delivery === "sent" ? message.id : undefined}
      {...(actionable ? longPress : {})}
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
            <AuthorName name={authorName} user={props.author} shared={props.nameShared} onOpen={() => engine.openProfile(message.author_id)} />
            {extras?.viaWebhook && (
              <span class="via-webhook" title={t("messages.viaWebhookTitle", { name: props.authorName })}>
                {t("messages.viaWebhook")}
              </span>
            )}
            <time dateTime={message.created_at} title={formatFull(message.created_at)}>
              {time}
            </time>
            {message.pinned && <PinMark />}
          </div>
        )}
        {grouped && message.pinned && <PinMark />}
        <MessageText
          message={message}
          isBot={props.isBot}
          editing={editing}
          options={options}
          onSaveEdit={props.onSaveEdit}
          onCancelEdit={props.onCancelEdit}
        />
        {!deleted && message.files && message.files.length > 0 && <FileList files={message.files} />}
        {!deleted && extras && extras.blocks.length > 0 && <BlockList blocks={extras.blocks} options={options} />}
        {!deleted && extras && extras.attachments.length > 0 && <AttachmentList attachments={extras.attachments} options={options} />}
        {!deleted && extras && extras.actions.length > 0 && (
          <ActionButtons
            actions={extras.actions}
            busy={props.busyActions}
            disabled={delivery !== "sent"}
            onAction={(actionId) => props.onAction(message.id, actionId)}
          />
        )}
        {actionable && message.reactions && message.reactions.length > 0 && (
          <ReactionChips
            reactions={message.reactions}
            meId={props.meId}
            who={props.whoReacted ?? []}
            onToggle={(emoji) => props.onReact(message.id, emoji)}
            onAdd={(anchor) => openMenu(message.id, anchor, true)}
          />
        )}
        {delivery === "sent" && (message.reply_count ?? 0) > 0 && (
          <ThreadSummary message={message} onOpen={() => props.onOpenThread(message.seq)} />
        )}
        {delivery === "sent" && message.thread_root != null && (
          <button type="button" class="link-button thread-origin" onClick={() => props.onOpenThread(message.thread_root!)}>
            {t("thread.alsoInChannel")}
          </button>
        )}
        {delivery === "pending" && <div class="delivery">{t("messages.sending")}</div>}
        {delivery === "failed" && (
          <div class="delivery failed-line" role="alert">
            <span>{t("messages.failed", { reason: errorText(entry.error, entry.retryAfterMs) })}</span>
            <button type="button" class="link-button" onClick={() => props.onRetry(clientMsgId)}>
              {t("messages.retry")}
            </button>
            <button type="button" class="link-button" onClick={() => props.onDiscard(clientMsgId)}>
              {t("messages.discard")}
            </button>
          </div>
        )}
      </div>
      {actionable && !editing && <MessageMenuButton open={props.menuOpen} onOpen={(anchor) => openMenu(message.id, anchor, false)} />}
    </div>
  );
}

/** The name a message shows for its author: a webhook's own name, or the account's. */
export function shownName(store: ChatStore, message: Message): string {
  const own = message.extras?.username;
  return typeof own === "string" && own.trim() ? own.trim() : store.displayName(message.author_id);
}

/** Says a message is pinned in its channel. */
export function PinMark() {
  return (
    <span class="pin-mark" role="img" aria-label={t("pins.mark")} title={t("pins.mark")} data-testid="pin-mark">
      <PinIcon />
    </span>
  );
}

/** Under a thread's root: how many replies, who replied (initials) and when last; opens the thread. */
function ThreadSummary({ message, onOpen }: { message: Message; onOpen: () => void }) {
  const store = useStore();
  const participants = (message.participant_ids ?? []).slice(0, 5);
  return (
    <button type="button" class="thread-summary" onClick={onOpen}>
      <span class="thread-participants" aria-hidden="true">
        {participants.map((id) => (
          <Avatar key={id} userId={id} name={store.displayName(id)} />
        ))}
      </span>
      <span class="thread-count">{t("thread.replies", { count: message.reply_count ?? 0 })}</span>
      {message.last_reply_at && (
        <span class="thread-last" title={formatFull(message.last_reply_at)}>
          {t("thread.lastReply", { time: formatTime(message.last_reply_at) })}
        </span>
      )}
    </button>
  );
}

interface MessageTextProps {
  message: Message;
  isBot: boolean;
  editing: boolean;
  options: RenderOptions;
  onSaveEdit(messageId: string, body: string): Promise<void>;
  onCancelEdit: () => void;
}

/** A message's text: its Markdown (marked when edited), its editor, or the tombstone of a deleted one. */
export function MessageText({ message, isBot, editing, options, onSaveEdit, onCancelEdit }: MessageTextProps) {
  const bodyShown = useMemo(() => showBody(message), [message.body, message.extras]);
  const body = useMemo(() => (bodyShown ? renderMarkdown(message.body, options) : null), [bodyShown, message.body, options]);
  if (message.deleted) return <div class="message-text tombstone">{t("messages.deleted")}</div>;
  if (editing) {
    return (
      <MessageEditor
        messageId={message.id}
        initial={message.body}
        onSave={(text) => onSaveEdit(message.id, text)}
        onCancel={onCancelEdit}
      />
    );
  }
  if (!body) return null;
  // A bot's card updated by its bot is not "edited" in the sense people mean.
  if (!message.edited_at || isBot) return <div class="message-text">{body}</div>;
  const mark = (
    <span class="edited-mark" title={t("messages.editedTitle", { time: formatFull(message.edited_at) })}>
      {t("messages.edited")}
    </span>
  );
  return <div class="message-text">{withTrailing(body, mark)}</div>;
}
