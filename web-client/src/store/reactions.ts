// Reactions on a message: pure functions over the wire's `reactions` list
// (`[{emoji, count, user_ids}]`, each emoji in the order it was first used, its users first to
// react first). Applying one person's reaction is idempotent: a replayed `reaction_added` never
// counts twice, and a `reaction_removed` of someone not there changes nothing.
import type { Reaction } from "../protocol";

/** The same emoji with or without its variation selector (`❤` and `❤️`), as the server treats them. */
export function sameEmoji(a: string, b: string): boolean {
  return a === b || a.replace(/\uFE0F/g, "") === b.replace(/\uFE0F/g, "");
}

/** The chip of an emoji in a reaction list, however its variation selector is written. */
export function findReaction(reactions: readonly Reaction[] | undefined, emoji: string): Reaction | undefined {
  return reactions?.find((r) => sameEmoji(r.emoji, emoji));
}

/** Whether `userId` reacted to a message with `emoji`. */
export function hasReacted(reactions: readonly Reaction[] | undefined, emoji: string, userId: string): boolean {
  return findReaction(reactions, emoji)?.user_ids.includes(userId) ?? false;
}

/**
 * The list with `userId`'s reaction `emoji` present (`on`) or absent. Returns the same list when
 * nothing changes, so callers can tell; never a list with an empty chip, and `undefined` for
 * no reactions at all (as the wire leaves the field out).
 */
export function withReaction(
  reactions: readonly Reaction[] | undefined,
  emoji: string,
  userId: string,
  on: boolean,
): readonly Reaction[] | undefined {
  const list = reactions ?? [];
  const index = list.findIndex((r) => sameEmoji(r.emoji, emoji));
  const chip = list[index];
  if (on) {
    if (chip?.user_ids.includes(userId)) return reactions;
    if (!chip) return [...list, { emoji, count: 1, user_ids: [userId] }];
    const user_ids = [...chip.user_ids, userId];
    return list.map((r, i) => (i === index ? { ...r, user_ids, count: user_ids.length } : r));
  }
  if (!chip?.user_ids.includes(userId)) return reactions;
  const user_ids = chip.user_ids.filter((id) => id !== userId);
  const next = user_ids.length === 0 ? list.filter((_, i) => i !== index) : list.map((r, i) => (i === index ? { ...r, user_ids, count: user_ids.length } : r));
  return next.length > 0 ? next : undefined;
}
