// Avatars (initials on a colour picked from the user id), presence dots, and the marks that
// tell accounts apart: the bot and admin badges, and an author's @username.
import type { PresenceStatus, User } from "../protocol";
import { t } from "../i18n";

const AVATAR_COLOURS = 8;

/** A stable small number from a string: the same person always gets the same colour. */
export function colourIndex(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % AVATAR_COLOURS;
}

export function initials(name: string): string {
  // Words that start with a letter or digit only: "Xavier Pujol (Alcaldia)" is XP, not X(.
  const words = name.trim().split(/\s+/).filter(Boolean);
  const named = words.filter((w) => /^[\p{L}\p{N}]/u.test(w));
  const parts = named.length > 0 ? named : words;
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts.slice(0, 1);
  return letters.map((p) => [...p][0]!.toUpperCase()).join("") || "?";
}

export function PresenceDot({ status }: { status: PresenceStatus }) {
  const label = t(`presence.${status}`);
  return <span class={`presence presence-${status}`} role="img" aria-label={label} title={label} />;
}

/**
 * A person's initials on their colour. `emoji` (a webhook's `icon_emoji`, already mapped to a
 * character) replaces the initials; a picture URL is never loaded, so there is no `src` here.
 */
export function Avatar({ userId, name, status, size = "md", emoji }: { userId: string; name: string; status?: PresenceStatus; size?: "md" | "lg"; emoji?: string | null }) {
  const classes = emoji ? `avatar avatar-${size} avatar-emoji` : `avatar avatar-${size} avatar-c${colourIndex(userId)}`;
  return (
    <span class={classes} aria-hidden={status ? undefined : "true"}>
      <span aria-hidden="true">{emoji ?? initials(name)}</span>
      {status && <PresenceDot status={status} />}
    </span>
  );
}

/** The "BOT" mark next to a bot account's name, wherever people are listed. */
export function BotBadge() {
  return (
    <span class="bot-badge" title={t("people.botTitle")}>
      {t("people.bot")}
    </span>
  );
}

/** The "ADMIN" mark next to an administrator's name, so nobody else can pass for one by name. */
export function AdminBadge() {
  return (
    <span class="bot-badge admin-badge" title={t("people.adminTitle")}>
      {t("people.admin")}
    </span>
  );
}

/** What kind of account a name belongs to: a bot, an administrator (nothing for others). */
export function AccountBadges({ user }: { user: Pick<User, "kind" | "role"> | undefined }) {
  if (!user) return null;
  return (
    <>
      {user.kind === "bot" && <BotBadge />}
      {user.role === "admin" && <AdminBadge />}
    </>
  );
}

interface AuthorNameProps {
  /** The name the message shows (the account's, or a webhook's own). */
  name: string;
  /** The account that posted, when known. */
  user: User | undefined;
  /** Someone else shows under the same name: the @username goes beside it, not only on hover. */
  shared: boolean;
  /** Opens the author's profile card (a plain label without it). */
  onOpen?: () => void;
}

/**
 * A message author's name with what tells two people apart when their names are alike (a
 * member who renamed themself "Administrador"): the account's @username on hover, beside the
 * name when the name is shared, and the bot and admin badges.
 */
export function AuthorName({ name, user, shared, onOpen }: AuthorNameProps) {
  const accountName = user ? user.display_name || user.username : name;
  // A button says where it leads; a plain label only which account it is.
  const title = !user ? (onOpen ? t("profile.open", { name }) : undefined) : onOpen ? t("people.authorTitle", { name: accountName, username: user.username }) : `${accountName} (@${user.username})`;
  return (
    <>
      {onOpen ? (
        <button type="button" class="author author-button" title={title} onClick={onOpen}>
          {name}
        </button>
      ) : (
        <span class="author" title={title}>
          {name}
        </span>
      )}
      {shared && user && (
        <span class="author-username" title={t("people.sameName")}>
          @{user.username}
        </span>
      )}
      <AccountBadges user={user} />
    </>
  );
}
