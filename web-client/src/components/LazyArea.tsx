// A full-screen area whose code is a separate chunk, fetched with a dynamic import the first
// time it is opened (the admin area, the support queue): people who never open it never
// download it. Only this loader and the areas' small entry points are in the main bundle.
import type { FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { AuthSession } from "../auth/session";
import { t, type MessageKey } from "../i18n";
import type { User } from "../protocol";

export type AreaProps = { auth: AuthSession; me: User | null; onClose: () => void };
type AreaModule = { default: FunctionComponent<AreaProps> };
/** Fetches an area's chunk: `() => import("./SomeArea")`. */
interface AreaLoader {
  (): Promise<AreaModule>;
}

/** Areas already fetched, by their loader, so reopening one is instant. */
const loaded = new Map<AreaLoader, FunctionComponent<AreaProps>>();

/** Shows `load`'s area once fetched; a failed fetch offers to retry or to go back. */
export function LazyArea(props: AreaProps & { load: AreaLoader; failedText: MessageKey }) {
  const { load, failedText, ...areaProps } = props;
  const [Area, setArea] = useState<FunctionComponent<AreaProps> | null>(() => loaded.get(load) ?? null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (Area) return;
    let cancelled = false;
    setFailed(false);
    load().then(
      (module) => {
        loaded.set(load, module.default);
        if (!cancelled) setArea(() => module.default);
      },
      () => {
        if (!cancelled) setFailed(true);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [Area, attempt, load]);

  if (Area) return <Area {...areaProps} />;
  return (
    <div class="boot">
      {failed ? (
        <>
          <p role="alert">{t(failedText)}</p>
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
