// A channel's settings: topic and purpose (any member), name and archiving (its owner or an
// admin), muting (one's own), leaving, and the members with their presence; members of a
// private channel (and admins) add and remove people.
import { useEffect, useState } from "preact/hooks";
import type { Channel, User } from "../protocol";
import { t } from "../i18n";
import { useServices, useStore } from "./context";
import { Dialog, errorMessage } from "./dialogs";
import { PresenceDot } from "./people";

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
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    engine.refreshMembers(channel.id).then(setMembers, () => undefined);
  }, [engine, channel.id]);

  /** Runs one change, showing the server's refusal in the dialog. */
  const run = async (change: () => unknown, done = "") => {
    setBusy(true);
    setError("");
    setNotice("");
    try {
      await change();
      setNotice(done);
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

  const addMember = (event: Event) => {
    event.preventDefault();
    const wanted = newMember.trim().replace(/^@/, "").toLowerCase();
    void run(async () => {
      const found = (await engine.searchUsers(wanted)).find((u) => u.username.toLowerCase() === wanted);
      if (!found) throw new Error("not found");
      await engine.setMember(channel.id, found.id, true);
      setNewMember("");
      setMembers(await engine.refreshMembers(channel.id));
    });
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
            {canChangeMembers && user.id !== me?.id && (
              <button type="button" class="link-button" disabled={busy} onClick={() => removeMember(user)}>
                {t("channelSettings.remove", { name: user.display_name || user.username })}
              </button>
            )}
          </li>
        ))}
      </ul>
      {canChangeMembers && (
        <form class="add-member" onSubmit={addMember}>
          <label class="field">
            <span>{t("channelSettings.addLabel")}</span>
            <input value={newMember} onInput={(e) => setNewMember(e.currentTarget.value)} />
          </label>
          <button type="submit" class="button" disabled={busy || !newMember.trim()}>
            {t("channelSettings.add")}
          </button>
        </form>
      )}
    </Dialog>
  );
}
