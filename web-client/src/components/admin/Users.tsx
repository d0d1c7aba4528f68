// Usuaris: the directory as a table with a search box and filters (status, role, kind); creating
// a person (the one-time password the server chose is shown once); and, per person, their name,
// role and departments, resetting the password, signing them out everywhere, deactivating and
// reactivating. Destructive actions ask first.
import { useId, useState } from "preact/hooks";
import type { Department, Role, User } from "../../protocol";
import type { CreatedUser } from "../../api/admin";
import {
  AdminTable,
  ConfirmDialog,
  ErrorLine,
  Loading,
  Modal,
  Notice,
  SecretDialog,
  SectionHeading,
  SelectField,
  useAction,
  useAdmin,
  useLoad,
  userLabel,
} from "./common";
import { filterUsers, type KindFilter, type RoleFilter, type StatusFilter } from "./helpers";
import { ta } from "./i18n";

/** `User` with the e-mail address admins see (additive to v1; absent when none). */
type WithEmail = User & { email?: string };

export function Users() {
  const { admin } = useAdmin();
  const users = useLoad(() => admin.users());
  const departments = useLoad(() => admin.departments());
  const [q, setQ] = useState("");
  const [status, setStatus] = useState<StatusFilter>("all");
  const [role, setRole] = useState<RoleFilter>("all");
  const [kind, setKind] = useState<KindFilter>("human");
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ user: CreatedUser; password: string } | null>(null);
  const [notice, setNotice] = useState("");

  const list = filterUsers(users.data ?? [], { q, status, role, kind });
  const deptById = new Map((departments.data ?? []).map((d) => [d.id, d]));
  const editingUser = users.data?.find((u) => u.id === editing) ?? null;

  /** Puts a changed user into the table. */
  const replace = (user: User) => users.setData((all) => (all ?? []).map((u) => (u.id === user.id ? { ...u, ...user } : u)));

  return (
    <section>
      <SectionHeading title={ta("nav.users")}>
        <button
          type="button"
          class="button primary"
          onClick={() => {
            setNotice("");
            setCreating(true);
          }}
          data-testid="user-create-open"
        >
          {ta("users.create")}
        </button>
      </SectionHeading>
      <div class="filter-bar" role="search">
        <label class="field grow">
          <span>{ta("users.search")}</span>
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} data-testid="user-search" />
        </label>
        <SelectField
          label={ta("users.filterStatus")}
          value={status}
          onChange={setStatus}
          options={[
            ["all", ta("common.all")],
            ["active", ta("users.active")],
            ["inactive", ta("users.inactive")],
          ]}
        />
        <SelectField
          label={ta("users.filterRole")}
          value={role}
          onChange={setRole}
          options={[
            ["all", ta("common.all")],
            ["admin", ta("role.admin")],
            ["member", ta("role.member")],
          ]}
        />
        <SelectField
          label={ta("users.filterKind")}
          value={kind}
          onChange={setKind}
          options={[
            ["all", ta("common.all")],
            ["human", ta("kind.human")],
            ["bot", ta("kind.bot")],
          ]}
        />
      </div>
      <ErrorLine error={users.error || departments.error} />
      <Notice text={notice} />
      <Loading loading={users.loading && !users.data} />
      {users.data && (
        <>
          <p class="muted small" role="status">
            {ta("users.count", { count: list.length })}
          </p>
          <AdminTable testId="users-table" columns={[ta("users.name"), ta("users.role"), ta("users.departments"), ta("users.status")]} actions>
            {list.map((user) => (
              <tr key={user.id} data-username={user.username} class={user.active ? "" : "inactive-row"}>
                <td data-label={ta("users.name")}>
                  <span class="cell-main">{user.display_name}</span>
                  <span class="muted small">{` @${user.username}`}</span>
                  {(user as WithEmail).email && <span class="muted small cell-sub">{(user as WithEmail).email}</span>}
                </td>
                <td data-label={ta("users.role")}>{user.kind === "bot" ? ta("kind.bot") : ta(user.role === "admin" ? "role.admin" : "role.member")}</td>
                <td data-label={ta("users.departments")}>{user.department_ids.map((id) => deptById.get(id)?.name ?? id).join(", ")}</td>
                <td data-label={ta("users.status")}>
                  <span class={user.active ? "pill ok" : "pill off"}>{user.active ? ta("users.active") : ta("users.inactive")}</span>
                </td>
                <td class="cell-actions">
                  <button
                    type="button"
                    class="button small"
                    onClick={() => setEditing(user.id)}
                    aria-label={ta("users.manageOne", { name: userLabel(user) })}
                    data-testid="user-manage"
                  >
                    {ta("users.manage")}
                  </button>
                </td>
              </tr>
            ))}
          </AdminTable>
          {list.length === 0 && <p class="muted">{ta("common.noneFound")}</p>}
        </>
      )}
      {creating && (
        <CreateUserDialog
          departments={departments.data ?? []}
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            const { password, ...plain } = user;
            users.setData((all) => [...(all ?? []), plain]);
            setNotice(ta("users.createdTitle", { name: userLabel(user) }));
            if (password) setSecret({ user, password });
          }}
        />
      )}
      {secret && (
        <SecretDialog
          title={ta("users.createdTitle", { name: userLabel(secret.user) })}
          intro={ta("users.createdIntro", { username: secret.user.username })}
          label={ta("users.oneTimePassword")}
          secret={secret.password}
          onClose={() => setSecret(null)}
        />
      )}
      {editingUser && (
        <UserDialog user={editingUser} departments={departments.data ?? []} onClose={() => setEditing(null)} onChanged={replace} />
      )}
    </section>
  );
}

function RoleSelect({ value, onChange, disabled }: { value: Role; onChange: (role: Role) => void; disabled?: boolean }) {
  return (
    <SelectField
      label={ta("users.role")}
      name="role"
      value={value}
      onChange={onChange}
      disabled={disabled}
      options={[
        ["member", ta("role.member")],
        ["admin", ta("role.admin")],
      ]}
    />
  );
}

function DepartmentChecks({ departments, checked, onToggle, disabled }: { departments: Department[]; checked: readonly string[]; onToggle: (d: Department, on: boolean) => void; disabled?: boolean }) {
  if (departments.length === 0) return <p class="muted small">{ta("users.noDepartments")}</p>;
  return (
    <fieldset class="check-group">
      <legend>{ta("users.departments")}</legend>
      {departments.map((d) => (
        <label class="check" key={d.id}>
          <input type="checkbox" checked={checked.includes(d.id)} disabled={disabled} onChange={(e) => onToggle(d, e.currentTarget.checked)} data-slug={d.slug} />
          <span class="check-text">
            {d.name}
            <span class="muted small">{d.slug}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function CreateUserDialog({ departments, onClose, onCreated }: { departments: Department[]; onClose: () => void; onCreated: (user: CreatedUser) => void }) {
  const { admin } = useAdmin();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [deptIds, setDeptIds] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  const hintId = useId();
  const errorId = useId();

  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const user = await admin.createUser({
        username: username.trim(),
        display_name: displayName.trim(),
        role,
        department_ids: deptIds,
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(password ? { password } : {}),
      });
      onCreated(user);
    });
  };

  return (
    <Modal title={ta("users.create")} onClose={onClose}>
      <form class="stack" onSubmit={submit} data-testid="user-create-form" aria-describedby={error ? errorId : undefined}>
        <label class="field">
          <span>{ta("users.username")}</span>
          <input name="username" required maxLength={80} autocapitalize="none" spellcheck={false} autocomplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{ta("users.displayName")}</span>
          <input name="display_name" required maxLength={80} autocomplete="off" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{ta("users.emailOptional")}</span>
          <input name="email" type="email" autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <RoleSelect value={role} onChange={setRole} />
        <DepartmentChecks departments={departments} checked={deptIds} onToggle={(d, on) => setDeptIds((ids) => (on ? [...ids, d.id] : ids.filter((id) => id !== d.id)))} />
        <label class="field">
          <span>{ta("users.passwordOptional")}</span>
          <input name="password" type="password" minLength={8} autocomplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} aria-describedby={hintId} />
        </label>
        <p class="muted small" id={hintId}>
          {ta("users.passwordHint")}
        </p>
        <ErrorLine error={error} id={errorId} />
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            {ta("common.cancel")}
          </button>
          <button type="submit" class="button primary" disabled={busy} data-testid="user-create-submit">
            {ta("users.createSubmit")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

type Confirming = "deactivate" | "signOut" | "reset" | null;

function UserDialog({ user, departments, onClose, onChanged }: { user: User; departments: Department[]; onClose: () => void; onChanged: (user: User) => void }) {
  const { admin, me } = useAdmin();
  const isMe = me?.id === user.id;
  const [displayName, setDisplayName] = useState(user.display_name);
  const [email, setEmail] = useState((user as WithEmail).email ?? "");
  const [role, setRole] = useState<Role>(user.role);
  const [chosenPassword, setChosenPassword] = useState("");
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [secret, setSecret] = useState("");
  const [notice, setNotice] = useState("");
  const profile = useAction();
  const depts = useAction();
  const access = useAction();

  const save = (event: Event) => {
    event.preventDefault();
    const patch: { display_name?: string; role?: Role; email?: string } = {};
    if (displayName.trim() !== user.display_name) patch.display_name = displayName.trim();
    if (email.trim() !== ((user as WithEmail).email ?? "")) patch.email = email.trim();
    if (role !== user.role) patch.role = role;
    if (Object.keys(patch).length === 0) return;
    setNotice("");
    void profile.run(async () => {
      onChanged(await admin.updateUser(user.id, patch));
      setNotice(ta("common.saved"));
    });
  };

  const toggleDepartment = (d: Department, on: boolean) =>
    void depts.run(async () => {
      await admin.setDepartmentMember(d.id, user.id, on);
      const ids = on ? [...new Set([...user.department_ids, d.id])].sort() : user.department_ids.filter((id) => id !== d.id);
      onChanged({ ...user, department_ids: ids });
    });

  const reactivate = () =>
    void access.run(async () => {
      onChanged(await admin.reactivate(user.id));
      setNotice(ta("users.reactivated"));
    });

  return (
    <Modal title={ta("users.manageOne", { name: userLabel(user) })} onClose={onClose} wide>
      <p class="muted">
        {`@${user.username}`}
        {" · "}
        {user.active ? ta("users.active") : ta("users.inactive")}
        {user.kind === "bot" ? ` · ${ta("kind.bot")}` : ""}
      </p>
      <form class="stack" onSubmit={save} data-testid="user-edit-form">
        <label class="field">
          <span>{ta("users.displayName")}</span>
          <input name="display_name" required maxLength={80} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </label>
        {user.kind !== "bot" && (
          <label class="field">
            <span>{ta("users.emailOptional")}</span>
            <input name="email" type="email" autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
        )}
        <RoleSelect value={role} onChange={setRole} disabled={isMe || user.kind === "bot"} />
        {isMe && <p class="muted small">{ta("users.cannotDemoteSelf")}</p>}
        <ErrorLine error={profile.error} />
        <Notice text={notice} />
        <div class="dialog-actions">
          <button type="submit" class="button primary" disabled={profile.busy}>
            {ta("common.save")}
          </button>
        </div>
      </form>

      {user.kind !== "bot" && (
        <div class="admin-subsection">
          <DepartmentChecks departments={departments} checked={user.department_ids} onToggle={toggleDepartment} disabled={depts.busy} />
          <ErrorLine error={depts.error} />
        </div>
      )}

      <div class="admin-subsection">
        <h3 class="settings-heading">{ta("users.access")}</h3>
        {user.kind !== "bot" && (
          <div class="inline-form">
            <label class="field grow">
              <span>{ta("users.chosenPassword")}</span>
              <input type="password" minLength={8} autocomplete="new-password" value={chosenPassword} onInput={(e) => setChosenPassword(e.currentTarget.value)} />
            </label>
            <button type="button" class="button" onClick={() => setConfirming("reset")} data-testid="user-reset-password">
              {ta("users.resetPassword")}
            </button>
          </div>
        )}
        <div class="settings-actions">
          <button type="button" class="button" onClick={() => setConfirming("signOut")} data-testid="user-sign-out">
            {ta("users.signOut")}
          </button>
          {!isMe &&
            (user.active ? (
              <button type="button" class="button danger" onClick={() => setConfirming("deactivate")} data-testid="user-deactivate">
                {ta("users.deactivate")}
              </button>
            ) : (
              <button type="button" class="button" onClick={reactivate} disabled={access.busy} data-testid="user-reactivate">
                {ta("users.reactivate")}
              </button>
            ))}
        </div>
        <ErrorLine error={access.error} />
      </div>

      {confirming === "deactivate" && (
        <ConfirmDialog
          title={ta("users.deactivate")}
          message={ta("users.deactivateConfirm", { name: userLabel(user) })}
          confirmLabel={ta("users.deactivate")}
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            await admin.deactivate(user.id);
            onChanged({ ...user, active: false });
            setNotice(ta("users.deactivated"));
          }}
        />
      )}
      {confirming === "signOut" && (
        <ConfirmDialog
          title={ta("users.signOut")}
          message={ta("users.signOutConfirm", { name: userLabel(user) })}
          confirmLabel={ta("users.signOut")}
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            await admin.signOut(user.id);
            setNotice(ta("users.signedOut"));
          }}
        />
      )}
      {confirming === "reset" && (
        <ConfirmDialog
          title={ta("users.resetPassword")}
          message={ta(chosenPassword ? "users.resetConfirmChosen" : "users.resetConfirm", { name: userLabel(user) })}
          confirmLabel={ta("users.resetPassword")}
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            const answer = await admin.resetPassword(user.id, chosenPassword || undefined);
            if (chosenPassword) {
              setChosenPassword("");
              setNotice(ta("users.passwordChanged"));
            } else {
              setSecret(answer.password);
            }
          }}
        />
      )}
      {secret && (
        <SecretDialog
          title={ta("users.resetPassword")}
          intro={ta("users.resetIntro", { username: user.username })}
          label={ta("users.oneTimePassword")}
          secret={secret}
          onClose={() => setSecret("")}
        />
      )}
    </Modal>
  );
}
