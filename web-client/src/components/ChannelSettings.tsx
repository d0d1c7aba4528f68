// A channel's settings: topic and purpose (any member), name and archiving (its owner or an
// admin), muting (one's own), leaving, and the members with their presence; members of a
// private channel (and admins) add and remove people, picked from the directory as they type
// (arrows and Enter, or a tap).
import { useEffect, useState } from "preact/hooks";
import type { Channel, User } from "../protocol";
import { t } from "../i18n";
import { useServices, useStore } from "./context";
import { Dialog, errorMessage } from "./dialogs";
import { peopleMatching } from "./mentionComplete";
import { AccountBadges, PresenceDot } from "./people";

/** Ask the directory this long after the last key. */
const SEARCH_DELAY_MS = 150;

export function ChannelSettingsDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const store = useStore();
  const { engine } = useServices();
  const me = store.me;
  const isAdmin = me?.role === "admin";
  const mayManage = isAdmin || (me !== null && channel.owner_id === me.id);
  const canRename = mayManage && channel.kind !== "direct" && !channel.department_id;
  const canArchive = canRename;
  const canChangeMembers = channel.kind === "private" || (isAdmin && channel.kind === "public");
  const [name, setName] = useState(channel.name);
  const [topic, setTopic] = useState(channel.topic);
  const [purpose, setPurpose] = useState(channel.purpose);
  const [members, setMembers] = useState<User[]>([]);
  const [newMember, setNewMember] = useState("");
  /** The suggestion the arrows point at. */
  const [active, setActive] = useState(0);
  /** The user closed the suggestions (Escape): they stay closed until the text changes. */
  const [dismissed, setDismissed] = useState(false);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    engine.refreshMembers(channel.id).then(setMembers, () => undefined);
  }, [engine, channel.id]);

  // The directory is loaded at start; asking the server as the user types finds anyone newer
  // (they join store.users, which the suggestions come from).
  const query = newMember.trim().replace(/^@/, "");
  useEffect(() => {
    if (!canChangeMembers || !query) return;
    const timer = setTimeout(() => void engine.searchUsers(query).catch(() => undefined), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [engine, query, canChangeMembers]);
  const memberIds = new Set(members.map((u) => u.id));
  const suggestions = canChangeMembers && query && !dismissed ? peopleMatching(query, store.users.values(), memberIds) : [];
  const listOpen = suggestions.length > 0;
  const current = listOpen ? suggestions[Math.min(active, suggestions.length - 1)]! : null;

  /** Runs one change, showing the server's refusal in the dialog. */
  const run = async (change: () => unknown, done: string | (() => string) = "") => {
    setBusy(true);
    setError("");
    setNotice("");
    try {
      await change();
      setNotice(typeof done === "string" ? done : done());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const save = (event: Event) => {
    event.preventDefault();
    const patch: { name?: string; topic?: string; purpose?: string } = {};
    if (canRename && name.trim() !== channel.name) patch.name = name.trim();
    if (topic !== channel.topic) patch.topic = topic;
    if (purpose !== channel.purpose) patch.purpose = purpose;
    if (Object.keys(patch).length === 0) return;
    void run(() => engine.updateChannel(channel.id, patch), t("channelSettings.saved"));
  };

  /** Adds `user`, or else the person whose username was typed in full. */
  const addMember = (user: User | null) => {
    const wanted = query.toLowerCase();
    let added = user;
    void run(
      async () => {
        added ??= (await engine.searchUsers(wanted)).find((u) => u.username.toLowerCase() === wanted) ?? null;
        if (!added) throw new Error("not found");
        await engine.setMember(channel.id, added.id, true);
        setNewMember("");
        setActive(0);
        setMembers(await engine.refreshMembers(channel.id));
      },
      () => t("channelSettings.added", { name: added?.display_name || added?.username || wanted }),
    );
  };

  const onPickerKey = (event: KeyboardEvent) => {
    if (event.isComposing || !listOpen) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((Math.min(active, suggestions.length - 1) + step + suggestions.length) % suggestions.length);
    } else if (event.key === "Escape") {
      // Closes the list, not the dialog.
      event.preventDefault();
      event.stopPropagation();
      setDismissed(true);
    }
  };

  const removeMember = (user: User) =>
    void run(async () => {
      await engine.setMember(channel.id, user.id, false);
      setMembers(await engine.refreshMembers(channel.id));
    });

  return (
    <Dialog title={t("channelSettings.title", { channel: store.channelLabel(channel) })} onClose={onClose}>
      <form class="stack" onSubmit={save}>
        {canRename && (
          <label class="field">
            <span>{t("channelSettings.name")}</span>
            <input maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        )}
        <label class="field">
          <span>{t("channelSettings.topic")}</span>
          <input maxLength={250} value={topic} onInput={(e) => setTopic(e.currentTarget.value)} disabled={channel.archived} />
        </label>
        <label class="field">
          <span>{t("channelSettings.purpose")}</span>
          <textarea maxLength={250} rows={2} value={purpose} onInput={(e) => setPurpose(e.currentTarget.value)} disabled={channel.archived} />
        </label>
        <div class="dialog-actions">
          <button type="submit" class="button primary" disabled={busy || channel.archived}>
            {t("channelSettings.save")}
          </button>
        </div>
      </form>
      {error && <p class="form-error" role="alert">{error}</p>}
      {notice && <p class="notice" role="status">{notice}</p>}
      <div class="settings-actions">
        <button type="button" class="button" disabled={busy} onClick={() => void run(() => engine.setMuted(channel.id, !channel.muted))}>
          {channel.muted ? t("channelSettings.unmute") : t("channelSettings.mute")}
        </button>
        {canArchive && (
          <button type="button" class="button" disabled={busy} onClick={() => void run(() => engine.setArchived(channel.id, !channel.archived))}>
            {channel.archived ? t("channelSettings.unarchive") : t("channelSettings.archive")}
          </button>
        )}
        {channel.kind !== "direct" && !channel.department_id && (
          <button
            type="button"
            class="button danger"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await engine.leave(channel.id);
                onClose();
              })
            }
          >
            {t("channelSettings.leave")}
          </button>
        )}
      </div>
      <h3 class="settings-heading">{t("channelSettings.members")}</h3>
      <ul class="member-list">
        {members.map((user) => (
          <li key={user.id}>
            <PresenceDot status={store.presence.get(user.id) ?? "offline"} />
            <span class="member-name">{user.display_name || user.username}</span>
            <span class="muted small">@{user.username}</span>
            <AccountBadges user={user} />
            {canChangeMembers && user.id !== me?.id && (
              <button type="button" class="link-button" disabled={busy} onClick={() => removeMember(user)}>
                {t("channelSettings.remove", { name: user.display_name || user.username })}
              </button>
            )}
          </li>
        ))}
      </ul>
      {canChangeMembers && (
        <form
          class="add-member-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy && query) addMember(current);
          }}
        >
          <div class="add-member">
            <label class="field">
              <span>{t("channelSettings.addLabel")}</span>
              <input
                value={newMember}
                onInput={(e) => {
                  setNewMember(e.currentTarget.value);
                  setActive(0);
                  setDismissed(false);
                }}
                onKeyDown={onPickerKey}
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-expanded={listOpen}
                aria-controls="member-suggestions"
                aria-activedescendant={current ? `member-suggestion-${current.id}` : undefined}
                aria-describedby="member-hint"
              />
            </label>
            <button type="submit" class="button" disabled={busy || !query}>
              {t("channelSettings.add")}
            </button>
          </div>
          <ul id="member-suggestions" class="command-list member-suggestions" role="listbox" aria-label={t("channelSettings.suggestions")} hidden={!listOpen}>
            {suggestions.map((user) => (
              <li
                key={user.id}
                id={`member-suggestion-${user.id}`}
                role="option"
                aria-selected={user === current}
                class={user === current ? "command-option active" : "command-option"}
                // Keep the focus in the box: a click or tap adds without blurring it.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  if (!busy) addMember(user);
                }}
              >
                <span class="command-name">{`@${user.username}`}</span>
                <span class="command-description">{user.display_name}</span>
              </li>
            ))}
          </ul>
          <p id="member-hint" class="muted small">
            {t(typeof window !== "undefined" && window.matchMedia("(pointer: coarse)").matches ? "channelSettings.addHintTouch" : "channelSettings.addHint")}
          </p>
        </form>
      )}
    </Dialog>
  );
}
