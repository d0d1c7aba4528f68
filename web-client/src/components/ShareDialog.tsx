// Something shared into the installed app from another app (the Web Share Target): the
// service worker kept it and opened /?share=1. Once the chat is ready this asks which channel
// to share into (the open one first), opens it and attaches the files in its composer (they
// start uploading at once), with the shared text in the composer, for the user to send.
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { channelQueueKey } from "../files/queue";
import { type Shared, openedByShare, takeShared } from "../files/share";
import { attach } from "./Attachments";
import { useServices, useStore } from "./context";
import { Dialog } from "./dialogs";
import { HashIcon, LockIcon } from "./icons";
import { sidebarOrder } from "./Sidebar";

/** What was shared, taken once from the service worker's cache when the page was opened for it. */
function useShared(): [Shared | null, () => void] {
  const [shared, setShared] = useState<Shared | null>(null);
  useEffect(() => {
    if (typeof window === "undefined" || !openedByShare(window.location.search)) return;
    // The address goes back to / so a reload does not ask again.
    const url = new URL(window.location.href);
    url.searchParams.delete("share");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    if (!("caches" in window)) return;
    let live = true;
    takeShared(window.caches).then(
      (s) => live && setShared(s),
      (e) => console.warn("xerrada: could not read what was shared", e),
    );
    return () => {
      live = false;
    };
  }, []);
  return [shared, () => setShared(null)];
}

export function ShareDialog() {
  const store = useStore();
  const { engine } = useServices();
  const [shared, done] = useShared();
  if (!shared || !store.synced) return null;
  const channels = sidebarOrder(store).filter((c) => !c.archived);
  const current = store.currentChannelId;
  channels.sort((a, b) => (a.id === current ? -1 : b.id === current ? 1 : 0));
  const shareInto = (channelId: string) => {
    engine.openChannel(channelId);
    attach(engine.uploads.get(channelQueueKey(channelId)), shared.files);
    engine.appendToDraft(channelId, shared.text);
    done();
  };
  return (
    <Dialog title={t("share.title")} onClose={done}>
      <p class="share-summary">
        {shared.files.length > 0 ? t("share.files", { count: shared.files.length }) : ""}
        {shared.files.length > 0 && shared.text ? " · " : ""}
        {shared.text.length > 80 ? `${shared.text.slice(0, 80)}…` : shared.text}
      </p>
      <p>{t("share.choose")}</p>
      <ul class="pick-list share-channels">
        {channels.map((c) => (
          <li key={c.id}>
            <button type="button" class="pick-item pick-button" data-channel={c.name} onClick={() => shareInto(c.id)}>
              <span class="channel-icon">{c.kind === "private" ? <LockIcon /> : <HashIcon />}</span>
              <span class="pick-main">
                <span class="pick-title">{store.channelLabel(c)}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
