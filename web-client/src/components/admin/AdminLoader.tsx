// Opens the admin area on demand: its code (AdminArea and everything it imports, texts and
// styles included) is a separate chunk fetched with a dynamic import the first time an admin
// opens it, so members never download it. Only this small loader is in the main bundle.
import { LazyArea, type AreaProps } from "../LazyArea";

const loadAdmin = () => import("./AdminArea");

export function AdminLoader(props: AreaProps) {
  return <LazyArea {...props} load={loadAdmin} failedText="admin.loadFailed" />;
}

/** A shield, for the sidebar's entry to the admin area (decorative). */
export const AdminIcon = () => (
  <svg class="icon" width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
    <path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" />
  </svg>
);
