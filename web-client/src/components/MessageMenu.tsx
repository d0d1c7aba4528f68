// A message's menu: quick reactions, a small emoji picker, and Edit and Delete where the user
// may. Opened by the message's "…" button, by its chips' "add reaction" button, or by a long
// press on a touch screen. One menu at a time, drawn over the list (not inside its row, where
// the windowed list's rows would clip and cover it): beside its button on a wide screen, as a
// sheet at the bottom on a phone.
//
// Keyboard: the first item takes the focus; arrows move (up and down by rows in the picker),
// Home and End jump, Escape and Tab close it and give the focus back to its button.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Message } from "../protocol";
import { t } from "../i18n";
import { hasReacted } from "../store/reactions";
import { EMOJI_GROUPS, QUICK_REACTIONS } from "./emoji";
import { AddReactionIcon, BookmarkIcon, PencilIcon, PinIcon, ThreadIcon, TrashIcon, UnreadIcon } from "./icons";

/** Space kept between the menu and its button or the list's edges. */
const GAP_PX = 4;

export interface MessageMenuProps {
  message: Message;
  meId: string;
  canEdit: boolean;
  canDelete: boolean;
  /** Open with the picker showing (from the "add reaction" button). */
  withPicker: boolean;
  /** What opened the menu; it is placed next to it and gets the focus back. */
  anchor: HTMLElement;
  /** The element the menu is positioned in. */
  container: HTMLElement | null;
  onReact: (emoji: string) => void;
  onEdit: () => void;
  onDelete: () => void;
  /** Opens the message's thread (its own, or the one it replies in). */
  onReplyInThread?: () => void;
  /** Pinned for the channel / saved by me: what the items offer is the other way round. */
  pinned: boolean;
  saved: boolean;
  onTogglePin: () => void;
  onToggleSave: () => void;
  /** Marks the channel (or, for a reply kept in its thread, the thread) unread from this message on. */
  onMarkUnread?: () => void;
  onClose: (returnFocus: boolean) => void;
}

export function MessageMenu(props: MessageMenuProps) {
  const { message, meId, anchor, container, onClose } = props;
  const [picker, setPicker] = useState(props.withPicker);
  const menu = useRef<HTMLDivElement>(null);

  // Beside the anchor, below it when there is room, else above; re-placed on every render,
  // since the list scrolls under it. An anchor scrolled out of the windowed list closes it.
  useLayoutEffect(() => {
    const el = menu.current;
    if (!el || !container) return;
    if (!anchor.isConnected) {
      onClose(false);
      return;
    }
    const a = anchor.getBoundingClientRect();
    const box = container.getBoundingClientRect();
    const height = el.offsetHeight;
    let top = a.bottom - box.top + GAP_PX;
    if (top + height > box.height - GAP_PX) top = Math.max(GAP_PX, a.top - box.top - height - GAP_PX);
    el.style.setProperty("--menu-top", `${Math.round(top)}px`);
    el.style.setProperty("--menu-right", `${Math.round(Math.max(GAP_PX, box.right - a.right))}px`);
  });

  // In a layout effect, so a key pressed right after opening already lands on the menu.
  useLayoutEffect(() => {
    items(menu.current)[0]?.focus({ preventScroll: true });
  }, []);

  useLayoutEffect(() => {
    if (picker) menu.current?.querySelector<HTMLElement>(".emoji-picker [role='menuitem']")?.focus({ preventScroll: true });
  }, [picker]);

  // A press anywhere else closes it (the anchor's own click toggles it instead).
  useEffect(() => {
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !anchor.contains(target)) onClose(false);
    };
    document.addEventListener("pointerdown", onPointerDown, true);
    return () => document.removeEventListener("pointerdown", onPointerDown, true);
  }, [anchor, onClose]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      event.stopPropagation();
      onClose(true);
      return;
    }
    const list = items(menu.current);
    const current = document.activeElement as HTMLElement;
    const next = nextItem(list, current, event.key);
    if (!next) return;
    event.preventDefault();
    next.focus({ preventScroll: false });
  };

  const react = (emoji: string) => {
    props.onReact(emoji);
    onClose(true);
  };
  const mine = (emoji: string) => hasReacted(message.reactions, emoji, meId);

  return (
    <div class="message-menu" role="menu" aria-label={t("messageMenu.label")} ref={menu} onKeyDown={onKeyDown}>
      <div class="menu-reactions" role="group" aria-label={t("reactions.quick")}>
        {QUICK_REACTIONS.map((emoji) => (
          <EmojiItem key={emoji} emoji={emoji} mine={mine(emoji)} onPick={react} />
        ))}
        <button
          type="button"
          role="menuitem"
          tabIndex={-1}
          class="emoji-item more-reactions"
          aria-haspopup="true"
          aria-expanded={picker}
          aria-label={t("reactions.more")}
          title={t("reactions.more")}
          onClick={() => setPicker(!picker)}
        >
          <AddReactionIcon />
        </button>
      </div>
      {picker && <EmojiPicker mine={mine} onPick={react} />}
      <div class="menu-separator" role="separator" />
      {props.onReplyInThread && (
        <button type="button" role="menuitem" tabIndex={-1} class="menu-item" onClick={props.onReplyInThread}>
          <ThreadIcon />
          <span>{t("messageMenu.replyInThread")}</span>
        </button>
      )}
      <button type="button" role="menuitem" tabIndex={-1} class="menu-item" onClick={props.onTogglePin}>
        <PinIcon />
        <span>{props.pinned ? t("messageMenu.unpin") : t("messageMenu.pin")}</span>
      </button>
      <button type="button" role="menuitem" tabIndex={-1} class="menu-item" onClick={props.onToggleSave}>
        <BookmarkIcon />
        <span>{props.saved ? t("messageMenu.unsave") : t("messageMenu.save")}</span>
      </button>
      {props.onMarkUnread && (
        <button type="button" role="menuitem" tabIndex={-1} class="menu-item" onClick={props.onMarkUnread}>
          <UnreadIcon />
          <span>{t("messageMenu.markUnread")}</span>
        </button>
      )}
      {props.canEdit && (
        <button type="button" role="menuitem" tabIndex={-1} class="menu-item" onClick={props.onEdit}>
          <PencilIcon />
          <span>{t("messageMenu.edit")}</span>
        </button>
      )}
      {props.canDelete && (
        <button type="button" role="menuitem" tabIndex={-1} class="menu-item danger" onClick={props.onDelete}>
          <TrashIcon />
          <span>{t("messageMenu.delete")}</span>
        </button>
      )}
    </div>
  );
}

/** The picker: a few dozen common emoji in labelled groups. */
export function EmojiPicker({ mine, onPick }: { mine: (emoji: string) => boolean; onPick: (emoji: string) => void }) {
  return (
    <div class="emoji-picker" role="group" aria-label={t("emoji.picker")}>
      {EMOJI_GROUPS.map((group) => (
        <div key={group.id} class="emoji-group" role="group" aria-labelledby={`emoji-group-${group.id}`}>
          <div class="emoji-group-title" id={`emoji-group-${group.id}`}>
            {t(group.title)}
          </div>
          <div class="emoji-grid">
            {group.emoji.map((emoji) => (
              <EmojiItem key={emoji} emoji={emoji} mine={mine(emoji)} onPick={onPick} />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

/** One emoji to react with; the ones the user already reacted with take the reaction back. */
function EmojiItem({ emoji, mine, onPick }: { emoji: string; mine: boolean; onPick: (emoji: string) => void }) {
  const label = mine ? t("reactions.remove", { emoji }) : t("reactions.reactWith", { emoji });
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      class={mine ? "emoji-item mine" : "emoji-item"}
      aria-label={label}
      title={label}
      data-emoji={emoji}
      onClick={() => onPick(emoji)}
    >
      {emoji}
    </button>
  );
}

function items(menu: HTMLElement | null): HTMLElement[] {
  return menu ? [...menu.querySelectorAll<HTMLElement>("[role='menuitem']")] : [];
}

/**
 * The item an arrow key moves to: left and right go through the items in order; up and down
 * go to the nearest item on the previous or next row, so the rows of emoji work as a grid and
 * the list of actions as a list.
 */
export function nextItem(list: readonly HTMLElement[], current: HTMLElement, key: string): HTMLElement | undefined {
  if (list.length === 0) return undefined;
  const index = list.indexOf(current);
  if (key === "Home") return list[0];
  if (key === "End") return list[list.length - 1];
  if (index < 0) return key.startsWith("Arrow") ? list[0] : undefined;
  if (key === "ArrowRight") return list[(index + 1) % list.length];
  if (key === "ArrowLeft") return list[(index - 1 + list.length) % list.length];
  if (key !== "ArrowDown" && key !== "ArrowUp") return undefined;
  const from = current.getBoundingClientRect();
  const centre = from.left + from.width / 2;
  const down = key === "ArrowDown";
  let best: HTMLElement | undefined;
  let bestScore = Infinity;
  for (const item of list) {
    const rect = item.getBoundingClientRect();
    const rowGap = down ? rect.top - from.bottom : from.top - rect.bottom;
    if (item === current || rowGap < -from.height / 2) continue;
    // The nearest row first, then the nearest column in it.
    const score = Math.max(0, rowGap) * 1000 + Math.abs(rect.left + rect.width / 2 - centre);
    if (score < bestScore) {
      bestScore = score;
      best = item;
    }
  }
  // Past the last row, wrap around to the other end.
  return best ?? (down ? list[0] : list[list.length - 1]);
}
