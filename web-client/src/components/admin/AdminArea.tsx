// The admin area (a System Console): a full-screen page with a list of sections on the left (a
// row of tabs at the top on a phone) and the open section beside it. Only for admins; the
// server refuses everyone else anyway. Loaded with a dynamic import (see AdminLoader), so its
// code, texts and styles reach admins only.
import type { FunctionComponent } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { AdminApi } from "../../api/admin";
import type { AuthSession } from "../../auth/session";
import type { User } from "../../protocol";
import { useLocale } from "../context";
import { AdminContext } from "./common";
import { ta, type AdminKey } from "./i18n";
import { Dashboard } from "./Dashboard";
import { Users } from "./Users";
import { ImportCsv } from "./ImportCsv";
import { Departments } from "./Departments";
import { Channels } from "./Channels";
import { Bots } from "./Bots";
import { Webhooks } from "./Webhooks";
import { Commands } from "./Commands";
import { InfoArticles } from "./InfoArticles";
import { SupportDesk } from "./SupportDesk";
import { AuditLog } from "./AuditLog";
import "../../styles/admin.css";

export type SectionId =
  | "dashboard"
  | "users"
  | "import"
  | "departments"
  | "channels"
  | "bots"
  | "webhooks"
  | "commands"
  | "info"
  | "support"
  | "audit";

const SECTIONS: readonly { id: SectionId; label: AdminKey; component: FunctionComponent }[] = [
  { id: "dashboard", label: "nav.dashboard", component: Dashboard },
  { id: "users", label: "nav.users", component: Users },
  { id: "import", label: "nav.import", component: ImportCsv },
  { id: "departments", label: "nav.departments", component: Departments },
  { id: "channels", label: "nav.channels", component: Channels },
  { id: "bots", label: "nav.bots", component: Bots },
  { id: "webhooks", label: "nav.webhooks", component: Webhooks },
  { id: "commands", label: "nav.commands", component: Commands },
  { id: "info", label: "nav.info", component: InfoArticles },
  { id: "support", label: "nav.support", component: SupportDesk },
  { id: "audit", label: "nav.audit", component: AuditLog },
];

export default function AdminArea({ auth, me, onClose }: { auth: AuthSession; me: User | null; onClose: () => void }) {
  useLocale();
  const services = useMemo(() => ({ admin: new AdminApi(auth), me }), [auth, me]);
  const [current, setCurrent] = useState<SectionId>("dashboard");
  const section = SECTIONS.find((s) => s.id === current) ?? SECTIONS[0]!;
  const Section = section.component;

  // On a phone the sections are a row wider than the screen: keep the open one in view.
  useEffect(() => {
    document.querySelector(".admin-nav-item.active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [current]);

  // Up and down arrows (left and right on a phone's row) move between sections.
  const onNavKey = (event: KeyboardEvent) => {
    const keys = ["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "Home", "End"];
    if (!keys.includes(event.key)) return;
    const items = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(".admin-nav-item")];
    const index = items.indexOf(document.activeElement as HTMLElement);
    let next = index;
    if (event.key === "ArrowDown" || event.key === "ArrowRight") next = Math.min(items.length - 1, index + 1);
    if (event.key === "ArrowUp" || event.key === "ArrowLeft") next = Math.max(0, index - 1);
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = items.length - 1;
    event.preventDefault();
    items[next]?.focus();
  };

  return (
    <AdminContext.Provider value={services}>
      <div class="admin" data-testid="admin-area">
        <header class="admin-header">
          <h1 class="admin-title">{ta("title")}</h1>
          <button type="button" class="button" onClick={onClose} data-testid="admin-close">
            {ta("close")}
          </button>
        </header>
        <div class="admin-body">
          <nav class="admin-nav" aria-label={ta("nav.label")} onKeyDown={onNavKey}>
            <ul>
              {SECTIONS.map((s) => (
                <li key={s.id}>
                  <button
                    type="button"
                    class={s.id === current ? "admin-nav-item active" : "admin-nav-item"}
                    aria-current={s.id === current ? "page" : undefined}
                    data-section={s.id}
                    onClick={() => setCurrent(s.id)}
                  >
                    {ta(s.label)}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <main class="admin-main" aria-labelledby="admin-section-title" key={current}>
            <Section />
          </main>
        </div>
      </div>
    </AdminContext.Provider>
  );
}
