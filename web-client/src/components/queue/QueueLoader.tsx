// Opens the support team's queue on demand: its code (QueueArea, its texts and styles) is a
// separate chunk fetched with a dynamic import the first time a team member opens it, as the
// admin area is (see AdminLoader). Only this small loader is in the main bundle.
import { useEffect, useState } from "preact/hooks";
import type { AuthSession } from "../../auth/session";
import { Api } from "../../api/client";
import { LazyArea, type AreaProps } from "../LazyArea";

const loadQueue = () => import("./QueueArea");

/** Whether the signed-in user is on the support team: `GET /me` says so in `support_team`. */
export function useSupportTeam(auth: AuthSession, userId: string | undefined): boolean {
  const [team, setTeam] = useState(false);
  useEffect(() => {
    if (!userId) return;
    let cancelled = false;
    new Api(auth).me().then(
      (me) => !cancelled && setTeam(me.support_team === true),
      () => !cancelled && setTeam(false),
    );
    return () => {
      cancelled = true;
    };
  }, [auth, userId]);
  return team;
}

export function QueueLoader(props: AreaProps) {
  return <LazyArea {...props} load={loadQueue} failedText="queue.loadFailed" />;
}

/** An inbox tray, for the sidebar's entry to the queue (decorative). */
export const QueueIcon = () => (
  <svg class="icon" width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
    <path d="M22 12h-6l-2 3h-4l-2-3H2" />
    <path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z" />
  </svg>
);
