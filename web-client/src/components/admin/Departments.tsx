// Departaments: the list, creating one (slug and name; its private channel comes with it),
// renaming, and its members (added by username, removed with a confirmation). A department's
// members are also the members of its channel.
import { useState } from "preact/hooks";
import type { Department, User } from "../../protocol";
import { ConfirmDialog, ErrorLine, Loading, Modal, SectionHeading, useAction, useAdmin, useLoad, userLabel } from "./common";
import { ta } from "./i18n";
import { UserPicker } from "./UserPicker";

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
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(department.name);
  const rename = useAction();
  const save = (event: Event) => {
    event.preventDefault();
    void rename.run(async () => {
      onRenamed(await admin.renameDepartment(department.id, name.trim()));
      setEditing(false);
    });
  };
  return (
    <li class="admin-list-item" data-slug={department.slug}>
      {editing ? (
        <form class="inline-form grow" onSubmit={save}>
          <label class="field grow">
            <span>{ta("departments.newName", { slug: department.slug })}</span>
            <input required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} autofocus />
          </label>
          <button type="submit" class="button primary" disabled={rename.busy}>
            {ta("common.save")}
          </button>
          <button
            type="button"
            class="button"
            onClick={() => {
              setEditing(false);
              setName(department.name);
            }}
          >
            {ta("common.cancel")}
          </button>
        </form>
      ) : (
        <>
          <span class="grow">
            <span class="cell-main">{department.name}</span>
            <span class="muted small">{` ${department.slug}`}</span>
          </span>
          <button type="button" class="button small" onClick={() => setEditing(true)} aria-label={ta("departments.renameOne", { name: department.name })}>
            {ta("common.rename")}
          </button>
          <button type="button" class="button small" onClick={onMembers} aria-label={ta("departments.membersOne", { name: department.name })}>
            {ta("common.members")}
          </button>
        </>
      )}
      <ErrorLine error={rename.error} />
    </li>
  );
}

function DepartmentMembers({ department, onClose }: { department: Department; onClose: () => void }) {
  const { admin } = useAdmin();
  const members = useLoad(() => admin.departmentMembers(department.id), [department.id]);
  const [removing, setRemoving] = useState<User | null>(null);
  const add = useAction();
  const memberIds = new Set((members.data ?? []).map((u) => u.id));
  return (
    <Modal title={ta("departments.membersOne", { name: department.name })} onClose={onClose}>
      <UserPicker
        exclude={memberIds}
        busy={add.busy}
        onPick={(user) =>
          void add.run(async () => {
            await admin.setDepartmentMember(department.id, user.id, true);
            await members.reload();
          })
        }
      />
      <ErrorLine error={add.error || members.error} />
      <Loading loading={members.loading && !members.data} />
      <MemberList users={members.data ?? []} onRemove={setRemoving} />
      {removing && (
        <ConfirmDialog
          title={ta("common.removeMember")}
          message={ta("departments.removeConfirm", { name: userLabel(removing), department: department.name })}
          confirmLabel={ta("common.remove")}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await admin.setDepartmentMember(department.id, removing.id, false);
            await members.reload();
          }}
        />
      )}
    </Modal>
  );
}

/** Members with a remove button each (none when `onRemove` is left out). */
export function MemberList({ users, onRemove }: { users: User[]; onRemove?: (user: User) => void }) {
  if (users.length === 0) return <p class="muted">{ta("common.noMembers")}</p>;
  return (
    <ul class="member-list admin-members" data-testid="members">
      {users.map((user) => (
        <li key={user.id} data-username={user.username}>
          <span class="member-name">{userLabel(user)}</span>
          <span class="muted small">{`@${user.username}`}</span>
          {!user.active && <span class="pill off">{ta("users.inactive")}</span>}
          {onRemove && (
            <button type="button" class="link-button" onClick={() => onRemove(user)} aria-label={ta("common.removeOne", { name: userLabel(user) })}>
              {ta("common.remove")}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
