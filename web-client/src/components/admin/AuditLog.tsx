// Registre d'auditoria: who did what and when, newest first, with filters (who, which action,
// between which days), "Load more" pages, and the same query as a CSV download (fetched with
// the bearer token, since the API needs it, and saved from a Blob).
import { useState } from "preact/hooks";
import { AUDIT_ACTIONS, type AuditEntry, type AuditQuery } from "../../api/admin";
import { formatDateTime } from "../../i18n";
import { AdminTable, ErrorLine, SectionHeading, SelectField, downloadBlob, useAction, useAdmin, useLoad, userLabel } from "./common";
import { datedFileName, dayRange, detailsText } from "./helpers";
import { ta, type AdminKey } from "./i18n";

const PAGE_SIZE = 50;

/** The action's words, or its code when the catalog has none. */
function actionLabel(action: string): string {
  const key = `action.${action}` as AdminKey;
  const text = ta(key);
  return text === key ? action : text;
}

export function AuditLog() {
  const { admin } = useAdmin();
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  /** The filters of the list shown (applied with the button, so typing does not reload). */
  const [applied, setApplied] = useState<AuditQuery>({});
  const [more, setMore] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const loadMore = useAction();
  // Targets are ids: people's are shown by name.
  const users = useLoad(() => admin.users().catch(() => []));
  const userById = new Map((users.data ?? []).map((u) => [u.id, u]));
  const targetText = (target: string) => {
    const user = userById.get(target);
    return user ? `${userLabel(user)} (@${user.username})` : target;
  };
  const csv = useAction();

  const first = useLoad(async () => {
    const page = await admin.audit({ ...applied, limit: PAGE_SIZE });
    setMore([]);
    setCursor(page.next_cursor);
    return page;
  }, [applied]);

  const apply = (event: Event) => {
    event.preventDefault();
    setApplied({ actor: actor.trim() || undefined, action: action || undefined, ...dayRange(from, to) });
  };

  const entries = [...(first.data?.entries ?? []), ...more];

  return (
    <section>
      <SectionHeading title={ta("nav.audit")}>
        <button
          type="button"
          class="button"
          disabled={csv.busy}
          data-testid="audit-csv"
          onClick={() => void csv.run(async () => downloadBlob(await admin.auditCsv(applied), datedFileName("xerrada-audit")))}
        >
          {ta("audit.download")}
        </button>
      </SectionHeading>
      <ErrorLine error={csv.error} />
      <form class="filter-bar" onSubmit={apply} role="search" aria-label={ta("audit.filters")}>
        <label class="field grow">
          <span>{ta("audit.actor")}</span>
          <input value={actor} onInput={(e) => setActor(e.currentTarget.value)} autocapitalize="none" spellcheck={false} name="actor" />
        </label>
        <SelectField
          label={ta("audit.action")}
          name="action"
          value={action}
          onChange={setAction}
          options={[["", ta("common.all")], ...AUDIT_ACTIONS.map((a) => [a, `${actionLabel(a)} (${a})`] as const)]}
        />
        <label class="field">
          <span>{ta("audit.from")}</span>
          <input type="date" value={from} max={to || undefined} onInput={(e) => setFrom(e.currentTarget.value)} name="from" />
        </label>
        <label class="field">
          <span>{ta("audit.to")}</span>
          <input type="date" value={to} min={from || undefined} onInput={(e) => setTo(e.currentTarget.value)} name="to" />
        </label>
        <button type="submit" class="button primary filter-submit">
          {ta("audit.apply")}
        </button>
      </form>
      <ErrorLine error={first.error} />
      <p class="muted small" role="status">
        {first.loading ? ta("common.loading") : ta("audit.count", { count: entries.length })}
      </p>
      {entries.length > 0 && (
        <AdminTable testId="audit-table" columns={[ta("audit.when"), ta("audit.who"), ta("audit.action"), ta("audit.target"), ta("audit.ip"), ta("audit.details")]}>
          {entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td data-label={ta("audit.when")}>
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              </td>
              <td data-label={ta("audit.who")}>{e.actor_name || e.actor_id || ta("audit.system")}</td>
              <td data-label={ta("audit.action")}>
                <span class="cell-main">{actionLabel(e.action)}</span>
                <span class="muted small cell-sub">{e.action}</span>
              </td>
              <td data-label={ta("audit.target")} class="details-cell">{targetText(e.target)}</td>
              <td data-label={ta("audit.ip")}>{e.ip ?? ""}</td>
              <td data-label={ta("audit.details")} class="details-cell">
                {detailsText(e.details)}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <ErrorLine error={loadMore.error} />
      {cursor && (
        <div class="dialog-actions start">
          <button
            type="button"
            class="button"
            disabled={loadMore.busy}
            data-testid="audit-more"
            onClick={() =>
              void loadMore.run(async () => {
                const page = await admin.audit({ ...applied, cursor, limit: PAGE_SIZE });
                setMore((m) => [...m, ...page.entries]);
                setCursor(page.next_cursor);
              })
            }
          >
            {ta("audit.more")}
          </button>
        </div>
      )}
    </section>
  );
}
