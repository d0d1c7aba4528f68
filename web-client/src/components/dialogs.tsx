// Modal dialogs: browse public channels, create a channel, start a direct message, settings,
// and confirming a message's deletion.
// Built on the native <dialog> element: focus is trapped, Escape closes, the page behind is inert.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import type { Channel, Message, User } from "../protocol";
import { t } from "../i18n";
import type { NotificationState } from "../notifications";
import { useServices, useStore } from "./context";
import { errorCodeOf, errorText, messageErrorText, retryAfterOf } from "./errors";
import { CloseIcon, HashIcon, LockIcon } from "./icons";
import { LanguagePicker } from "./LanguagePicker";
import { AccountBadges, Avatar } from "./people";

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its card) closes it.
        if (e.target === ref.current) onClose();
      }}
    >
      <DialogCard titleId="dialog-title" title={title} closeLabel={t("dialog.close")} onClose={onClose}>
        {children}
      </DialogCard>
    </dialog>
  );
}

/**
 * What a modal <dialog> holds: a header with its title (`titleId`, for the dialog's
 * aria-labelledby) and a close button, then the body. With `closeTooltip` the button also shows
 * its label on hover.
 */
export function DialogCard({
  titleId,
  title,
  closeLabel,
  closeTooltip,
  onClose,
  children,
}: {
  titleId: string;
  title: string;
  closeLabel: string;
  closeTooltip?: boolean;
  onClose: () => void;
  children: ComponentChildren;
}) {
  return (
    <div class="dialog-card">
      <header class="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-button" aria-label={closeLabel} title={closeTooltip ? closeLabel : undefined} onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      <div class="dialog-body">{children}</div>
    </div>
  );
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === "rate_limited") return errorText(e.code, e.retryAfterMs);
    if (e.status === 409) return t("errors.conflict");
    if (e.status === 403) return t("errors.forbidden");
    if (e.status === 400 || e.status === 422) return t("errors.invalid_request");
  }
  return t("errors.other");
}

export function ChannelBrowser({ onClose, onOpen }: { onClose: () => void; onOpen: (id: string) => void }) {
  const store = useStore();
  const { engine } = useServices();
  const [filter, setFilter] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    engine.refreshChannels().catch(() => undefined);
  }, [engine]);
  const needle = filter.trim().toLowerCase();
  const list = [...store.channels.values()]
    .filter((c) => c.kind === "public" && (!needle || c.name.toLowerCase().includes(needle) || c.topic.toLowerCase().includes(needle)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const join = async (channel: Channel) => {
    setBusy(channel.id);
    setError("");
    try {
      if (!channel.joined) await engine.join(channel.id);
      onOpen(channel.id);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Dialog title={t("browse.title")} onClose={onClose}>
      <label class="field">
        <span>{t("browse.filter")}</span>
        <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} autofocus />
      </label>
      {error && <p class="form-error" role="alert">{error}</p>}
      {list.length === 0 ? (
        <p class="muted">{t("browse.empty")}</p>
      ) : (
        <ul class="pick-list">
          {list.map((c) => (
            <li key={c.id} class="pick-item">
              <span class="channel-icon"><HashIcon /></span>
              <span class="pick-main">
                <span class="pick-title">{c.name}</span>
                <span class="pick-sub">
                  {c.topic ? `${c.topic} · ` : ""}
                  {t("channel.members", { count: c.member_count })}
                </span>
              </span>
              <button type="button" class={c.joined ? "button" : "button primary"} disabled={busy === c.id} onClick={() => join(c)} aria-label={`${c.joined ? t("browse.open") : t("browse.join")} ${c.name}`}>
                {c.joined ? t("browse.open") : t("browse.join")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

export function CreateChannelDialog({ onClose, onOpen }: { onClose: () => void; onOpen: (id: string) => void }) {
  const { engine } = useServices();
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      const channel = await engine.createChannel(name.trim(), isPrivate ? "private" : "public", topic.trim());
      onOpen(channel.id);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("create.title")} onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <label class="field">
          <span>{t("create.name")}</span>
          <input required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} autofocus />
        </label>
        <label class="field">
          <span>{t("create.topic")}</span>
          <input maxLength={250} value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.currentTarget.checked)} />
          <span class="check-text">
            <LockIcon /> {t("create.private")}
            <span class="muted small">{t("create.privateHint")}</span>
          </span>
        </label>
        {error && <p class="form-error" role="alert">{error}</p>}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>{t("dialog.cancel")}</button>
          <button type="submit" class="button primary" disabled={busy || !name.trim()}>{t("create.submit")}</button>
        </div>
      </form>
    </Dialog>
  );
}

export function NewDmDialog({ onClose, onOpen }: { onClose: () => void; onOpen: (id: string) => void }) {
  const store = useStore();
  const { engine } = useServices();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<User[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    // Ask the directory as the user types, a moment after the last key.
    const timer = setTimeout(() => {
      engine
        .searchUsers(query.trim())
        .then(setResults)
        .catch(() => setError(t("errors.other")));
    }, 200);
    return () => clearTimeout(timer);
  }, [query, engine]);
  const start = async (user: User) => {
    setError("");
    try {
      const channel = await engine.openDm([user.id]);
      onOpen(channel.id);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const people = (results ?? []).filter((u) => u.active);
  return (
    <Dialog title={t("dm.title")} onClose={onClose}>
      <label class="field">
        <span>{t("dm.search")}</span>
        <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} autofocus />
      </label>
      {error && <p class="form-error" role="alert">{error}</p>}
      {results === null ? (
        <p class="muted" role="status">{t("app.loading")}</p>
      ) : people.length === 0 ? (
        <p class="muted">{t("dm.none")}</p>
      ) : (
        <ul class="pick-list">
          {people.map((u) => (
            <li key={u.id}>
              <button type="button" class="pick-item pick-button" onClick={() => start(u)}>
                <Avatar userId={u.id} name={u.display_name} status={store.presence.get(u.id) ?? "offline"} />
                <span class="pick-main">
                  <span class="pick-title">
                    {u.display_name}
                    {u.id === store.me?.id ? ` ${t("dm.you")}` : ""}
                    <AccountBadges user={u} />
                  </span>
                  <span class="pick-sub">@{u.username}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const store = useStore();
  const { notifications, logout } = useServices();
  const [state, setState] = useState<NotificationState>(notifications.state());
  const me = store.me;
  const notificationText: Record<NotificationState, string> = {
    unsupported: t("settings.notifyUnsupported"),
    denied: t("settings.notifyDenied"),
    default: t("settings.notifyOff"),
    disabled: t("settings.notifyOff"),
    enabled: t("settings.notifyOn"),
  };
  return (
    <Dialog title={t("settings.title")} onClose={onClose}>
      <div class="stack">
        {me && (
          <div class="profile">
            <Avatar userId={me.id} name={me.display_name} size="lg" />
            <div>
              <div class="pick-title">{me.display_name}</div>
              <div class="pick-sub">@{me.username}</div>
            </div>
          </div>
        )}
        <LanguagePicker />
        <div class="setting">
          <div>
            <div class="setting-title">{t("settings.notifications")}</div>
            <div class="muted small">{notificationText[state]}</div>
          </div>
          {(state === "default" || state === "disabled") && (
            <button type="button" class="button primary" onClick={async () => setState(await notifications.enable())}>
              {t("settings.enableNotifications")}
            </button>
          )}
          {state === "enabled" && (
            <button
              type="button"
              class="button"
              onClick={() => {
                notifications.disable();
                setState(notifications.state());
              }}
            >
              {t("settings.disableNotifications")}
            </button>
          )}
        </div>
        <p class="muted small">{t("settings.theme")}</p>
        <div class="dialog-actions">
          <button type="button" class="button danger" onClick={logout}>{t("auth.logout")}</button>
        </div>
      </div>
    </Dialog>
  );
}

/** How much of the message the confirmation quotes. */
const DELETE_PREVIEW_CHARS = 140;

/** Asks before deleting a message for everyone; the message then shows as a tombstone. */
export function DeleteMessageDialog({ message, authorName, onClose }: { message: Message; authorName: string; onClose: (deleted: boolean) => void }) {
  const { engine } = useServices();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError("");
    try {
      await engine.deleteMessage(message.channel_id, message.id);
      onClose(true);
    } catch (e) {
      setError(messageErrorText(errorCodeOf(e), retryAfterOf(e)));
      setBusy(false);
    }
  };
  const chars = [...message.body.trim()];
  const preview = chars.length > DELETE_PREVIEW_CHARS ? `${chars.slice(0, DELETE_PREVIEW_CHARS - 1).join("")}…` : chars.join("");
  return (
    <Dialog title={t("delete.title")} onClose={() => onClose(false)}>
      <p class="muted">{t("delete.body")}</p>
      {preview && (
        <blockquote class="delete-preview">
          <span class="author">{authorName}</span>
          <span class="delete-preview-text">{preview}</span>
        </blockquote>
      )}
      {error && <p class="form-error" role="alert">{error}</p>}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={() => onClose(false)} autofocus>{t("dialog.cancel")}</button>
        <button type="button" class="button danger" disabled={busy} onClick={confirm}>{t("delete.confirm")}</button>
      </div>
    </Dialog>
  );
}
