// Canals: every public, private and department channel (never direct ones, never messages), with
// archiving and its members. A department's own channel follows the department's membership,
// so its members are changed under Departaments.
import { useState } from "preact/hooks";
import type { Channel } from "../../protocol";
import { AdminTable, ConfirmDialog, ErrorLine, Loading, Modal, SectionHeading, SelectField, useAction, useAdmin, useLoad, userLabel } from "./common";
import { ta } from "./i18n";
import { MembersEditor } from "./Members";

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
        <SelectField
          label={ta("channels.kind")}
          value={kind}
          onChange={setKind}
          options={[
            ["all", ta("common.all")],
            ["public", ta("channels.public")],
            ["private", ta("channels.private")],
            ["department", ta("channels.department")],
            ["archived", ta("channels.archived")],
          ]}
        />
      </div>
      <ErrorLine error={channels.error || departments.error || unarchive.error} />
      <Loading loading={channels.loading && !channels.data} />
      {channels.data && (
        <AdminTable
          testId="channels-table"
          columns={[ta("channels.name"), ta("channels.kind"), ta("common.members"), ta("users.status")]}
          actions
          after={list.length === 0 && <p class="muted">{ta("common.noneFound")}</p>}
        >
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
        </AdminTable>
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
  return (
    <Modal title={ta("channels.membersOne", { name: channel.name })} onClose={onClose}>
      <MembersEditor
        members={members}
        setMember={(userId, on) => admin.setChannelMember(channel.id, userId, on)}
        removeMessage={(user) => ta("channels.removeConfirm", { name: userLabel(user), channel: channel.name })}
        readOnly={isDepartment ? <p class="muted">{ta("channels.departmentNote")}</p> : undefined}
      />
    </Modal>
  );
}
