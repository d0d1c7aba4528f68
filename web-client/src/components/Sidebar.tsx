// The channel list: department channels, other channels, direct messages. Unread channels are
// bold with a count. Arrow keys move between entries (one tab stop for the whole list).
import type { Channel } from "../protocol";
import type { ChatStore } from "../store/chat";
import { t } from "../i18n";
import { useServices, useStore } from "./context";
import type { DialogName } from "./Shell";
import { BuildingIcon, HashIcon, LockIcon, LogoutIcon, PlusIcon, SearchIcon, SettingsIcon, ThreadIcon, BookmarkIcon } from "./icons";
import { Avatar, BotBadge, PresenceDot } from "./people";
import { AdminIcon } from "./admin/AdminLoader";
import { QueueIcon } from "./queue/QueueLoader";

interface Sections {
  departments: Channel[];
  channels: Channel[];
  direct: Channel[];
}

function sections(store: ChatStore): Sections {
  const byName = (a: Channel, b: Channel) =>
    store.channelLabel(a).localeCompare(store.channelLabel(b), undefined, { sensitivity: "base" });
  // Archived channels are hidden unless asked for (the open one stays, so it is not lost).
  const joined = store.joinedChannels().filter((c) => !c.archived || store.showArchived || c.id === store.currentChannelId);
  return {
    departments: joined.filter((c) => c.department_id !== null && c.kind !== "direct").sort(byName),
    channels: joined.filter((c) => c.department_id === null && c.kind !== "direct").sort(byName),
    direct: joined.filter((c) => c.kind === "direct").sort(byName),
  };
}

/** The channels in the order the sidebar shows them (for keyboard shortcuts). */
export function sidebarOrder(store: ChatStore): Channel[] {
  const s = sections(store);
  return [...s.departments, ...s.channels, ...s.direct];
}

export function Sidebar({ onOpen, onDialog, onThreads, onSaved, onSearch, onAdmin, onQueue }: { onOpen: (id: string) => void; onDialog: (d: DialogName) => void; onThreads: () => void; onSaved: () => void; onSearch: () => void; onAdmin: () => void; onQueue?: () => void }) {
  const store = useStore();
  const { logout, engine } = useServices();
  const me = store.me;
  const s = sections(store);
  const firstId = s.departments[0]?.id ?? s.channels[0]?.id ?? s.direct[0]?.id;

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Home" && event.key !== "End") return;
    if (event.altKey) return;
    const items = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(".channel-item")];
    const index = items.indexOf(document.activeElement as HTMLElement);
    let next = index;
    if (event.key === "ArrowDown") next = Math.min(items.length - 1, index + 1);
    if (event.key === "ArrowUp") next = Math.max(0, index - 1);
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = items.length - 1;
    event.preventDefault();
    items[next]?.focus();
  };

  const item = (channel: Channel) => {
    const active = channel.id === store.currentChannelId && store.view === "channel";
    // A muted channel shows no unread count, only its mentions.
    const unread = channel.unread > 0 && !active && !channel.muted;
    const label = store.channelLabel(channel);
    const partners = channel.kind === "direct" ? store.dmPartners(channel) : [];
    const icon =
      channel.kind === "direct" ? (
        <PresenceDot status={partners.length === 1 ? store.presence.get(partners[0]!) ?? "offline" : "offline"} />
      ) : channel.department_id ? (
        <BuildingIcon />
      ) : channel.kind === "private" ? (
        <LockIcon />
      ) : (
        <HashIcon />
      );
    return (
      <li key={channel.id}>
        <button
          type="button"
          class={`channel-item${active ? " active" : ""}${unread ? " unread" : ""}${channel.muted ? " muted-channel" : ""}${channel.archived ? " archived-channel" : ""}`}
          aria-current={active ? "page" : undefined}
          // One tab stop for the list (the open channel); arrows move within it.
          tabIndex={active || (!store.currentChannelId && channel.id === firstId) ? 0 : -1}
          onClick={() => onOpen(channel.id)}
          data-channel={channel.name}
          // A direct message names its people by display name; the hover says which accounts.
          title={partners.length > 0 ? partners.map((id) => `@${store.users.get(id)?.username ?? "…"}`).join(", ") : undefined}
        >
          <span class="channel-icon">{icon}</span>
          <span class="channel-name">{label}</span>
          {channel.muted && <span class="visually-hidden">{` (${t("sidebar.muted")})`}</span>}
          {partners.length > 0 && partners.every((id) => store.users.get(id)?.kind === "bot") && <BotBadge />}
          {channel.mention_count > 0 && !active && (
            <span class="badge mention-badge" aria-label={t("sidebar.mentions", { count: channel.mention_count })} data-testid="mention-badge">
              @{channel.mention_count > 99 ? "99+" : channel.mention_count}
            </span>
          )}
          {unread && (
            <span class="badge" aria-label={t("sidebar.unread", { count: channel.unread })}>
              {channel.unread > 99 ? "99+" : channel.unread}
            </span>
          )}
        </button>
      </li>
    );
  };

  const section = (id: string, title: string, channels: Channel[], action?: { label: string; icon: preact.JSX.Element; onClick: () => void }) => (
    <section class="sidebar-section" aria-labelledby={id}>
      <div class="section-header">
        <h2 id={id}>{title}</h2>
        {action && (
          <button type="button" class="icon-button small" aria-label={action.label} title={action.label} onClick={action.onClick}>
            {action.icon}
          </button>
        )}
      </div>
      {channels.length > 0 ? <ul>{channels.map(item)}</ul> : <p class="sidebar-empty">{t("sidebar.none")}</p>}
    </section>
  );

  return (
    <aside class="sidebar" id="sidebar" aria-label={t("sidebar.label")}>
      <div class="sidebar-header">
        <span class="workspace">{t("app.name")}</span>
        <button type="button" class="icon-button" aria-label={t("settings.title")} title={t("settings.title")} onClick={() => onDialog("settings")}>
          <SettingsIcon />
        </button>
      </div>
      <nav class="sidebar-scroll" onKeyDown={onKeyDown} aria-label={t("sidebar.channelsNav")}>
        <div class="sidebar-actions">
          <button
            type="button"
            class={`sidebar-action${store.view === "search" ? " active" : ""}`}
            aria-current={store.view === "search" ? "page" : undefined}
            onClick={onSearch}
            data-testid="search-view"
          >
            <SearchIcon /> {t("search.open")}
          </button>
          <button type="button" class="sidebar-action" onClick={() => onDialog("browse")}>
            <SearchIcon /> {t("sidebar.browse")}
          </button>
          <button
            type="button"
            class={`sidebar-action${(store.view === "threads") ? " active" : ""}`}
            aria-current={(store.view === "threads") ? "page" : undefined}
            onClick={onThreads}
            data-testid="threads-view"
          >
            <ThreadIcon /> {t("threads.title")}
          </button>
          <button
            type="button"
            class={`sidebar-action${store.view === "saved" ? " active" : ""}`}
            aria-current={store.view === "saved" ? "page" : undefined}
            onClick={onSaved}
            data-testid="saved-view"
          >
            <BookmarkIcon /> {t("saved.title")}
          </button>
          {/* The support queue, for the support team (`support_team` in GET /me). */}
          {onQueue && (
            <button type="button" class="sidebar-action" onClick={onQueue} data-testid="queue-open">
              <QueueIcon /> {t("queue.open")}
            </button>
          )}
          {/* The admin area, for admins only (the server refuses everyone else anyway). */}
          {me?.role === "admin" && (
            <button type="button" class="sidebar-action" onClick={onAdmin} data-testid="admin-open">
              <AdminIcon /> {t("admin.open")}
            </button>
          )}
        </div>
        {s.departments.length > 0 && section("sec-departments", t("sidebar.departments"), s.departments)}
        {section("sec-channels", t("sidebar.channels"), s.channels, { label: t("sidebar.createChannel"), icon: <PlusIcon />, onClick: () => onDialog("create") })}
        {section("sec-direct", t("sidebar.direct"), s.direct, { label: t("sidebar.newDm"), icon: <PlusIcon />, onClick: () => onDialog("dm") })}
        {store.joinedChannels().some((c) => c.archived) && (
          <label class="show-archived">
            <input
              type="checkbox"
              checked={store.showArchived}
              onChange={(e) => {
                store.showArchived = e.currentTarget.checked;
                store.changed();
              }}
            />
            <span>{t("sidebar.showArchived")}</span>
          </label>
        )}
      </nav>
      {me && (
        <div class="sidebar-footer">
          <Avatar userId={me.id} name={me.display_name} status={store.connection === "online" ? "online" : "offline"} />
          <button type="button" class="me" onClick={() => engine.openProfile(me.id)} title={t("profile.open", { name: me.display_name })}>
            <span class="me-name">{me.display_name}</span>
            <span class="me-username">@{me.username}</span>
            {me.status_text && <span class="me-username">{me.status_text}</span>}
          </button>
          <button type="button" class="icon-button" onClick={logout} aria-label={t("auth.logout")} title={t("auth.logout")} data-testid="logout">
            <LogoutIcon />
          </button>
        </div>
      )}
    </aside>
  );
}
