// The login screen. The password never leaves this form except in the login request.
import { useState } from "preact/hooks";
import { ApiError, NetworkError } from "../api/client";
import type { AuthSession } from "../auth/session";
import { t } from "../i18n";
import { LanguagePicker } from "./LanguagePicker";
import { Logo } from "./icons";
import { waitSeconds } from "./errors";

export function Login({ auth, notice, onLoggedIn }: { auth: AuthSession; notice: string; onLoggedIn: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError("");
    try {
      await auth.login(username.trim(), password);
      setPassword("");
      onLoggedIn();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError(t("login.wrongCredentials"));
      else if (e instanceof ApiError && e.status === 429)
        setError(e.retryAfterMs === undefined ? t("login.rateLimited") : t("login.rateLimitedWait", { count: waitSeconds(e.retryAfterMs) }));
      else if (e instanceof NetworkError) setError(t("login.offline"));
      else setError(t("login.failed"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="login-brand">
          <Logo />
          <h1 id="login-title">{t("app.name")}</h1>
        </div>
        <p class="login-tagline">{t("login.tagline")}</p>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label class="field">
          <span>{t("login.username")}</span>
          <input
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t("login.password")}</span>
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button class="button primary wide" type="submit" disabled={busy}>
          {busy ? t("login.submitting") : t("login.submit")}
        </button>
        <div class="login-footer">
          <LanguagePicker />
        </div>
      </form>
    </main>
  );
}
