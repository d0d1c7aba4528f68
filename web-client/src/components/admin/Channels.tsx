// Canals: every public, private and department channel (never direct ones, never messages), with
// archiving and its members. A department's own channel follows the department's membership,
// so its members are changed under Departaments.
import { useState } from "preact/hooks";
import type { Channel, User } from "../../protocol";
import { ConfirmDialog, ErrorLine, Loading, Modal, SectionHeading, useAction, useAdmin, useLoad, userLabel } from "./common";
import { MemberList } from "./Departments";
import { ta } from "./i18n";
import { UserPicker } from "./UserPicker";

type KindFilter = "all" | "public" | "private" | "department" | "archived";

export function Channels() {
  const { admin } = useAdmin();
  const channels = useLoad(() => admin.channels());
  const departments = useLoad(() => admin.departments());
  const [q, setQ] = useState("");
  const [kind, setKind] = useState<KindFilter>("all");
  const [open, setOpen] = useState<string | null>(null);
  const [archiving, setArchiving] = useState<Channel | null>(null);
  const unarchive = useAction();

  const departmentChannels = new Map((departments.data ?? []).map((d) => [d.channel_id, d]));
  const kindOf = (c: Channel) => (departmentChannels.has(c.id) ? "department" : c.kind);
  const needle = q.trim().toLowerCase();
  const list = (channels.data ?? [])
    .filter((c) => c.kind !== "direct")
    .filter((c) => !needle || c.name.toLowerCase().includes(needle) || c.topic.toLowerCase().includes(needle))
    .filter((c) => kind === "all" || (kind === "archived" ? c.archived : kindOf(c) === kind))
    .sort((a, b) => a.name.localeCompare(b.name));
  const replace = (c: Channel) => channels.setData((all) => (all ?? []).map((x) => (x.id === c.id ? { ...x, ...c } : x)));
  const opened = channels.data?.find((c) => c.id === open) ?? null;

  return (
    <section>
      <SectionHeading title={ta("nav.channels")}>
        <button type="button" class="button" onClick={() => void channels.reload()} disabled={channels.loading}>
          {ta("common.refresh")}
        </button>
      </SectionHeading>
      <div class="filter-bar" role="search">
        <label class="field grow">
          <span>{ta("channels.search")}</span>
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{ta("channels.kind")}</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as KindFilter)}>
            <option value="all">{ta("common.all")}</option>
            <option value="public">{ta("channels.public")}</option>
            <option value="private">{ta("channels.private")}</option>
            <option value="department">{ta("channels.department")}</option>
            <option value="archived">{ta("channels.archived")}</option>
          </select>
        </label>
      </div>
      <ErrorLine error={channels.error || departments.error || unarchive.error} />
      <Loading loading={channels.loading && !channels.data} />
      {channels.data && (
        <div class="table-wrap">
          <table class="admin-table" data-testid="channels-table">
            <thead>
              <tr>
                <th scope="col">{ta("channels.name")}</th>
                <th scope="col">{ta("channels.kind")}</th>
                <th scope="col">{ta("common.members")}</th>
                <th scope="col">{ta("users.status")}</th>
                <th scope="col">
                  <span class="visually-hidden">{ta("common.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => {
                const k = kindOf(c);
                return (
                  <tr key={c.id} data-channel={c.name} class={c.archived ? "inactive-row" : ""}>
                    <td data-label={ta("channels.name")}>
                      <span class="cell-main">{c.name}</span>
                      {c.topic && <span class="muted small cell-sub">{c.topic}</span>}
                    </td>
                    <td data-label={ta("channels.kind")}>{ta(k === "department" ? "channels.department" : k === "private" ? "channels.private" : "channels.public")}</td>
                    <td data-label={ta("common.members")}>{c.member_count}</td>
                    <td data-label={ta("users.status")}>
                      <span class={c.archived ? "pill off" : "pill ok"}>{c.archived ? ta("channels.archived") : ta("channels.open")}</span>
                    </td>
                    <td class="cell-actions">
                      <button type="button" class="button small" onClick={() => setOpen(c.id)} aria-label={ta("channels.membersOne", { name: c.name })}>
                        {ta("common.members")}
                      </button>
                      {k !== "department" &&
                        (c.archived ? (
                          <button
                            type="button"
                            class="button small"
                            disabled={unarchive.busy}
                            onClick={() => void unarchive.run(async () => replace(await admin.setArchived(c.id, false)))}
                            aria-label={ta("channels.unarchiveOne", { name: c.name })}
                          >
                            {ta("channels.unarchive")}
                          </button>
                        ) : (
                          <button type="button" class="button small danger" onClick={() => setArchiving(c)} aria-label={ta("channels.archiveOne", { name: c.name })}>
                            {ta("channels.archive")}
                          </button>
                        ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.length === 0 && <p class="muted">{ta("common.noneFound")}</p>}
        </div>
      )}
      {archiving && (
        <ConfirmDialog
          title={ta("channels.archive")}
          message={ta("channels.archiveConfirm", { name: archiving.name })}
          confirmLabel={ta("channels.archive")}
          onClose={() => setArchiving(null)}
          onConfirm={async () => replace(await admin.setArchived(archiving.id, true))}
        />
      )}
      {opened && (
        <ChannelMembers
          channel={opened}
          isDepartment={departmentChannels.has(opened.id)}
          onClose={() => setOpen(null)}
          onCount={(count) => replace({ ...opened, member_count: count })}
        />
      )}
    </section>
  );
}

function ChannelMembers({ channel, isDepartment, onClose, onCount }: { channel: Channel; isDepartment: boolean; onClose: () => void; onCount: (n: number) => void }) {
  const { admin } = useAdmin();
  const members = useLoad(async () => {
    const users = await admin.channelMembers(channel.id);
    onCount(users.length);
    return users;
  }, [channel.id]);
  const [removing, setRemoving] = useState<User | null>(null);
  const add = useAction();
  const memberIds = new Set((members.data ?? []).map((u) => u.id));
  return (
    <Modal title={ta("channels.membersOne", { name: channel.name })} onClose={onClose}>
      {isDepartment ? (
        <p class="muted">{ta("channels.departmentNote")}</p>
      ) : (
        <UserPicker
          exclude={memberIds}
          busy={add.busy}
          onPick={(user) =>
            void add.run(async () => {
              await admin.setChannelMember(channel.id, user.id, true);
              await members.reload();
            })
          }
        />
      )}
      <ErrorLine error={add.error || members.error} />
      <Loading loading={members.loading && !members.data} />
      <MemberList users={members.data ?? []} onRemove={isDepartment ? undefined : setRemoving} />
      {removing && (
        <ConfirmDialog
          title={ta("common.removeMember")}
          message={ta("channels.removeConfirm", { name: userLabel(removing), channel: channel.name })}
          confirmLabel={ta("common.remove")}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await admin.setChannelMember(channel.id, removing.id, false);
            await members.reload();
          }}
        />
      )}
    </Modal>
  );
}
