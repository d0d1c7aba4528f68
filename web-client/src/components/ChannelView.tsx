// The open channel: header, message list, typing line and composer. It also knows which
// message is being edited, since both the list (its menu) and the composer (the up arrow, as
// in Slack and Mattermost) start an edit.
import { useCallback, useState } from "preact/hooks";
import { t } from "../i18n";
import { Composer } from "./Composer";
import { useServices, useStore } from "./context";
import { ChannelSettingsDialog } from "./ChannelSettings";
import { BuildingIcon, HashIcon, LockIcon, MenuIcon, PinIcon, SearchIcon, SettingsIcon, UsersIcon } from "./icons";
import { MessageList } from "./MessageList";
import { SendHoldNotice } from "./SendHoldNotice";
import { AccountBadges, BotBadge, PresenceDot } from "./people";
import { attach } from "./Attachments";
import { channelQueueKey } from "../files/queue";
import { dragHasFiles, droppedFiles } from "../files/clipboard";

export function ChannelView({ onMenu, onSearch }: { onMenu: () => void; onSearch: () => void }) {
  const store = useStore();
  const { engine } = useServices();
  const channelId = store.currentChannelId;
  const channel = channelId ? store.channels.get(channelId) : undefined;
  const [settingsOpen, setSettingsOpen] = useState(false);
  /** Files are being dragged over the channel: it says where to drop them. */
  const [dragging, setDragging] = useState(false);
  const [editing, setEditing] = useState<{ channelId: string; messageId: string } | null>(null);
  const startEdit = useCallback((messageId: string) => {
    if (channelId) setEditing({ channelId, messageId });
  }, [channelId]);
  const endEdit = useCallback(() => {
    setEditing(null);
    // Back to typing, except on touch screens, where focusing would pop the keyboard up.
    if (!window.matchMedia("(pointer: coarse)").matches) document.getElementById("composer-input")?.focus();
  }, []);
  /** The up arrow in an empty composer: edit my newest message here, if there is one. */
  const editLast = useCallback((): boolean => {
    const me = store.me;
    // Among the messages the channel shows: a reply kept in its thread is not "my last message here".
    const last = me && channelId ? store.timelines.get(channelId)?.lastEditableBy(me.id, null) : undefined;
    if (!last) return false;
    startEdit(last.id);
    return true;
  }, [store, channelId, startEdit]);

  // On a phone the sidebar is hidden: a dot on its button says something is unread elsewhere.
  const unreadElsewhere = store
    .joinedChannels()
    .some((c) => c.id !== channelId && ((c.unread > 0 && !c.muted) || c.mention_count > 0));
  const menuButton = (
    <button type="button" class="icon-button menu-button" aria-label={unreadElsewhere ? t("sidebar.openUnread") : t("sidebar.open")} aria-controls="sidebar" onClick={onMenu}>
      <MenuIcon />
      {unreadElsewhere && <span class="menu-dot" data-testid="menu-dot" />}
    </button>
  );

  if (!channel) {
    return (
      <main class="main" id="main">
        <header class="channel-header">{menuButton}</header>
        <div class="empty-state" role="status">
          {store.synced ? t("channel.noneOpen") : t("app.connecting")}
        </div>
      </main>
    );
  }

  const label = store.channelLabel(channel);
  const partners = channel.kind === "direct" ? store.dmPartners(channel) : [];
  const partner = partners.length === 1 && partners[0] !== store.me?.id ? store.users.get(partners[0]!) : undefined;
  const typing = store.typingIn(channel.id).filter((id) => id !== store.me?.id);
  const typingText =
    typing.length === 0
      ? ""
      : typing.length === 1
        ? t("typing.one", { name: store.displayName(typing[0]!) })
        : typing.length === 2
          ? t("typing.two", { a: store.displayName(typing[0]!), b: store.displayName(typing[1]!) })
          : t("typing.many");

  return (
    <main
      class={dragging ? "main dragging" : "main"}
      id="main"
      aria-labelledby="channel-title"
      onDragOver={(e) => {
        if (channel.archived || !dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(e) => {
        const to = e.relatedTarget as Node | null;
        if (!to || !e.currentTarget.contains(to)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (channel.archived || !dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        attach(engine.uploads.get(channelQueueKey(channel.id)), droppedFiles(e.dataTransfer));
      }}
    >
      {dragging && (
        <div class="drop-overlay" aria-hidden="true">
          <span>{t("files.dropHere")}</span>
        </div>
      )}
      <header class="channel-header">
        {menuButton}
        <div class="channel-title-block">
          <h1 id="channel-title" class="channel-title">
            <span class="channel-icon">
              {channel.kind === "direct" ? (
                <PresenceDot status={partners.length === 1 ? store.presence.get(partners[0]!) ?? "offline" : "offline"} />
              ) : channel.department_id ? (
                <BuildingIcon />
              ) : channel.kind === "private" ? (
                <LockIcon />
              ) : (
                <HashIcon />
              )}
            </span>
            <span class="channel-title-text">{label}</span>
            {partner ? (
              // A direct message with one person: which account it is, whatever its name says.
              <>
                <span class="channel-username">@{partner.username}</span>
                <AccountBadges user={partner} />
              </>
            ) : (
              partners.length > 0 && partners.every((id) => store.users.get(id)?.kind === "bot") && <BotBadge />
            )}
          </h1>
          {(channel.topic || channel.purpose) && (
            <p class="channel-topic" title={channel.purpose || undefined}>
              {channel.topic || channel.purpose}
            </p>
          )}
        </div>
        <button
          type="button"
          class="icon-button search-button"
          aria-label={t("search.open")}
          title={t("search.open")}
          onClick={onSearch}
          data-testid="search-open"
        >
          <SearchIcon />
        </button>
        <button
          type="button"
          class="icon-button settings-button"
          aria-label={t("channelSettings.open")}
          title={t("channelSettings.open")}
          onClick={() => setSettingsOpen(true)}
        >
          <SettingsIcon />
        </button>
        <button
          type="button"
          class={`icon-button pins-button${store.pinsPanel === channel.id ? " active" : ""}`}
          aria-label={t("pins.open")}
          title={t("pins.open")}
          aria-pressed={store.pinsPanel === channel.id}
          onClick={() => (store.pinsPanel === channel.id ? engine.closePins() : engine.openPins(channel.id))}
        >
          <PinIcon />
        </button>
        {channel.kind !== "direct" && (
          <span class="member-count" title={t("channel.members", { count: channel.member_count })}>
            <UsersIcon /> <span>{channel.member_count}</span>
            <span class="visually-hidden">{t("channel.members", { count: channel.member_count })}</span>
          </span>
        )}
      </header>
      <MessageList
        key={channel.id}
        channel={channel}
        editingId={editing?.channelId === channel.id ? editing.messageId : null}
        onStartEdit={startEdit}
        onEndEdit={endEdit}
      />
      <SendHoldNotice />
      <div class="typing-line" aria-live="polite">
        {typingText}
      </div>
      {channel.archived ? (
        // Archived: read-only for everyone, so no composer to type into in vain.
        <div class="archived-banner" role="status">
          {t("archived.banner")}
        </div>
      ) : (
        <Composer key={`${channel.id}:${store.draftEpoch}`} channel={channel} label={label} onSend={(body, files) => engine.send(channel.id, body, undefined, files)} onEditLast={editLast} />
      )}
      {settingsOpen && <ChannelSettingsDialog channel={channel} onClose={() => setSettingsOpen(false)} />}
    </main>
  );
}
