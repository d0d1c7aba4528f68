// A message shown out of its timeline (pins, saved messages): author, time, text and a line
// saying why it is here. Clicking it opens its channel at it, highlighted (or its thread at
// it, for a reply kept there), as a search result does.
import { useMemo } from "preact/hooks";
import type { Message } from "../protocol";
import { formatDateTime, formatFull } from "../i18n";
import { useServices, useStore } from "./context";
import { MessageText } from "./MessageList";
import { AuthorName, Avatar } from "./people";
import { FileList } from "./Files";

const noop = async () => undefined;

interface MessageCardProps {
  message: Message;
  /** Why it is here ("pinned by …", "in …"): the link that opens it. */
  note: string;
  /** Called before the jump (the pins panel makes way on a phone). */
  onOpen?: () => void;
}

export function MessageCard({ message, note, onOpen }: MessageCardProps) {
  const store = useStore();
  const { engine } = useServices();
  const myName = store.me?.username.toLowerCase();
  const options = useMemo(() => ({ isMe: (u: string) => u.toLowerCase() === myName }), [myName]);
  const name = store.displayName(message.author_id);
  const open = () => {
    onOpen?.();
    void engine.openAt(message);
  };
  return (
    <div class="message message-card" data-message-id={message.id}>
      <div class="message-gutter">
        <Avatar userId={message.author_id} name={name} size="lg" />
      </div>
      <div class="message-content">
        <div class="message-meta">
          <AuthorName name={name} user={store.users.get(message.author_id)} shared={store.nameSharedWithOthers(name, message.author_id)} />
          <time dateTime={message.created_at} title={formatFull(message.created_at)}>
            {formatDateTime(message.created_at)}
          </time>
        </div>
        <MessageText message={message} isBot={false} editing={false} options={options} onSaveEdit={noop} onCancelEdit={() => undefined} />
        {!message.deleted && message.files && message.files.length > 0 && <FileList files={message.files} />}
        <button type="button" class="link-button card-note" onClick={open}>
          {note}
        </button>
      </div>
    </div>
  );
}
