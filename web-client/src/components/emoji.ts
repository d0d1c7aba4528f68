// The emoji offered for reactions: Unicode characters only (no images, no emoji font fetched),
// a small curated set so the bundle stays light. Chosen from what people react with at work;
// all from Unicode 13 or older, so current phones and desktops draw them.
import type { MessageKey } from "../i18n";

/** One click away in every message's menu, as in Slack and Mattermost. */
export const QUICK_REACTIONS: readonly string[] = ["👍", "❤️", "😂", "🎉", "😮", "🙏", "✅", "👀"];

export interface EmojiGroup {
  id: string;
  title: MessageKey;
  emoji: readonly string[];
}

/** The picker's groups, a few dozen emoji in all. */
export const EMOJI_GROUPS: readonly EmojiGroup[] = [
  {
    id: "smileys",
    title: "emoji.smileys",
    emoji: ["😀", "😄", "😂", "🤣", "😊", "😍", "🥰", "😎", "🤔", "😮", "😢", "😭", "😡", "🥳", "😴", "🙄"],
  },
  {
    id: "gestures",
    title: "emoji.gestures",
    emoji: ["👍", "👎", "👏", "🙌", "🙏", "💪", "👋", "👌", "✌️", "🤝", "👀", "🤷"],
  },
  {
    id: "symbols",
    title: "emoji.symbols",
    emoji: ["❤️", "🧡", "💛", "💚", "💙", "💜", "💯", "✅", "❌", "⚠️", "❓", "❗"],
  },
  {
    id: "objects",
    title: "emoji.objects",
    emoji: ["🎉", "🎊", "🔥", "⭐", "✨", "🚀", "💡", "☕", "🍕", "🎂", "📌", "⏰"],
  },
];
