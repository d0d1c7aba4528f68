// Files on a ticket, in the queue's ticket page: the ticket's files, grouped as they were added
// (who, when, and whether with an internal note), shown as the chat shows a message's files
// (image previews opening the lightbox, cards with a download button for the rest); and the
// comment and internal-note boxes, which attach files like the chat composer does (paperclip,
// paste, drop; each uploads at once with its progress and can be cancelled) and send their ids
// with the text in one `PATCH /tickets/{n}` (`file_ids`).
import { useState } from "preact/hooks";
import type { TicketFile } from "../../protocol";
import { t } from "../../i18n";
import { dragHasFiles, droppedFiles, pastedFiles } from "../../files/clipboard";
import { AttachButtons, UploadChips, attach, useUploads } from "../Attachments";
import { FileList } from "../Files";
import { tq, when } from "./i18n";

/** Files added together: by one person, at one moment, with the same visibility. */
interface Batch {
  addedBy: string;
  addedAt: string;
  internal: boolean;
  files: TicketFile[];
}

/** Groups the ticket's files (oldest first, as the server lists them) into what was added together. */
export function fileBatches(files: readonly TicketFile[]): Batch[] {
  const batches: Batch[] = [];
  for (const file of files) {
    const last = batches[batches.length - 1];
    if (last && last.addedBy === file.added_by && last.addedAt === file.added_at && last.internal === file.internal) last.files.push(file);
    else batches.push({ addedBy: file.added_by, addedAt: file.added_at, internal: file.internal, files: [file] });
  }
  return batches;
}

export function TicketFiles({ files, name }: { files: readonly TicketFile[]; name: (id: string) => string }) {
  if (files.length === 0) return null;
  return (
    <>
      <h3>{tq("files")}</h3>
      <ul class="queue-files" data-testid="ticket-files">
        {fileBatches(files).map((batch) => (
          <li key={`${batch.addedAt}:${batch.files[0]!.id}`} class={batch.internal ? "queue-file-batch internal" : "queue-file-batch"} data-internal={batch.internal ? "true" : "false"}>
            <span class="queue-file-head">
              <strong>{name(batch.addedBy)}</strong> <time dateTime={batch.addedAt}>{when(batch.addedAt)}</time>
              {batch.internal && <span class="queue-internal-badge">{tq("internal")}</span>}
            </span>
            <FileList files={batch.files} />
          </li>
        ))}
      </ul>
    </>
  );
}

interface BoxProps {
  /** A comment (the requester sees it and its files) or an internal note (the team only). */
  kind: "comment" | "note";
  number: number;
  /** A save is running on the page (the fields, the other box). */
  saving: boolean;
  /** Sends the text and the uploaded files' ids; true once the server took them. */
  onSend(text: string, fileIds: string[]): Promise<boolean>;
}

export function TicketBox({ kind, number, saving, onSend }: BoxProps) {
  const [text, setText] = useState("");
  const [notice, setNotice] = useState("");
  const [dragging, setDragging] = useState(false);
  // One upload queue per box and ticket, kept by the engine like a chat composer's.
  const uploads = useUploads(`ticket:${number}:${kind}`);
  const done = uploads.items.filter((i) => i.state === "done" && i.info);
  const trimmed = text.trim();
  // Files alone make a comment; a note needs its text, or its files would not be internal.
  const hasContent = kind === "comment" ? trimmed !== "" || done.length > 0 : trimmed !== "";
  const canSend = !saving && !uploads.busy && hasContent;
  const needsText = kind === "note" && trimmed === "" && done.length > 0;
  const testid = `ticket-${kind}`;

  return (
    <form
      class={dragging ? "queue-box dragging" : "queue-box"}
      data-testid={`${testid}-box`}
      onSubmit={async (event) => {
        event.preventDefault();
        if (!canSend) {
          if (uploads.busy) setNotice(t("files.waitUploads"));
          return;
        }
        setNotice("");
        const sent = done;
        if (await onSend(trimmed, sent.map((i) => i.info!.id))) {
          setText("");
          // Only the files that went: any attached meanwhile stay for the next one.
          for (const item of sent) uploads.cancel(item.key);
        }
      }}
      onDragOver={(e) => {
        if (!dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(e) => {
        const to = e.relatedTarget as Node | null;
        if (!to || !e.currentTarget.contains(to)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (!dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        setNotice(attach(uploads, droppedFiles(e.dataTransfer)));
      }}
    >
      <label class="field">
        <span>{tq(kind)}</span>
        <textarea
          rows={kind === "comment" ? 3 : 2}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onPaste={(e) => {
            const files = pastedFiles(e.clipboardData);
            if (files.length === 0) return;
            e.preventDefault();
            setNotice(attach(uploads, files));
          }}
          maxLength={4000}
          data-testid={testid}
        />
      </label>
      <UploadChips queue={uploads} />
      <div class="queue-box-actions">
        <AttachButtons queue={uploads} onNotice={setNotice} idPrefix={testid} />
        <button
          type="submit"
          class={kind === "comment" ? "button primary" : "button"}
          disabled={!canSend}
          title={uploads.busy ? t("files.waitUploads") : undefined}
          data-testid={`${testid}-send`}
        >
          {tq(kind === "comment" ? "sendComment" : "sendNote")}
        </button>
      </div>
      {(needsText || (notice && !(notice === t("files.waitUploads") && !uploads.busy))) && (
        <p class="queue-box-notice" role="status">
          {needsText ? tq("noteNeedsText") : notice}
        </p>
      )}
    </form>
  );
}
