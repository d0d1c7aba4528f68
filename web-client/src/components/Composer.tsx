// The message box: Enter sends, Shift+Enter starts a new line; the draft of each channel is
// kept when switching channels and across reloads. Typing "/" at the start offers the
// built-in slash commands, then the channel's own (the admin's external commands and those its
// bots registered), fetched once per channel (arrows choose, Tab or Enter completes, Escape
// closes); a command is sent like any message and the server answers it. The up arrow in an
// empty composer edits the user's last message, as in Slack and Mattermost.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Channel, ChannelCommand, FileInfo, User } from "../protocol";
import { type MentionSuggestion, insertMention, mentionQuery, mentionSuggestions } from "./mentionComplete";
import { type MessageKey, t } from "../i18n";
import { useServices } from "./context";
import { SendIcon } from "./icons";
import { AttachButtons, UploadChips, attach, useUploads } from "./Attachments";
import { channelQueueKey } from "../files/queue";
import { pastedFiles } from "../files/clipboard";

const MAX_ROWS = 8;

interface CommandInfo {
  name: string;
  description: MessageKey;
  args?: MessageKey;
}

/** The server's built-in commands (PROTOCOL.md, "Slash commands"). */
export const BUILTIN_COMMANDS: readonly CommandInfo[] = [
  { name: "help", description: "commands.help" },
  { name: "suport", description: "commands.suport", args: "commands.suport.args" },
  { name: "ticket", description: "commands.ticket", args: "commands.ticket.args" },
  { name: "tickets", description: "commands.tickets" },
  { name: "info", description: "commands.info", args: "commands.info.args" },
];

/**
 * A command the popup offers: a built-in one (its texts are translation keys) or one of the
 * channel's (its description is the server's plain text; a bot's names the bot).
 */
export type OfferedCommand = ({ builtin: true } & CommandInfo) | ({ builtin: false } & ChannelCommand);

/**
 * The commands to offer for the composer's text, only while the first word is being typed:
 * the built-in ones first, then the channel's (`extra`, as the server sorts them) whose name is
 * neither a built-in's nor one already offered.
 */
export function commandMatches(text: string, extra: readonly ChannelCommand[] = []): readonly OfferedCommand[] {
  const m = /^\/([\w-]*)$/.exec(text);
  if (!m) return [];
  const prefix = m[1]!.toLowerCase();
  const offered: OfferedCommand[] = BUILTIN_COMMANDS.filter((c) => c.name.startsWith(prefix)).map((c) => ({ ...c, builtin: true }));
  const taken = new Set(BUILTIN_COMMANDS.map((c) => c.name));
  for (const c of extra) {
    // Only names the composer can complete (the server allows no others).
    if (!/^[\w-]+$/.test(c.name) || taken.has(c.name)) continue;
    taken.add(c.name);
    if (c.name.toLowerCase().startsWith(prefix)) offered.push({ ...c, builtin: false });
  }
  return offered;
}

interface ComposerProps {
  channel: Channel;
  label: string;
  /** Sends the text with the files uploaded for it (either may be empty, not both). */
  onSend: (body: string, files: FileInfo[]) => void;
  /** Starts editing the user's last message here; false when there is none. */
  onEditLast?: () => boolean;
}

export function Composer({ channel, label, onSend, onEditLast }: ComposerProps) {
  const { store, engine } = useServices();
  const [text, setText] = useState(() => store.drafts.get(channel.id) ?? "");
  const [active, setActive] = useState(0);
  /** The text for which the user closed the suggestions (Escape); they stay closed for it. */
  const [dismissedFor, setDismissedFor] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  /** Where the caret is, for the `@` completion. */
  const [caret, setCaret] = useState(0);
  const [members, setMembers] = useState<readonly User[]>([]);
  const touch = typeof window !== "undefined" && window.matchMedia("(pointer: coarse)").matches;
  const uploads = useUploads(channelQueueKey(channel.id));
  /** A short note under the box (too many files, wait for uploads). */
  const [notice, setNotice] = useState("");

  useEffect(() => {
    // Focus the composer when a channel opens, except on touch screens (it would pop the keyboard).
    if (!window.matchMedia("(pointer: coarse)").matches) input.current?.focus();
  }, [channel.id]);

  // The channel's own commands, once per channel; until they come (or if they fail), the built-ins.
  const [channelCommands, setChannelCommands] = useState<readonly ChannelCommand[]>([]);
  useEffect(() => {
    let live = true;
    setChannelCommands([]);
    engine.channelCommands(channel.id).then((commands) => live && setChannelCommands(commands), () => undefined);
    return () => {
      live = false;
    };
  }, [channel.id, engine]);

  const matches = dismissedFor === text ? [] : commandMatches(text, channelCommands);
  const open = matches.length > 0;
  const current = open ? matches[Math.min(active, matches.length - 1)]! : null;

  // `@` completion: members first (fetched once per channel), then departments, then @canal/@aquí.
  const mention = open || dismissedFor === text ? null : mentionQuery(text, caret);
  const wantsMembers = mention !== null;
  useEffect(() => {
    if (!wantsMembers || members.length > 0) return;
    let live = true;
    engine.channelMembers(channel.id).then((users) => live && setMembers(users), () => undefined);
    return () => {
      live = false;
    };
  }, [wantsMembers, channel.id, engine, members.length]);
  const people = members.length > 0 ? members : channel.member_ids?.map((id) => store.users.get(id)).filter((u): u is User => !!u) ?? [];
  const suggestions = mention ? mentionSuggestions(mention.query, people, [...store.departments.values()], store.me?.id) : [];
  const mentionOpen = suggestions.length > 0;
  const currentMention = mentionOpen ? suggestions[Math.min(active, suggestions.length - 1)]! : null;

  /**
   * Where to put the caret once the completed text is in the textarea. It is placed as soon as
   * that render commits, before the next key is handled: placed later (a frame later, say), it
   * would pull the caret back over whatever a fast typist had typed after completing.
   */
  const placeCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = placeCaret.current;
    if (at === null) return;
    placeCaret.current = null;
    input.current?.focus();
    input.current?.setSelectionRange(at, at);
  });

  const completeMention = (choice: MentionSuggestion) => {
    if (!mention) return;
    const next = insertMention(text, mention.start, caret, choice.insert);
    update(next.text);
    setCaret(next.caret);
    placeCaret.current = next.caret;
  };
  const trackCaret = () => setCaret(input.current?.selectionStart ?? 0);

  const update = (value: string) => {
    setText(value);
    setActive(0);
    engine.setDraft(channel.id, value);
    if (value.trim() && !value.startsWith("/")) engine.typing(channel.id);
  };

  const send = () => {
    if (!uploads.canSend(text)) {
      // A message leaves only once its files have finished uploading (Send is disabled meanwhile).
      if (uploads.busy) setNotice(t("files.waitUploads"));
      return;
    }
    setNotice("");
    onSend(text, uploads.take());
    update("");
    input.current?.focus();
  };
  const onPaste = (event: ClipboardEvent) => {
    const files = pastedFiles(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    setNotice(attach(uploads, files));
  };

  const complete = (command: OfferedCommand) => {
    update(`/${command.name} `);
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // While an input method is composing (e.g. accents on some keyboards), keys belong to it.
    if (event.isComposing) return;
    if (mentionOpen && currentMention) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((Math.min(active, suggestions.length - 1) + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        setDismissedFor(text);
        return;
      }
      if (event.key === "Tab" || (event.key === "Enter" && !event.shiftKey)) {
        event.preventDefault();
        completeMention(currentMention);
        return;
      }
    }
    if (open && current) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((Math.min(active, matches.length - 1) + step + matches.length) % matches.length);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        setDismissedFor(text);
        return;
      }
      // Tab completes; so does Enter, unless the command is already typed in full.
      if (event.key === "Tab" || (event.key === "Enter" && !event.shiftKey && text !== `/${current.name}`)) {
        event.preventDefault();
        complete(current);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
      return;
    }
    const plainKey = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey;
    if (event.key === "ArrowUp" && plainKey && text === "" && onEditLast?.()) event.preventDefault();
  };

  const rows = Math.min(MAX_ROWS, text.split("\n").length);
  const placeholder = channel.kind === "direct" ? t("composer.placeholderDm", { name: label }) : t("composer.placeholder", { channel: label });
  const optionId = (name: string) => `command-${name}`;

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {open && (
        <div class="command-popup">
          <ul id="command-list" class="command-list" role="listbox" aria-label={t("commands.label")}>
            {matches.map((c) => (
              <li
                key={c.name}
                id={optionId(c.name)}
                role="option"
                aria-selected={c === current}
                class={c === current ? "command-option active" : "command-option"}
                // Keep the focus in the textarea: a click completes without blurring it.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => complete(c)}
              >
                <span class="command-name">{`/${c.name}`}</span>
                {c.builtin && c.args && <span class="command-args">{`[${t(c.args)}]`}</span>}
                <span class="command-description">{c.builtin ? t(c.description) : c.description}</span>
                {!c.builtin && c.bot_username && <span class="command-bot" title={t("commands.fromBot", { bot: c.bot_username })}>{`@${c.bot_username}`}</span>}
              </li>
            ))}
          </ul>
          <p class="command-hint" aria-hidden="true">
            {touch ? t("commands.hintTouch") : t("commands.hint")}
          </p>
        </div>
      )}
      {mentionOpen && (
        <div class="command-popup mention-popup">
          <ul id="mention-list" class="command-list" role="listbox" aria-label={t("mentions.label")}>
            {suggestions.map((s, i) => (
              <li
                key={`${s.kind}:${s.insert}`}
                id={`mention-${i}`}
                role="option"
                aria-selected={s === currentMention}
                class={s === currentMention ? "command-option active" : "command-option"}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => completeMention(s)}
              >
                <span class="command-name">{`@${s.insert}`}</span>
                <span class="command-description">
                  {s.kind === "user" ? s.label : s.kind === "department" ? `${t("mentions.department")}: ${s.label}` : s.kind === "channel" ? t("mentions.channel") : t("mentions.here")}
                </span>
              </li>
            ))}
          </ul>
          <p class="command-hint" aria-hidden="true">
            {touch ? t("mentions.hintTouch") : t("mentions.hint")}
          </p>
        </div>
      )}
      <UploadChips queue={uploads} />
      <AttachButtons queue={uploads} onNotice={setNotice} idPrefix="composer" />
      <label for="composer-input" class="visually-hidden">
        {placeholder}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={rows}
        value={text}
        placeholder={placeholder}
        onInput={(e) => {
          update(e.currentTarget.value);
          setCaret(e.currentTarget.selectionStart ?? e.currentTarget.value.length);
        }}
        onKeyUp={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") trackCaret();
        }}
        onClick={trackCaret}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => setActive(0)}
        enterkeyhint="send"
        aria-describedby="composer-hint"
        aria-autocomplete="list"
        aria-controls={open ? "command-list" : mentionOpen ? "mention-list" : undefined}
        aria-activedescendant={current ? optionId(current.name) : currentMention ? `mention-${suggestions.indexOf(currentMention)}` : undefined}
      />
      <span id="composer-hint" class="visually-hidden">
        {open ? t(touch ? "commands.hintTouch" : "commands.hint") : mentionOpen ? t(touch ? "mentions.hintTouch" : "mentions.hint") : t("composer.hint")}
      </span>
      <button type="submit" class="send-button" aria-label={t("composer.send")} title={uploads.busy ? t("files.waitUploads") : t("composer.send")} disabled={!uploads.canSend(text)}>
        <SendIcon />
      </button>
      {notice && !(notice === t("files.waitUploads") && !uploads.busy) && (
        <p class="composer-notice" role="status">
          {notice}
        </p>
      )}
    </form>
  );
}
