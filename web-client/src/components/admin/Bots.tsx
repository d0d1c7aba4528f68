// Bots: the bot accounts, creating one (its first token is shown once), and each bot's tokens:
// the list (never a secret), a new one (shown once) and revoking one (it stops working at once).
import { useState } from "preact/hooks";
import type { BotToken, User } from "../../protocol";
import { formatDateTime } from "../../i18n";
import { ConfirmDialog, ErrorLine, Loading, Modal, SecretDialog, SectionHeading, useAction, useAdmin, useLoad, userLabel } from "./common";
import { ta } from "./i18n";

interface Shown {
  title: string;
  intro: string;
  token: string;
}

export function Bots() {
  const { admin } = useAdmin();
  const bots = useLoad(() => admin.bots());
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [shown, setShown] = useState<Shown | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const create = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    void create.run(async () => {
      const created = await admin.createBot(username.trim(), displayName.trim());
      bots.setData((all) => [...(all ?? []), created.bot]);
      setUsername("");
      setDisplayName("");
      setShown({ title: ta("bots.createdTitle", { name: userLabel(created.bot) }), intro: ta("bots.tokenIntro"), token: created.token });
    });
  };

  const opened = bots.data?.find((b) => b.id === open) ?? null;
  const list = [...(bots.data ?? [])].sort((a, b) => a.username.localeCompare(b.username));

  return (
    <section>
      <SectionHeading title={ta("nav.bots")} />
      <form class="inline-form" onSubmit={submit} aria-label={ta("bots.create")} data-testid="bot-create-form">
        <label class="field">
          <span>{ta("users.username")}</span>
          <input required maxLength={80} autocapitalize="none" spellcheck={false} value={username} onInput={(e) => setUsername(e.currentTarget.value)} name="username" />
        </label>
        <label class="field grow">
          <span>{ta("users.displayName")}</span>
          <input required maxLength={80} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} name="display_name" />
        </label>
        <button type="submit" class="button primary" disabled={create.busy} data-testid="bot-create-submit">
          {ta("bots.create")}
        </button>
      </form>
      <ErrorLine error={create.error} />
      <ErrorLine error={bots.error} />
      <Loading loading={bots.loading && !bots.data} />
      {bots.data && (
        <ul class="admin-list" data-testid="bots">
          {list.map((bot) => (
            <li class="admin-list-item" key={bot.id} data-username={bot.username}>
              <span class="grow">
                <span class="cell-main">{bot.display_name}</span>
                <span class="muted small">{` @${bot.username}`}</span>
                {!bot.active && <span class="pill off">{ta("users.inactive")}</span>}
              </span>
              <button type="button" class="button small" onClick={() => setOpen(bot.id)} aria-label={ta("bots.tokensOne", { name: userLabel(bot) })} data-testid="bot-tokens">
                {ta("bots.tokens")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {bots.data?.length === 0 && <p class="muted">{ta("bots.none")}</p>}
      {opened && <BotTokens bot={opened} onClose={() => setOpen(null)} onShow={setShown} />}
      {shown && <SecretDialog title={shown.title} intro={shown.intro} label={ta("bots.token")} secret={shown.token} onClose={() => setShown(null)} />}
    </section>
  );
}

function BotTokens({ bot, onClose, onShow }: { bot: User; onClose: () => void; onShow: (shown: Shown) => void }) {
  const { admin } = useAdmin();
  const tokens = useLoad(() => admin.botTokens(bot.id), [bot.id]);
  const [label, setLabel] = useState("");
  const [revoking, setRevoking] = useState<BotToken | null>(null);
  const add = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    void add.run(async () => {
      const created = await admin.addBotToken(bot.id, label.trim());
      setLabel("");
      await tokens.reload();
      onShow({ title: ta("bots.newTokenTitle", { name: userLabel(bot) }), intro: ta("bots.tokenIntro"), token: created.token });
    });
  };

  return (
    <Modal title={ta("bots.tokensOne", { name: userLabel(bot) })} onClose={onClose} wide>
      <form class="inline-form" onSubmit={submit} data-testid="bot-token-form">
        <label class="field grow">
          <span>{ta("bots.label")}</span>
          <input maxLength={80} value={label} onInput={(e) => setLabel(e.currentTarget.value)} name="label" />
        </label>
        <button type="submit" class="button primary" disabled={add.busy} data-testid="bot-token-add">
          {ta("bots.addToken")}
        </button>
      </form>
      <ErrorLine error={add.error || tokens.error} />
      <Loading loading={tokens.loading && !tokens.data} />
      {tokens.data && tokens.data.length === 0 && <p class="muted">{ta("bots.noTokens")}</p>}
      {tokens.data && tokens.data.length > 0 && (
        <ul class="admin-list" data-testid="bot-token-list">
          {tokens.data.map((token) => (
            <li class="admin-list-item" key={token.id}>
              <span class="grow">
                <span class="cell-main">{token.label || ta("bots.noLabel")}</span>
                <span class="muted small cell-sub">
                  {ta("bots.createdAt", { at: formatDateTime(token.created_at) })}
                  {token.revoked_at ? ` · ${ta("bots.revokedAt", { at: formatDateTime(token.revoked_at) })}` : ""}
                </span>
              </span>
              {token.revoked_at ? (
                <span class="pill off">{ta("bots.revoked")}</span>
              ) : (
                <button type="button" class="button small danger" onClick={() => setRevoking(token)} aria-label={ta("bots.revokeOne", { label: token.label || ta("bots.noLabel") })}>
                  {ta("bots.revoke")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title={ta("bots.revoke")}
          message={ta("bots.revokeConfirm", { label: revoking.label || ta("bots.noLabel"), name: userLabel(bot) })}
          confirmLabel={ta("bots.revoke")}
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await admin.revokeBotToken(bot.id, revoking.id);
            await tokens.reload();
          }}
        />
      )}
    </Modal>
  );
}
