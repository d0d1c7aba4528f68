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
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts.slice(0, 1);
  return letters.map((p) => [...p][0]!.toUpperCase()).join("") || "?";
}

export function PresenceDot({ status }: { status: PresenceStatus }) {
  const label = t(`presence.${status}`);
  return <span class={`presence presence-${status}`} role="img" aria-label={label} title={label} />;
}

export function Avatar({ userId, name, status, size = "md" }: { userId: string; name: string; status?: PresenceStatus; size?: "md" | "lg" }) {
  return (
    <span class={`avatar avatar-${size} avatar-c${colourIndex(userId)}`} aria-hidden={status ? undefined : "true"}>
      <span aria-hidden="true">{initials(name)}</span>
      {status && <PresenceDot status={status} />}
    </span>
  );
}
