// The threads view ("Fils"): the threads the user follows, newest reply first, with how many
// replies are unread in each. Opening one shows its channel with the thread beside it.
import { formatDateTime, t } from "../i18n";
import { useServices, useStore } from "./context";
import { MenuIcon } from "./icons";
import { Avatar } from "./people";

export function ThreadsView({ onMenu }: { onMenu: () => void }) {
  const store = useStore();
  const { engine } = useServices();
  const threads = store.followedThreads;
  return (
    <main class="main threads-view" id="main" aria-labelledby="threads-title">
      <header class="channel-header">
        <button type="button" class="icon-button menu-button" aria-label={t("sidebar.open")} aria-controls="sidebar" onClick={onMenu}>
          <MenuIcon />
        </button>
        <h1 id="threads-title" class="channel-title">
          {t("threads.title")}
        </h1>
      </header>
      <div class="threads-list">
        {threads.length === 0 && <p class="empty-state">{t("threads.none")}</p>}
        <ul>
          {threads.map((thread) => {
            const channel = store.channels.get(thread.channel_id);
            const root = thread.root;
            const name = store.displayName(root.author_id);
            return (
              <li key={`${thread.channel_id}:${root.seq}`}>
                <button type="button" class="thread-item" onClick={() => engine.openThread(thread.channel_id, root.seq)}>
                  <Avatar userId={root.author_id} name={name} />
                  <span class="thread-item-text">
                    <span class="thread-item-meta">
                      <strong>{name}</strong> {channel ? t("threads.in", { channel: store.channelLabel(channel) }) : ""}
                    </span>
                    <span class="thread-item-body">{root.deleted ? t("messages.deleted") : root.body}</span>
                    <span class="thread-item-meta">
                      {t("thread.replies", { count: root.reply_count ?? 0 })}
                      {root.last_reply_at ? ` · ${t("thread.lastReply", { time: formatDateTime(root.last_reply_at) })}` : ""}
                    </span>
                  </span>
                  {thread.unread_replies > 0 && (
                    <span class="badge" aria-label={t("threads.unread", { count: thread.unread_replies })}>
                      {thread.unread_replies}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </main>
  );
}
