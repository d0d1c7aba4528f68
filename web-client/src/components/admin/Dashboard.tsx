// Tauler: the installation at a glance (`GET /api/v1/admin/stats`).
import { getLocale } from "../../i18n";
import { formatSize } from "../../files/format";
import { ErrorLine, Loading, SectionHeading, useAdmin, useLoad } from "./common";
import { ta, type AdminKey } from "./i18n";

export function Dashboard() {
  const { admin } = useAdmin();
  const { data, error, loading, reload } = useLoad(() => admin.stats());
  const number = (n: number) => new Intl.NumberFormat(getLocale()).format(n);
  const cards: [AdminKey, string][] = data
    ? [
        ["dashboard.online", number(data.online)],
        ["dashboard.messagesToday", number(data.messages_today)],
        ["dashboard.openTickets", number(data.open_tickets)],
        ["dashboard.users", number(data.users)],
        ["dashboard.channels", number(data.channels)],
        ["dashboard.database", formatSize(data.storage.database_bytes, getLocale())],
        ["dashboard.files", formatSize(data.storage.files_bytes, getLocale())],
        ["dashboard.version", data.version],
      ]
    : [];
  return (
    <section>
      <SectionHeading title={ta("nav.dashboard")}>
        <button type="button" class="button" onClick={() => void reload()} disabled={loading}>
          {ta("common.refresh")}
        </button>
      </SectionHeading>
      <ErrorLine error={error} />
      <Loading loading={loading && !data} />
      {data && (
        <dl class="stat-grid" data-testid="stats">
          {cards.map(([label, value]) => (
            <div class="stat-card" key={label}>
              <dt>{ta(label)}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
