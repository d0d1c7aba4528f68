import { t } from "../i18n";

/** A thin bar at the top while the realtime connection is down; messages typed meanwhile wait. */
export function OfflineBanner({ visible }: { visible: boolean }) {
  return (
    <div class={visible ? "offline-banner visible" : "offline-banner"} role="status" aria-live="polite">
      {visible ? t("connection.offline") : ""}
    </div>
  );
}
