// Files posted with a message: images as previews (their thumbnails, read with the bearer token
// into object URLs; only images the server measured have one, their box reserved from that
// width and height so the list does not jump, and fetched only near the viewport), a click
// opening the lightbox with the whole file; other files (an image without width and height
// too) as cards with an icon by type, the size in the UI language and a download button.
import { createPortal } from "preact/compat";
import { useEffect, useRef, useState } from "preact/hooks";
import type { FileInfo } from "../protocol";
import { getLocale, t } from "../i18n";
import { fileKind, formatSize, isPreviewable, previewBox } from "../files/format";
import type { SyncEngine } from "../sync/engine";
import { useServices } from "./context";
import { CloseIcon, DownloadIcon, FileIcon } from "./icons";

/** Start loading a preview this far before it scrolls into view. */
const NEAR_PX = "400px";

export function FileList({ files }: { files: readonly FileInfo[] }) {
  const [open, setOpen] = useState<FileInfo | null>(null);
  /** The preview that opened the lightbox gets the focus back when it closes. */
  const opener = useRef<HTMLElement | null>(null);
  const close = () => {
    setOpen(null);
    opener.current?.focus();
  };
  const images = files.filter(isPreviewable);
  const others = files.filter((f) => !isPreviewable(f));
  return (
    <div class="file-list">
      {images.length > 0 && (
        <div class="file-images">
          {images.map((f) => (
            <ImagePreview
              key={f.id}
              file={f}
              onOpen={(el) => {
                opener.current = el;
                setOpen(f);
              }}
            />
          ))}
        </div>
      )}
      {others.map((f) => (
        <FileCard key={f.id} file={f} />
      ))}
      {/* In <body>, not in the row: the list's keys, focus and long press must not see its events. */}
      {open && createPortal(<Lightbox file={open} onClose={close} />, document.body)}
    </div>
  );
}

/** An object URL for a file while `wanted`, released when no longer shown. */
function useFileUrl(fileId: string, wanted: boolean, thumbnail = false): { url: string | null; failed: boolean } {
  const { engine } = useServices();
  const [state, setState] = useState<{ url: string | null; failed: boolean }>({ url: null, failed: false });
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    const urls = thumbnail ? engine.thumbs : engine.blobs;
    urls.acquire(fileId).then(
      (url) => live && setState({ url, failed: false }),
      () => live && setState({ url: null, failed: true }),
    );
    return () => {
      live = false;
      urls.release(fileId);
    };
  }, [fileId, wanted, thumbnail, engine]);
  return state;
}

function ImagePreview({ file, onOpen }: { file: FileInfo; onOpen: (el: HTMLElement) => void }) {
  const box = previewBox(file);
  const ref = useRef<HTMLButtonElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    if (typeof IntersectionObserver === "undefined") {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setNear(true);
          observer.disconnect();
        }
      },
      { rootMargin: NEAR_PX },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [near]);
  // The small thumbnail here; the whole file only in the lightbox.
  const { url, failed } = useFileUrl(file.id, near, true);
  const style = { width: `${box.width}px`, aspectRatio: `${box.width} / ${box.height}` };
  return (
    <button
      ref={ref}
      type="button"
      class={failed ? "file-image failed" : url ? "file-image" : "file-image loading"}
      style={style}
      aria-label={t("files.open", { name: file.name })}
      title={file.name}
      onClick={(e) => onOpen(e.currentTarget)}
      data-file-id={file.id}
    >
      {url ? <img src={url} alt={file.name} width={box.width} height={box.height} decoding="async" /> : failed ? <span class="file-image-note">{t("files.loadFailed")}</span> : null}
    </button>
  );
}

const KIND_LABEL: Record<ReturnType<typeof fileKind>, string> = {
  pdf: "PDF",
  image: "IMG",
  audio: "♪",
  video: "▶",
  archive: "ZIP",
  text: "TXT",
  sheet: "XLS",
  doc: "DOC",
  other: "",
};

function FileCard({ file }: { file: FileInfo }) {
  const { engine } = useServices();
  const kind = fileKind(file);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <div class={`file-card file-${kind}`} data-file-id={file.id}>
      <FileIcon label={KIND_LABEL[kind]} />
      <div class="file-card-text">
        <span class="file-name" title={file.name}>
          {file.name}
        </span>
        <span class="file-size">{failed ? t("files.downloadFailed") : formatSize(file.size, getLocale())}</span>
      </div>
      <button
        type="button"
        class="icon-button file-download"
        aria-label={t("files.download", { name: file.name })}
        title={t("files.download", { name: file.name })}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setFailed(false);
          downloadFile(engine, file)
            .catch(() => setFailed(true))
            .finally(() => setBusy(false));
        }}
      >
        <DownloadIcon />
      </button>
    </div>
  );
}

/** Reads the file with the token and saves it under its original name. */
export async function downloadFile(engine: SyncEngine, file: FileInfo): Promise<void> {
  const blob = await engine.fileBlob(file.id);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = file.name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started from the URL; it is not needed once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The whole image over the page: its name, a download button, Escape or the close button. */
function Lightbox({ file, onClose }: { file: FileInfo; onClose: () => void }) {
  const { engine } = useServices();
  const ref = useRef<HTMLDialogElement>(null);
  const { url, failed } = useFileUrl(file.id, true);
  const [downloadFailed, setDownloadFailed] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
  }, []);
  return (
    <dialog
      ref={ref}
      class="lightbox"
      aria-label={file.name}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      <header class="lightbox-bar">
        <span class="lightbox-name" title={file.name}>
          {file.name}
        </span>
        <span class="lightbox-size">{downloadFailed ? t("files.downloadFailed") : formatSize(file.size, getLocale())}</span>
        <button
          type="button"
          class="icon-button lightbox-download"
          aria-label={t("files.download", { name: file.name })}
          title={t("files.downloadShort")}
          onClick={() => {
            setDownloadFailed(false);
            downloadFile(engine, file).catch(() => setDownloadFailed(true));
          }}
        >
          <DownloadIcon />
        </button>
        <button type="button" class="icon-button lightbox-close" aria-label={t("files.close")} title={t("files.close")} onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      <div class="lightbox-body" onClick={(e) => e.target === e.currentTarget && onClose()}>
        {url ? (
          <img src={url} alt={file.name} class="lightbox-image" />
        ) : (
          <p class="lightbox-note" role="status">
            {failed ? t("files.loadFailed") : t("files.loading")}
          </p>
        )}
      </div>
    </dialog>
  );
}
