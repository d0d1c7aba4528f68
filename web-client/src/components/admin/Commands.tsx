// Ordres: the server-wide slash commands that call an external service, with registering one
// (name, http:// URL, description) and removing one. The URL's host must be on the
// outbound allowlist of xerrada.toml for calls to go out.
import { useState } from "preact/hooks";
import type { SlashCommand } from "../../protocol";
import { ConfirmDialog, CopyButton, ErrorLine, Loading, SectionHeading, useAction, useAdmin, useLoad } from "./common";
import { ta } from "./i18n";

export function Commands() {
  const { admin } = useAdmin();
  const commands = useLoad(() => admin.commands());
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [removing, setRemoving] = useState<SlashCommand | null>(null);
  const create = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    void create.run(async () => {
      const command = await admin.registerCommand(name.trim(), url.trim(), description.trim());
      commands.setData((all) => [...(all ?? []), command]);
      setName("");
      setUrl("");
      setDescription("");
    });
  };

  const list = [...(commands.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section>
      <SectionHeading title={ta("nav.commands")} />
      <form class="stack narrow" onSubmit={submit} aria-label={ta("commands.register")}>
        <div class="inline-form">
          <label class="field">
            <span>{ta("commands.name")}</span>
            <input required maxLength={33} autocapitalize="none" spellcheck={false} placeholder={ta("commands.namePlaceholder")} value={name} onInput={(e) => setName(e.currentTarget.value)} name="name" />
          </label>
          <label class="field grow">
            <span>{ta("commands.url")}</span>
            <input required type="url" placeholder={ta("commands.urlPlaceholder")} value={url} onInput={(e) => setUrl(e.currentTarget.value)} name="url" />
          </label>
        </div>
        <label class="field">
          <span>{ta("commands.description")}</span>
          <input maxLength={200} value={description} onInput={(e) => setDescription(e.currentTarget.value)} name="description" />
        </label>
        <p class="muted small">{ta("commands.hint")}</p>
        <ErrorLine error={create.error} />
        <div class="dialog-actions start">
          <button type="submit" class="button primary" disabled={create.busy}>
            {ta("commands.register")}
          </button>
        </div>
      </form>
      <ErrorLine error={commands.error} />
      <Loading loading={commands.loading && !commands.data} />
      {commands.data?.length === 0 && <p class="muted">{ta("commands.none")}</p>}
      {list.length > 0 && (
        <ul class="admin-list" data-testid="commands">
          {list.map((c) => (
            <li class="admin-list-item" key={c.id} data-command={c.name}>
              <span class="grow">
                <span class="cell-main">{`/${c.name}`}</span>
                {c.description && <span class="muted small">{` ${c.description}`}</span>}
                <span class="muted small cell-sub">{c.url}</span>
                <span class="muted small cell-sub">
                  {ta("commands.token")}
                  {" "}
                  <code class="secret-inline">{c.token}</code>
                </span>
              </span>
              <span class="row-actions">
                <CopyButton text={c.token} label={ta("commands.copyToken")} />
                <button type="button" class="button small danger" onClick={() => setRemoving(c)} aria-label={ta("commands.removeOne", { name: c.name })}>
                  {ta("common.remove")}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {removing && (
        <ConfirmDialog
          title={ta("commands.remove")}
          message={ta("commands.removeConfirm", { name: removing.name })}
          confirmLabel={ta("common.remove")}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await admin.removeCommand(removing.id);
            commands.setData((all) => (all ?? []).filter((c) => c.id !== removing.id));
          }}
        />
      )}
    </section>
  );
}
