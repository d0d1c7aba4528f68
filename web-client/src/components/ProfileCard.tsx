// A person's profile card: name, departments, status and local time (from their time zone,
// through Intl). On one's own card: display name, status, time zone (the browser's by default)
// and password can be changed.
import { useState } from "preact/hooks";
import type { User } from "../protocol";
import { getLocale, t } from "../i18n";
import { useServices, useStore } from "./context";
import { Dialog, errorMessage } from "./dialogs";
import { AccountBadges, Avatar } from "./people";

/** The time now in `timeZone`, or null when the zone is not one Intl knows. */
export function localTime(timeZone: string, now = new Date(), locale = getLocale()): string | null {
  try {
    return new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit" }).format(now);
  } catch {
    return null;
  }
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

export function ProfileCard() {
  const store = useStore();
  const { engine } = useServices();
  const userId = store.profileUserId;
  const user = userId ? store.users.get(userId) : undefined;
  if (!userId || !user) return null;
  const mine = user.id === store.me?.id;
  const time = user.timezone ? localTime(user.timezone) : null;
  const departments = user.department_ids.map((id) => store.departments.get(id)?.name).filter(Boolean);
  return (
    <Dialog title={t("profile.title")} onClose={() => engine.closeProfile()}>
      <div class="profile-card" data-testid="profile-card">
        <div class="profile-head">
          <Avatar userId={user.id} name={user.display_name} size="lg" status={store.presence.get(user.id) ?? "offline"} />
          <div>
            <p class="profile-name">
              {user.display_name || user.username}
              <AccountBadges user={user} />
            </p>
            <p class="muted small">@{user.username}</p>
          </div>
        </div>
        {user.status_text && <p class="profile-status">{user.status_text}</p>}
        {time && user.timezone && <p class="profile-time">{t("profile.localTime", { time, zone: user.timezone })}</p>}
        {departments.length > 0 && (
          <p class="profile-departments">
            <strong>{t("profile.departments")}</strong>
            {`: ${departments.join(", ")}`}
          </p>
        )}
      </div>
      {mine && <EditProfile me={user} />}
    </Dialog>
  );
}

function EditProfile({ me }: { me: User }) {
  const { engine } = useServices();
  const [displayName, setDisplayName] = useState(me.display_name);
  const [status, setStatus] = useState(me.status_text ?? "");
  const [timezone, setTimezone] = useState(me.timezone || browserTimeZone());
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState(false);

  const run = async (change: () => unknown, done: string) => {
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

  return (
    <div class="stack">
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => engine.updateMe({ display_name: displayName.trim(), status_text: status.trim(), timezone: timezone.trim() }), t("profile.saved"));
        }}
      >
        <label class="field">
          <span>{t("profile.displayName")}</span>
          <input required maxLength={80} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t("profile.status")}</span>
          <input maxLength={100} value={status} onInput={(e) => setStatus(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t("profile.timezone")}</span>
          <input maxLength={64} value={timezone} onInput={(e) => setTimezone(e.currentTarget.value)} />
        </label>
        <div class="dialog-actions">
          <button type="submit" class="button primary" disabled={busy || !displayName.trim()}>
            {t("profile.save")}
          </button>
        </div>
      </form>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await engine.updateMe({ password, current_password: current });
            setCurrent("");
            setPassword("");
          }, t("profile.passwordSaved"));
        }}
      >
        <h3 class="settings-heading">{t("profile.password")}</h3>
        <label class="field">
          <span>{t("profile.currentPassword")}</span>
          <input type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t("profile.newPassword")}</span>
          <input type="password" autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <div class="dialog-actions">
          <button type="submit" class="button" disabled={busy || !current || !password}>
            {t("profile.password")}
          </button>
        </div>
      </form>
      {error && <p class="form-error" role="alert">{error}</p>}
      {notice && <p class="notice" role="status">{notice}</p>}
    </div>
  );
}
