// The reactions under a message: one chip per emoji with its count. A click toggles the user's
// own reaction; the chips the user reacted with are highlighted (and pressed, for screen
// readers). Who reacted shows on hover (the title) and, on touch screens, on a long press.
import { useEffect, useState } from "preact/hooks";
import type { Reaction } from "../protocol";
import { t } from "../i18n";
import { AddReactionIcon } from "./icons";
import { useLongPress } from "./longPress";

/** How long the names shown by a long press stay. */
const WHO_SHOWN_MS = 4_000;

interface ReactionChipsProps {
  reactions: readonly Reaction[];
  meId: string | undefined;
  /** For each reaction, in order: who reacted, in words ("Anna i Joan han reaccionat amb 👍"). */
  who: readonly string[];
  onToggle: (emoji: string) => void;
  /** Opens the emoji picker next to `anchor`. */
  onAdd: (anchor: HTMLElement) => void;
}

export function ReactionChips({ reactions, meId, who, onToggle, onAdd }: ReactionChipsProps) {
  /** The chip whose names a long press is showing. */
  const [shown, setShown] = useState<number | null>(null);
  useEffect(() => {
    if (shown === null) return;
    const timer = setTimeout(() => setShown(null), WHO_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [shown]);
  return (
    <div class="reactions" role="group" aria-label={t("reactions.label")}>
      {reactions.map((reaction, i) => (
        <ReactionChip
          key={reaction.emoji}
          reaction={reaction}
          mine={meId !== undefined && reaction.user_ids.includes(meId)}
          who={who[i] ?? ""}
          onToggle={onToggle}
          onShowWho={() => setShown(i)}
        />
      ))}
      <button
        type="button"
        class="reaction-add"
        aria-label={t("reactions.add")}
        title={t("reactions.add")}
        onClick={(e) => onAdd(e.currentTarget)}
      >
        <AddReactionIcon />
      </button>
      {shown !== null && who[shown] && (
        <p class="reaction-who" role="status">
          {who[shown]}
        </p>
      )}
    </div>
  );
}

function ReactionChip({
  reaction,
  mine,
  who,
  onToggle,
  onShowWho,
}: {
  reaction: Reaction;
  mine: boolean;
  who: string;
  onToggle: (emoji: string) => void;
  onShowWho: () => void;
}) {
  const longPress = useLongPress(onShowWho);
  return (
    <button
      type="button"
      class={mine ? "reaction-chip mine" : "reaction-chip"}
      aria-pressed={mine}
      aria-label={t("reactions.chip", { emoji: reaction.emoji, count: reaction.count })}
      title={who}
      data-emoji={reaction.emoji}
      {...longPress}
      onPointerDown={(e) => {
        // The chip's long press shows names; it must not also open the message's menu.
        e.stopPropagation();
        longPress.onPointerDown(e);
      }}
      onClick={() => onToggle(reaction.emoji)}
    >
      <span class="reaction-emoji" aria-hidden="true">
        {reaction.emoji}
      </span>
      <span class="reaction-count" aria-hidden="true">
        {reaction.count}
      </span>
    </button>
  );
}
