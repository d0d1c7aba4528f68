// Webhooks: the incoming webhooks of every channel, with renaming, regenerating (the new URL is
// shown once, absolute, ready to paste into Grafana or a script; the old one stops at once) and
// deleting.
import { useState } from "preact/hooks";
import type { Webhook } from "../../protocol";
import { formatDateTime } from "../../i18n";
import { ConfirmDialog, ErrorLine, InlineRename, Loading, SecretDialog, SectionHeading, useAdmin, useLoad, userLabel } from "./common";
import { absoluteUrl } from "./helpers";
import { ta } from "./i18n";

export function Webhooks() {
  const { admin } = useAdmin();
  const hooks = useLoad(() => admin.webhooks());
  const channels = useLoad(() => admin.channels().catch(() => []));
  const users = useLoad(() => admin.users().catch(() => []));
  const [regenerating, setRegenerating] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [url, setUrl] = useState<{ hook: Webhook; url: string } | null>(null);

  const channelName = new Map((channels.data ?? []).map((c) => [c.id, c.name]));
  const userById = new Map((users.data ?? []).map((u) => [u.id, u]));
  const list = [...(hooks.data ?? [])].sort((a, b) => (channelName.get(a.channel_id) ?? "").localeCompare(channelName.get(b.channel_id) ?? "") || a.name.localeCompare(b.name));
  const replace = (hook: Webhook) => hooks.setData((all) => (all ?? []).map((h) => (h.id === hook.id ? { ...h, ...hook } : h)));

  return (
    <section>
      <SectionHeading title={ta("nav.webhooks")} />
      <ErrorLine error={hooks.error} />
      <Loading loading={hooks.loading && !hooks.data} />
      {hooks.data?.length === 0 && <p class="muted">{ta("webhooks.none")}</p>}
      {hooks.data && hooks.data.length > 0 && (
        <ul class="admin-list" data-testid="webhooks">
          {list.map((hook) => (
            <WebhookRow
              key={hook.id}
              hook={hook}
              channel={channelName.get(hook.channel_id) ?? hook.channel_id}
              owner={userLabel(userById.get(hook.created_by), hook.created_by)}
              onRenamed={replace}
              onRegenerate={() => setRegenerating(hook)}
              onDelete={() => setDeleting(hook)}
            />
          ))}
        </ul>
      )}
      {regenerating && (
        <ConfirmDialog
          title={ta("webhooks.regenerate")}
          message={ta("webhooks.regenerateConfirm", { name: regenerating.name })}
          confirmLabel={ta("webhooks.regenerate")}
          onClose={() => setRegenerating(null)}
          onConfirm={async () => {
            const answer = await admin.regenerateWebhook(regenerating.id);
            setUrl({ hook: regenerating, url: absoluteUrl(location.origin, answer.url) });
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={ta("webhooks.delete")}
          message={ta("webhooks.deleteConfirm", { name: deleting.name })}
          confirmLabel={ta("webhooks.delete")}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await admin.deleteWebhook(deleting.id);
            hooks.setData((all) => (all ?? []).filter((h) => h.id !== deleting.id));
          }}
        />
      )}
      {url && (
        <SecretDialog
          title={ta("webhooks.newUrlTitle", { name: url.hook.name })}
          intro={ta("webhooks.newUrlIntro")}
          label={ta("webhooks.url")}
          secret={url.url}
          onClose={() => setUrl(null)}
        />
      )}
    </section>
  );
}

function WebhookRow({
  hook,
  channel,
  owner,
  onRenamed,
  onRegenerate,
  onDelete,
}: {
  hook: Webhook;
  channel: string;
  owner: string;
  onRenamed: (hook: Webhook) => void;
  onRegenerate: () => void;
  onDelete: () => void;
}) {
  const { admin } = useAdmin();
  return (
    <li class="admin-list-item" data-hook={hook.name}>
      <InlineRename name={hook.name} label={ta("webhooks.newName")} rename={async (name) => onRenamed(await admin.renameWebhook(hook.id, name))}>
        {(startRenaming) => (
          <>
            <span class="grow">
              <span class="cell-main">{hook.name}</span>
              {hook.disabled && <span class="pill off">{ta("webhooks.disabled")}</span>}
              <span class="muted small cell-sub">{ta("webhooks.where", { channel, owner, at: formatDateTime(hook.created_at) })}</span>
            </span>
            <span class="row-actions">
              <button type="button" class="button small" onClick={startRenaming} aria-label={ta("webhooks.renameOne", { name: hook.name })}>
                {ta("common.rename")}
              </button>
              <button type="button" class="button small" onClick={onRegenerate} aria-label={ta("webhooks.regenerateOne", { name: hook.name })}>
                {ta("webhooks.regenerate")}
              </button>
              <button type="button" class="button small danger" onClick={onDelete} aria-label={ta("webhooks.deleteOne", { name: hook.name })}>
                {ta("webhooks.delete")}
              </button>
            </span>
          </>
        )}
      </InlineRename>
    </li>
  );
}
