// Departaments: the list, creating one (slug and name; its private channel comes with it),
// renaming, and its members (added by username, removed with a confirmation). A department's
// members are also the members of its channel.
import { useState } from "preact/hooks";
import type { Department } from "../../protocol";
import { ErrorLine, InlineRename, Loading, Modal, SectionHeading, useAction, useAdmin, useLoad, userLabel } from "./common";
import { ta } from "./i18n";
import { MembersEditor } from "./Members";

export function Departments() {
  const { admin } = useAdmin();
  const departments = useLoad(() => admin.departments());
  const [slug, setSlug] = useState("");
  const [name, setName] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const create = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    void create.run(async () => {
      const d = await admin.createDepartment(slug.trim(), name.trim());
      departments.setData((all) => [...(all ?? []), d].sort((a, b) => a.slug.localeCompare(b.slug)));
      setSlug("");
      setName("");
    });
  };

  const opened = departments.data?.find((d) => d.id === open) ?? null;

  return (
    <section>
      <SectionHeading title={ta("nav.departments")} />
      <form class="inline-form" onSubmit={submit} aria-label={ta("departments.create")}>
        <label class="field">
          <span>{ta("departments.slug")}</span>
          <input required maxLength={80} autocapitalize="none" spellcheck={false} value={slug} onInput={(e) => setSlug(e.currentTarget.value)} name="slug" />
        </label>
        <label class="field grow">
          <span>{ta("departments.name")}</span>
          <input required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} name="name" />
        </label>
        <button type="submit" class="button primary" disabled={create.busy}>
          {ta("departments.create")}
        </button>
      </form>
      <p class="muted small">{ta("departments.slugHint")}</p>
      <ErrorLine error={create.error} />
      <ErrorLine error={departments.error} />
      <Loading loading={departments.loading && !departments.data} />
      {departments.data && (
        <ul class="admin-list" data-testid="departments">
          {departments.data.map((d) => (
            <DepartmentRow
              key={d.id}
              department={d}
              onRenamed={(renamed) => departments.setData((all) => (all ?? []).map((x) => (x.id === renamed.id ? renamed : x)))}
              onMembers={() => setOpen(d.id)}
            />
          ))}
        </ul>
      )}
      {departments.data?.length === 0 && <p class="muted">{ta("departments.none")}</p>}
      {opened && <DepartmentMembers department={opened} onClose={() => setOpen(null)} />}
    </section>
  );
}

function DepartmentRow({ department, onRenamed, onMembers }: { department: Department; onRenamed: (d: Department) => void; onMembers: () => void }) {
  const { admin } = useAdmin();
  return (
    <li class="admin-list-item" data-slug={department.slug}>
      <InlineRename
        name={department.name}
        label={ta("departments.newName", { slug: department.slug })}
        rename={async (name) => onRenamed(await admin.renameDepartment(department.id, name))}
      >
        {(startRenaming) => (
          <>
            <span class="grow">
              <span class="cell-main">{department.name}</span>
              <span class="muted small">{` ${department.slug}`}</span>
            </span>
            <button type="button" class="button small" onClick={startRenaming} aria-label={ta("departments.renameOne", { name: department.name })}>
              {ta("common.rename")}
            </button>
            <button type="button" class="button small" onClick={onMembers} aria-label={ta("departments.membersOne", { name: department.name })}>
              {ta("common.members")}
            </button>
          </>
        )}
      </InlineRename>
    </li>
  );
}

function DepartmentMembers({ department, onClose }: { department: Department; onClose: () => void }) {
  const { admin } = useAdmin();
  const members = useLoad(() => admin.departmentMembers(department.id), [department.id]);
  return (
    <Modal title={ta("departments.membersOne", { name: department.name })} onClose={onClose}>
      <MembersEditor
        members={members}
        setMember={(userId, on) => admin.setDepartmentMember(department.id, userId, on)}
        removeMessage={(user) => ta("departments.removeConfirm", { name: userLabel(user), department: department.name })}
      />
    </Modal>
  );
}
