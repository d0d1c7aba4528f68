// Avatars (initials on a colour picked from the user id) and presence dots.
import type { PresenceStatus } from "../protocol";
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
