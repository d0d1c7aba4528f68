// What a list of messages needs to act on them: the open menu (one at a time), the menu itself
// with the delete confirmation it leads to, the "…" button that opens it, and who reacted, in
// words. The channel's timeline and the thread panel both use these, so a thread's reply
// offers exactly what a message of the channel does.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Message, Reaction } from "../protocol";
import { formatList, t } from "../i18n";
import type { ChatStore } from "../store/chat";
import { shownInChannel } from "../store/timeline";
import { useServices, useStore } from "./context";
import { DeleteMessageDialog } from "./dialogs";
import { MoreIcon } from "./icons";
import { MessageMenu } from "./MessageMenu";

/** The open message menu: for which message, and what opened it. */
export interface MenuState {
  messageId: string;
  anchor: HTMLElement;
  withPicker: boolean;
}

/** A list's open menu. The same button (or long press) again closes the menu it opened. */
export function useMessageMenu() {
  const [menu, setMenu] = useState<MenuState | null>(null);
  const onOpenMenu = useCallback((messageId: string, anchor: HTMLElement, withPicker: boolean) => {
    setMenu((open) => (open?.messageId === messageId && open.anchor === anchor ? null : { messageId, anchor, withPicker }));
  }, []);
  const current = useRef(menu);
  current.current = menu;
  const closeMenu = useCallback((returnFocus: boolean) => {
    const open = current.current;
    setMenu(null);
    if (open && returnFocus && open.anchor.isConnected) open.anchor.focus({ preventScroll: true });
  }, []);
  const dismissMenu = useCallback(() => setMenu(null), []);
  return { menu, onOpenMenu, closeMenu, dismissMenu };
}

/** Who reacted, in words, for the chips' titles (names change as the directory loads). */
export function whoReacted(store: ChatStore, reactions: readonly Reaction[]): string[] {
  return reactions.map((r) =>
    t("reactions.who", { count: r.user_ids.length, emoji: r.emoji, names: formatList(r.user_ids.map((id) => store.displayName(id))) }),
  );
}

/** A message's "…" button, shown on hover and focus (and while its menu is open). */
export function MessageMenuButton({ open, onOpen }: { open: boolean; onOpen: (anchor: HTMLElement) => void }) {
  return (
    <div class="message-tools">
      <button
        type="button"
        class="message-menu-button"
        aria-label={t("messageMenu.open")}
        title={t("messageMenu.open")}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => onOpen(e.currentTarget)}
      >
        <MoreIcon />
      </button>
    </div>
  );
}

interface MessageActionsProps {
  channelId: string;
  menu: MenuState | null;
  /** The message the menu is for, as loaded now (undefined when it is not). */
  message: Message | undefined;
  /** The element the menu is positioned in. */
  container: HTMLElement | null;
  closeMenu: (returnFocus: boolean) => void;
  dismissMenu: () => void;
  onReact: (messageId: string, emoji: string) => void;
  onStartEdit: (messageId: string) => void;
  /** Offered where it leads somewhere else (not inside the thread itself). */
  onReplyInThread?: (message: Message) => void;
  /** What takes the focus when a deleted message's row is gone: the list's own composer. */
  composerId: string;
}

/** The open menu of a list, and the delete confirmation it leads to. */
export function MessageActions(props: MessageActionsProps) {
  const { channelId, menu, message, dismissMenu } = props;
  const store = useStore();
  const { engine } = useServices();
  const [deleting, setDeleting] = useState<{ message: Message; row: HTMLElement | null } | null>(null);
  const meId = store.me?.id;
  const shown = menu !== null && message !== undefined && !message.deleted && meId !== undefined;
  // Its message went (deleted, or no longer loaded): so does the menu.
  useEffect(() => {
    if (menu && !shown) dismissMenu();
  }, [menu, shown, dismissMenu]);
  const closeDeleteDialog = (deleted: boolean) => {
    const row = deleting?.row;
    setDeleting(null);
    // Back to the message (a tombstone now, if deleted), or to the composer when it is gone.
    if (row?.isConnected) row.focus({ preventScroll: true });
    else if (deleted) document.getElementById(props.composerId)?.focus();
  };
  const saved = shown && store.savedIds.has(message.id);
  return (
    <>
      {shown && (
        <MessageMenu
          key={`${menu.messageId}:${menu.withPicker}`}
          message={message}
          meId={meId}
          canEdit={message.author_id === meId}
          canDelete={message.author_id === meId || store.me?.role === "admin"}
          withPicker={menu.withPicker}
          anchor={menu.anchor}
          container={props.container}
          onReact={(emoji) => props.onReact(message.id, emoji)}
          onEdit={() => {
            dismissMenu();
            props.onStartEdit(message.id);
          }}
          onMarkUnread={() => {
            dismissMenu();
            // A message of the channel's timeline moves the channel's marker; a reply kept in
            // its thread, the thread's.
            if (shownInChannel(message)) void engine.markUnread(channelId, message.seq);
            else void engine.markThreadUnread(channelId, message.thread_root!, message.seq);
          }}
          pinned={message.pinned ?? false}
          saved={saved}
          onTogglePin={() => {
            dismissMenu();
            void engine.setPinned(channelId, message.id, !message.pinned);
          }}
          onToggleSave={() => {
            dismissMenu();
            void engine.setSaved(message.id, !saved);
          }}
          {...(props.onReplyInThread
            ? {
                onReplyInThread: () => {
                  dismissMenu();
                  props.onReplyInThread!(message);
                },
              }
            : {})}
          onDelete={() => {
            dismissMenu();
            setDeleting({ message, row: menu.anchor.closest<HTMLElement>(".message") });
          }}
          onClose={props.closeMenu}
        />
      )}
      {deleting && (
        <DeleteMessageDialog message={deleting.message} authorName={store.displayName(deleting.message.author_id)} onClose={closeDeleteDialog} />
      )}
    </>
  );
}
