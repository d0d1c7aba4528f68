// The saved messages ("Desats"): one's own bookmarks across channels, most recently saved first.
import { t } from "../i18n";
import { useStore } from "./context";
import { MenuIcon } from "./icons";
import { MessageCard } from "./MessageCard";

export function SavedView({ onMenu }: { onMenu: () => void }) {
  const store = useStore();
  return (
    <main class="main saved-view" id="main" aria-labelledby="saved-title">
      <header class="channel-header">
        <button type="button" class="icon-button menu-button" aria-label={t("sidebar.open")} aria-controls="sidebar" onClick={onMenu}>
          <MenuIcon />
        </button>
        <h1 id="saved-title" class="channel-title">
          {t("saved.title")}
        </h1>
      </header>
      <div class="threads-list">
        {store.saved.length === 0 && <p class="empty-state">{t("saved.none")}</p>}
        <ul class="card-list">
          {store.saved.map((item) => {
            const channel = store.channels.get(item.message.channel_id);
            return (
              <li key={item.message.id}>
                <MessageCard message={item.message} note={channel ? t("saved.in", { channel: store.channelLabel(channel) }) : ""} />
              </li>
            );
          })}
        </ul>
      </div>
    </main>
  );
}
