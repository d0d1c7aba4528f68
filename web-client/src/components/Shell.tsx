// The logged-in layout: sidebar (a drawer on phones), the open channel, dialogs, and the
// offline banner. Also the app-wide keyboard shortcuts and the unread count in the tab title.
import { useCallback, useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { ChannelBrowser, CreateChannelDialog, NewDmDialog, SettingsDialog } from "./dialogs";
import { ChannelView } from "./ChannelView";
import { useServices, useStore } from "./context";
import { OfflineBanner } from "./OfflineBanner";
import { Sidebar, sidebarOrder } from "./Sidebar";
import { PinsPanel } from "./PinsPanel";
import { ProfileCard } from "./ProfileCard";
import { SavedView } from "./SavedView";
import { SearchView } from "./SearchView";
import { ThreadPanel } from "./ThreadPanel";
import { ThreadsView } from "./ThreadsView";
import { Toast } from "./Toast";
import { ShareDialog } from "./ShareDialog";
import { AdminLoader } from "./admin/AdminLoader";
import { QueueLoader, useSupportTeam } from "./queue/QueueLoader";

export type DialogName = "browse" | "create" | "dm" | "settings" | null;

export function Shell() {
  const store = useStore();
  const { engine, auth } = useServices();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [dialog, setDialog] = useState<DialogName>(null);
  /** The admin area covers the whole screen while open; the chat keeps syncing behind it. */
  const [adminOpen, setAdminOpen] = useState(false);
  /** The support team's queue, likewise full-screen while open. */
  const [queueOpen, setQueueOpen] = useState(false);
  const supportTeam = useSupportTeam(auth, store.me?.id);

  // Open a channel once the first `ready` arrives: the one open before a reload, else the first
  // with unread messages, else the first.
  useEffect(() => {
    if (!store.synced || store.currentChannelId) return;
    const remembered = engine.rememberedChannel();
    if (remembered) return engine.openChannel(remembered);
    const order = sidebarOrder(store);
    const first = order.find((c) => c.unread > 0) ?? order[0];
    if (first) engine.openChannel(first.id);
  });

  const totalUnread = store.joinedChannels().reduce((sum, c) => sum + (c.muted ? 0 : c.unread), 0);
  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) ${t("app.name")}` : t("app.name");
  }, [totalUnread]);

  // Alt+ArrowUp / Alt+ArrowDown move between channels from anywhere, as in Slack.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setDrawerOpen(false);
      if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
      const order = sidebarOrder(store);
      const index = order.findIndex((c) => c.id === store.currentChannelId);
      const next = order[index + (event.key === "ArrowDown" ? 1 : -1)];
      if (!next) return;
      event.preventDefault();
      engine.openChannel(next.id);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [store, engine]);

  const closeSearch = useCallback(() => {
    engine.closeSearch();
    // Back where the search was opened from.
    requestAnimationFrame(() => (document.querySelector(".search-button") as HTMLElement | null)?.focus());
  }, [engine]);

  const open = (channelId: string) => {
    engine.openChannel(channelId);
    setDrawerOpen(false);
  };

  if (adminOpen && store.me?.role === "admin") {
    return (
      <div class="app">
        <OfflineBanner visible={store.synced && store.connection !== "online"} />
        <AdminLoader
          auth={auth}
          me={store.me}
          // Back to the chat: the open channel's composer takes the focus, as when a channel opens.
          onClose={() => setAdminOpen(false)}
        />
        <Toast />
      </div>
    );
  }

  if (queueOpen && supportTeam) {
    return (
      <div class="app">
        <OfflineBanner visible={store.synced && store.connection !== "online"} />
        <QueueLoader auth={auth} me={store.me} onClose={() => setQueueOpen(false)} />
        <Toast />
      </div>
    );
  }

  return (
    <div class={drawerOpen ? "app drawer-open" : "app"}>
      <OfflineBanner visible={store.synced && store.connection !== "online"} />
      <a class="skip-link" href="#composer-input">
        {t("a11y.skipToComposer")}
      </a>
      <div class="layout">
        <Sidebar
          onThreads={() => {
            engine.showThreadsView();
            setDrawerOpen(false);
          }}
          onSaved={() => {
            engine.showSavedView();
            setDrawerOpen(false);
          }}
          onSearch={() => {
            engine.showSearchView();
            setDrawerOpen(false);
          }}
          onAdmin={() => {
            setAdminOpen(true);
            setDrawerOpen(false);
          }}
          onQueue={
            supportTeam
              ? () => {
                  setQueueOpen(true);
                  setDrawerOpen(false);
                }
              : undefined
          }
          onOpen={open} onDialog={(d) => { setDialog(d); setDrawerOpen(false); }} />
        <div class="scrim" onClick={() => setDrawerOpen(false)} aria-hidden="true" />
        {store.view === "threads" ? (
          <ThreadsView onMenu={() => setDrawerOpen(true)} />
        ) : store.view === "saved" ? (
          <SavedView onMenu={() => setDrawerOpen(true)} />
        ) : store.view === "search" ? (
          <SearchView onMenu={() => setDrawerOpen(true)} onClose={closeSearch} />
        ) : (
          <ChannelView onMenu={() => setDrawerOpen(true)} onSearch={() => engine.showSearchView()} />
        )}
        {store.view === "channel" && (store.pinsPanel ? <PinsPanel /> : <ThreadPanel />)}
      </div>
      {dialog === "browse" && <ChannelBrowser onClose={() => setDialog(null)} onOpen={open} />}
      {dialog === "create" && <CreateChannelDialog onClose={() => setDialog(null)} onOpen={open} />}
      {dialog === "dm" && <NewDmDialog onClose={() => setDialog(null)} onOpen={open} />}
      {dialog === "settings" && <SettingsDialog onClose={() => setDialog(null)} />}
      <ProfileCard />
      <ShareDialog />
      <Toast />
    </div>
  );
}
