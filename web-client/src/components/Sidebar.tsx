// The channel list: department channels, other channels, direct messages. Unread channels are
// bold with a count. Arrow keys move between entries (one tab stop for the whole list).
import type { Channel } from "../protocol";
import type { ChatStore } from "../store/chat";
import { t } from "../i18n";
import { useServices, useStore } from "./context";
import type { DialogName } from "./Shell";
import { BuildingIcon, HashIcon, LockIcon, LogoutIcon, PlusIcon, SearchIcon, SettingsIcon } from "./icons";
import { Avatar, BotBadge, PresenceDot } from "./people";

interface Sections {
  departments: Channel[];
  channels: Channel[];
  direct: Channel[];
}

function sections(store: ChatStore): Sections {
  const byName = (a: Channel, b: Channel) =>
    store.channelLabel(a).localeCompare(store.channelLabel(b), undefined, { sensitivity: "base" });
  const joined = store.joinedChannels();
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

export function Sidebar({ onOpen, onDialog }: { onOpen: (id: string) => void; onDialog: (d: DialogName) => void }) {
  const store = useStore();
  const { logout } = useServices();
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
    const active = channel.id === store.currentChannelId;
    const unread = channel.unread > 0 && !active;
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
          class={`channel-item${active ? " active" : ""}${unread ? " unread" : ""}`}
          aria-current={active ? "page" : undefined}
          // One tab stop for the list (the open channel); arrows move within it.
          tabIndex={active || (!store.currentChannelId && channel.id === firstId) ? 0 : -1}
          onClick={() => onOpen(channel.id)}
          data-channel={channel.name}
        >
          <span class="channel-icon">{icon}</span>
          <span class="channel-name">{label}</span>
          {partners.length > 0 && partners.every((id) => store.users.get(id)?.kind === "bot") && <BotBadge />}
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
          <button type="button" class="sidebar-action" onClick={() => onDialog("browse")}>
            <SearchIcon /> {t("sidebar.browse")}
          </button>
        </div>
        {s.departments.length > 0 && section("sec-departments", t("sidebar.departments"), s.departments)}
        {section("sec-channels", t("sidebar.channels"), s.channels, { label: t("sidebar.createChannel"), icon: <PlusIcon />, onClick: () => onDialog("create") })}
        {section("sec-direct", t("sidebar.direct"), s.direct, { label: t("sidebar.newDm"), icon: <PlusIcon />, onClick: () => onDialog("dm") })}
      </nav>
      {me && (
        <div class="sidebar-footer">
          <Avatar userId={me.id} name={me.display_name} status={store.connection === "online" ? "online" : "offline"} />
          <div class="me">
            <span class="me-name">{me.display_name}</span>
            <span class="me-username">@{me.username}</span>
          </div>
          <button type="button" class="icon-button" onClick={logout} aria-label={t("auth.logout")} title={t("auth.logout")} data-testid="logout">
            <LogoutIcon />
          </button>
        </div>
      )}
    </aside>
  );
}
