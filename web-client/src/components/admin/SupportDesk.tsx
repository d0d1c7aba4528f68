// Servei de suport: the support desk's settings as the server runs them (its department, the
// ticket categories and the team). Read-only: they are set in xerrada.toml.
import { ErrorLine, Loading, SectionHeading, useAdmin, useLoad, userLabel } from "./common";
import { ta } from "./i18n";

export function SupportDesk() {
  const { admin } = useAdmin();
  const support = useLoad(() => admin.support());
  const data = support.data;
  const departments = useLoad(() => admin.departments().catch(() => []));
  const slug = data?.department ?? "";
  const department = departments.data?.find((d) => d.slug === slug);
  const departmentText = !slug ? ta("support.noDepartment") : department ? `${department.name} (${slug})` : ta("support.missingDepartment", { slug });
  return (
    <section>
      <SectionHeading title={ta("nav.support")} />
      <p class="notice">{ta("support.note")}</p>
      <ErrorLine error={support.error} />
      <Loading loading={support.loading && !data} />
      {data && (
        <dl class="settings-list" data-testid="support-settings">
          <div>
            <dt>{ta("support.department")}</dt>
            <dd>{departmentText}</dd>
          </div>
          <div>
            <dt>{ta("support.categories")}</dt>
            <dd>
              {data.categories.length === 0 ? (
                ta("support.none")
              ) : (
                <ul class="chip-list">
                  {data.categories.map((c) => (
                    <li key={c} class="chip">
                      {c}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div>
            <dt>{ta("support.team")}</dt>
            <dd>
              {data.team.length === 0 ? (
                ta("support.none")
              ) : (
                <ul class="member-list">
                  {data.team.map((u) => (
                    <li key={u.id}>
                      <span class="member-name">{userLabel(u)}</span>
                      <span class="muted small">{`@${u.username}`}</span>
                      {u.role === "admin" && <span class="pill">{ta("role.admin")}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
