// The pinned messages of a channel, in the side panel (over the channel on a phone), most
// recently pinned first; `message_pinned` / `message_unpinned` frames refetch it while open.
import { t } from "../i18n";
import { useServices, useStore } from "./context";
import { BackIcon, CloseIcon } from "./icons";
import { MessageCard } from "./MessageCard";

/** Where the side panels cover the channel (app.css). */
const PHONE_QUERY = "(max-width: 760px)";

export function PinsPanel() {
  const store = useStore();
  const { engine } = useServices();
  const channelId = store.pinsPanel;
  if (!channelId) return null;
  const pins = store.pins;
  // On a phone the panel covers the channel: it closes to show the message opened from it.
  const makeWay = () => {
    if (window.matchMedia(PHONE_QUERY).matches) engine.closePins();
  };
  return (
    <aside class="thread-panel pins-panel" aria-labelledby="pins-title">
      <header class="thread-header">
        <button type="button" class="icon-button thread-back" aria-label={t("thread.back")} title={t("thread.back")} onClick={() => engine.closePins()}>
          <BackIcon />
        </button>
        <h2 id="pins-title" class="thread-title">
          {t("pins.title")}
        </h2>
        <button type="button" class="icon-button thread-close" aria-label={t("pins.close")} title={t("pins.close")} onClick={() => engine.closePins()}>
          <CloseIcon />
        </button>
      </header>
      <div class="thread-messages">
        {pins === null && <p class="loader-row" role="status">{t("panel.loading")}</p>}
        {pins?.length === 0 && <p class="empty-state">{t("pins.none")}</p>}
        <ul class="card-list">
          {pins?.map((pin) => (
            <li key={pin.message.id}>
              <MessageCard message={pin.message} note={t("pins.by", { name: store.displayName(pin.pinned_by) })} onOpen={makeWay} />
            </li>
          ))}
        </ul>
      </div>
    </aside>
  );
}
