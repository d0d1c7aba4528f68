// Opens the admin area on demand: its code (AdminArea and everything it imports, texts and
// styles included) is a separate chunk fetched with a dynamic import the first time an admin
// opens it, so members never download it. Only this small loader is in the main bundle.
import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { AuthSession } from "../../auth/session";
import { t } from "../../i18n";
import type { User } from "../../protocol";

type AreaProps = { auth: AuthSession; me: User | null; onClose: () => void };

let loaded: FunctionComponent<AreaProps> | null = null;

export function AdminLoader(props: AreaProps) {
  const [Area, setArea] = useState<FunctionComponent<AreaProps> | null>(() => loaded);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (Area) return;
    let cancelled = false;
    setFailed(false);
    import("./AdminArea").then(
      (module) => {
        loaded = module.default;
        if (!cancelled) setArea(() => module.default);
      },
      () => {
        if (!cancelled) setFailed(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [Area, attempt]);

  if (Area) return <Area {...props} />;
  return (
    <div class="boot">
      {failed ? (
        <>
          <p role="alert">{t("admin.loadFailed")}</p>
          <div class="settings-actions">
            <button type="button" class="button primary" onClick={() => setAttempt((n) => n + 1)}>
              {t("admin.retry")}
            </button>
            <button type="button" class="button" onClick={props.onClose}>
              {t("admin.back")}
            </button>
          </div>
        </>
      ) : (
        <p role="status">{t("app.loading")}</p>
      )}
    </div>
  );
}

/** A shield, for the sidebar's entry to the admin area (decorative). */
export const AdminIcon = () => (
  <svg class="icon" width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
    <path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" />
  </svg>
);
