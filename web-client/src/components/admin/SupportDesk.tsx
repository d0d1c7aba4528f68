// Servei de suport: the support desk's settings, edited here: which department is the team (its
// members, with the admins, work tickets) and the ticket categories, in order, the last one the
// default of new tickets. The server keeps what is saved, and from then on it wins over
// xerrada.toml's [support]. Below, the team those settings make, as the server's answer says.
import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { SupportSettings } from "../../api/admin";
import type { Department, User } from "../../protocol";
import { ErrorLine, Loading, Notice, SectionHeading, useAction, useAdmin, useLoad, userLabel } from "./common";
import { MAX_CATEGORIES, MAX_CATEGORY_CHARS, moveItem } from "./helpers";
import { ta } from "./i18n";

export function SupportDesk() {
  const { admin } = useAdmin();
  const support = useLoad(() => admin.support());
  const departments = useLoad(() => admin.departments().catch(() => []));
  const data = support.data;
  return (
    <section>
      <SectionHeading title={ta("nav.support")} />
      <p class="muted">{ta("support.note")}</p>
      <ErrorLine error={support.error} />
      <Loading loading={support.loading && !data} />
      {data && (
        <>
          <SupportForm settings={data} departments={departments.data} onSaved={support.setData} />
          <SupportTeam team={data.team} />
        </>
      )}
    </section>
  );
}

/** A category being edited; `key` keeps its row (and the focus) when rows move. */
interface Row {
  key: number;
  name: string;
}

/** What to focus once a row has been added, moved or removed. */
interface Focus {
  key: number;
  target: "input" | "up" | "down";
}

function SupportForm({
  settings,
  departments,
  onSaved,
}: {
  settings: SupportSettings;
  /** null while loading. */
  departments: Department[] | null;
  onSaved: (settings: SupportSettings) => void;
}) {
  const { admin } = useAdmin();
  const nextKey = useRef(0);
  const toRows = (names: readonly string[]): Row[] => names.map((name) => ({ key: nextKey.current++, name }));
  const [department, setDepartment] = useState(settings.department);
  const [rows, setRows] = useState<Row[]>(() => toRows(settings.categories));
  const [notice, setNotice] = useState("");
  const save = useAction();
  const listRef = useRef<HTMLOListElement>(null);
  const focus = useRef<Focus | null>(null);
  const departmentHintId = useId();
  const hintId = useId();
  const errorId = useId();

  useEffect(() => {
    const wanted = focus.current;
    focus.current = null;
    const row = wanted && listRef.current?.querySelector(`[data-key="${wanted.key}"]`);
    if (!wanted || !row) return;
    // A row moved to an end loses that way's button: its other one, then its text box.
    const candidates = [wanted.target === "input" ? "input" : `[data-move="${wanted.target}"]`, "[data-move]:not(:disabled)", "input"];
    for (const selector of candidates) {
      const element = row.querySelector<HTMLInputElement | HTMLButtonElement>(selector);
      if (element && !element.disabled) return element.focus();
    }
  });

  const names = rows.map((r) => r.name);
  const changed = department !== settings.department || names.length !== settings.categories.length || names.some((n, i) => n !== settings.categories[i]);

  const edit = (next: Row[], then?: Focus) => {
    setNotice("");
    setRows(next);
    focus.current = then ?? null;
  };
  const rename = (key: number, name: string) => edit(rows.map((r) => (r.key === key ? { ...r, name } : r)));
  const move = (index: number, by: number, target: Focus["target"]) => edit(moveItem(rows, index, by), { key: rows[index]!.key, target });
  const remove = (index: number) => {
    const next = rows.filter((_, i) => i !== index);
    const neighbour = next[Math.min(index, next.length - 1)];
    edit(next, neighbour && { key: neighbour.key, target: "input" });
  };
  const add = () => {
    const row = { key: nextKey.current++, name: "" };
    edit([...rows, row], { key: row.key, target: "input" });
  };

  const reset = (to: SupportSettings) => {
    setDepartment(to.department);
    setRows(toRows(to.categories));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    setNotice("");
    void save.run(async () => {
      const answer = await admin.updateSupport({ department, categories: names.map((n) => n.trim()) });
      onSaved(answer);
      reset(answer);
      setNotice(ta("common.saved"));
    });
  };

  const known = departments?.some((d) => d.slug === department) ?? false;
  const unknownLabel = !department ? ta("support.noDepartment") : departments ? ta("support.missingDepartment", { slug: department }) : department;

  return (
    <form class="stack support-form" onSubmit={submit} data-testid="support-settings" aria-describedby={save.error ? errorId : undefined}>
      <label class="field">
        <span>{ta("support.department")}</span>
        <select
          name="department"
          value={department}
          onChange={(e) => {
            setNotice("");
            setDepartment(e.currentTarget.value);
          }}
          aria-describedby={departmentHintId}
          data-testid="support-department"
        >
          {!known && (
            <option value={department} disabled>
              {unknownLabel}
            </option>
          )}
          {(departments ?? []).map((d) => (
            <option key={d.slug} value={d.slug}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <p class="muted small" id={departmentHintId}>
        {ta("support.departmentHint")}
      </p>

      <fieldset class="check-group category-group" aria-describedby={hintId}>
        <legend>{ta("support.categories")}</legend>
        <p class="muted small" id={hintId}>
          {ta("support.categoriesHint", { max: MAX_CATEGORIES, chars: MAX_CATEGORY_CHARS })}
        </p>
        <ol class="category-list" ref={listRef} data-testid="support-categories">
          {rows.map((row, i) => {
            const name = row.name.trim() || ta("support.category", { n: i + 1 });
            const last = i === rows.length - 1;
            return (
              <li key={row.key} class="category-row" data-key={row.key}>
                <input
                  class="grow"
                  value={row.name}
                  maxLength={MAX_CATEGORY_CHARS}
                  onInput={(e) => rename(row.key, e.currentTarget.value)}
                  aria-label={ta("support.category", { n: i + 1 })}
                  autocomplete="off"
                  data-testid="support-category"
                />
                {last && <span class="pill">{ta("support.default")}</span>}
                <span class="row-actions">
                  <button type="button" class="button small" data-move="up" disabled={i === 0} onClick={() => move(i, -1, "up")} aria-label={ta("support.upOne", { name })}>
                    {ta("support.up")}
                  </button>
                  <button type="button" class="button small" data-move="down" disabled={last} onClick={() => move(i, 1, "down")} aria-label={ta("support.downOne", { name })}>
                    {ta("support.down")}
                  </button>
                  <button type="button" class="button small danger" disabled={rows.length === 1} onClick={() => remove(i)} aria-label={ta("common.removeOne", { name })}>
                    {ta("common.remove")}
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
        <div>
          <button type="button" class="button small" onClick={add} disabled={rows.length >= MAX_CATEGORIES} data-testid="support-category-add">
            {ta("support.addCategory")}
          </button>
        </div>
      </fieldset>

      <ErrorLine error={save.error} id={errorId} />
      <Notice text={notice} />
      <div class="dialog-actions start">
        <button type="submit" class="button primary" disabled={save.busy || !changed} data-testid="support-save">
          {ta("common.save")}
        </button>
        <button
          type="button"
          class="button"
          disabled={save.busy || !changed}
          onClick={() => {
            reset(settings);
            save.setError("");
            setNotice("");
          }}
          data-testid="support-cancel"
        >
          {ta("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function SupportTeam({ team }: { team: User[] }) {
  return (
    <div class="admin-subsection" data-testid="support-team">
      <h3 class="settings-heading">{ta("support.team")}</h3>
      {team.length === 0 ? (
        <p class="muted">{ta("support.none")}</p>
      ) : (
        <ul class="member-list">
          {team.map((u) => (
            <li key={u.id} data-username={u.username}>
              <span class="member-name">{userLabel(u)}</span>
              <span class="muted small">{`@${u.username}`}</span>
              {u.role === "admin" && <span class="pill">{ta("role.admin")}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
