// The members of a department or a channel, as their dialogs show them: added by username,
// removed with a confirmation, or only listed where they are managed elsewhere.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { User } from "../../protocol";
import { ConfirmDialog, ErrorLine, Loading, useAction, userLabel, type Loaded } from "./common";
import { ta } from "./i18n";
import { UserPicker } from "./UserPicker";

/**
 * `members` with a picker to add one and a remove button each; `setMember(userId, on)` is the
 * API call, and the list is loaded again after it. `removeMessage` asks before removing. With
 * `readOnly` (its words say where they are changed), the list only.
 */
export function MembersEditor({
  members,
  setMember,
  removeMessage,
  readOnly,
}: {
  members: Loaded<User[]>;
  setMember: (userId: string, on: boolean) => Promise<void>;
  removeMessage: (user: User) => string;
  readOnly?: ComponentChildren;
}) {
  const [removing, setRemoving] = useState<User | null>(null);
  const add = useAction();
  const memberIds = new Set((members.data ?? []).map((u) => u.id));
  return (
    <>
      {readOnly ?? (
        <UserPicker
          exclude={memberIds}
          busy={add.busy}
          onPick={(user) =>
            void add.run(async () => {
              await setMember(user.id, true);
              await members.reload();
            })
          }
        />
      )}
      <ErrorLine error={add.error || members.error} />
      <Loading loading={members.loading && !members.data} />
      <MemberList users={members.data ?? []} onRemove={readOnly ? undefined : setRemoving} />
      {removing && (
        <ConfirmDialog
          title={ta("common.removeMember")}
          message={removeMessage(removing)}
          confirmLabel={ta("common.remove")}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await setMember(removing.id, false);
            await members.reload();
          }}
        />
      )}
    </>
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
