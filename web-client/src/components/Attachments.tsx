// Attaching files in a composer: the paperclip (a file picker; on a phone it offers the camera
// too), a "take a photo" button on touch screens, and the chips of the attached files with
// their upload progress, cancel, and the error with a retry. The queue itself (src/files/queue.ts)
// lives in the engine, one per composer, so uploads go on while another channel is open.
import { useEffect, useReducer, useRef, useState } from "preact/hooks";
import { getLocale, t } from "../i18n";
import { formatSize } from "../files/format";
import { MAX_FILES, type UploadItem, type UploadQueue } from "../files/queue";
import { useServices } from "./context";
import { waitSeconds } from "./errors";
import { CameraIcon, CloseIcon, FileIcon, PaperclipIcon, RetryIcon } from "./icons";

/** The upload queue of one composer; the component re-renders as it changes. */
export function useUploads(key: string): UploadQueue {
  const { engine } = useServices();
  const queue = engine.uploads.get(key);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => queue.subscribe(() => bump(undefined)), [queue]);
  return queue;
}

/** Adds files to a queue; the notice to show when some were refused (over the limit per message). */
export function attach(queue: UploadQueue, files: readonly File[]): string {
  if (files.length === 0) return "";
  const refused = queue.add(files);
  return refused > 0 ? t("files.tooMany", { max: MAX_FILES }) : "";
}

export function AttachButtons({ queue, onNotice, idPrefix }: { queue: UploadQueue; onNotice: (text: string) => void; idPrefix: string }) {
  const picker = useRef<HTMLInputElement>(null);
  const camera = useRef<HTMLInputElement>(null);
  const touch = typeof window !== "undefined" && window.matchMedia("(pointer: coarse)").matches;
  const onChange = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    onNotice(attach(queue, input.files ? Array.from(input.files) : []));
    // The same file may be picked again later.
    input.value = "";
  };
  return (
    <div class="attach-buttons">
      <input
        ref={picker}
        id={`${idPrefix}-files`}
        class="visually-hidden file-input"
        type="file"
        multiple
        // image/* makes a phone offer its camera and gallery too; */* still allows any file.
        accept="image/*,*/*"
        tabIndex={-1}
        aria-label={t("files.attach")}
        onChange={onChange}
      />
      <button type="button" class="icon-button attach-button" aria-label={t("files.attach")} title={t("files.attach")} onClick={() => picker.current?.click()}>
        <PaperclipIcon />
      </button>
      {touch && (
        <>
          <input
            ref={camera}
            class="visually-hidden file-input"
            type="file"
            accept="image/*"
            capture="environment"
            tabIndex={-1}
            aria-label={t("files.camera")}
            onChange={onChange}
          />
          <button type="button" class="icon-button camera-button" aria-label={t("files.camera")} title={t("files.camera")} onClick={() => camera.current?.click()}>
            <CameraIcon />
          </button>
        </>
      )}
    </div>
  );
}

export function UploadChips({ queue }: { queue: UploadQueue }) {
  if (queue.items.length === 0) return null;
  return (
    <ul class="upload-chips" aria-label={t("files.attached")}>
      {queue.items.map((item) => (
        <UploadChip key={item.key} item={item} queue={queue} />
      ))}
    </ul>
  );
}

function errorLine(item: UploadItem): string {
  const error = item.error;
  if (!error) return "";
  switch (error.code) {
    case "too_large":
      return error.limit ? t("files.error.too_large", { limit: formatSize(error.limit, getLocale()) }) : t("files.error.too_largeNoLimit");
    case "offline":
      return t("files.error.offline");
    case "empty":
      return t("files.error.empty");
    case "rate_limited":
      return error.retryAfterMs === undefined ? t("files.error.rate_limitedNoWait") : t("files.error.rate_limited", { count: waitSeconds(error.retryAfterMs) });
    default:
      return t("files.error.other");
  }
}

function UploadChip({ item, queue }: { item: UploadItem; queue: UploadQueue }) {
  const isImage = item.type.startsWith("image/");
  // A local thumbnail of an image (the file itself, never uploaded again for it).
  const [thumb, setThumb] = useState<string | null>(null);
  useEffect(() => {
    if (!isImage || typeof URL.createObjectURL !== "function") return;
    const url = URL.createObjectURL(item.file);
    setThumb(url);
    return () => URL.revokeObjectURL(url);
  }, [item.file, isImage]);
  const percent = item.size > 0 ? Math.round((100 * item.loaded) / item.size) : 0;
  return (
    <li class={`upload-chip ${item.state}`} data-state={item.state}>
      {thumb ? <img class="upload-thumb" src={thumb} alt="" /> : <FileIcon label="" />}
      <div class="upload-text">
        <span class="upload-name" title={item.name}>
          {item.name}
        </span>
        {item.state === "uploading" ? (
          <progress class="upload-progress" max={100} value={percent} aria-label={t("files.progress", { name: item.name })} />
        ) : item.state === "failed" ? (
          <span class="upload-error" role="alert">
            {errorLine(item)}
          </span>
        ) : (
          <span class="upload-size">{formatSize(item.size, getLocale())}</span>
        )}
      </div>
      {item.state === "failed" && item.error?.code !== "too_large" && item.error?.code !== "empty" && (
        <button type="button" class="icon-button small upload-retry" aria-label={t("files.retryLabel", { name: item.name })} title={t("files.retry")} onClick={() => queue.retry(item.key)}>
          <RetryIcon />
        </button>
      )}
      <button
        type="button"
        class="icon-button small upload-cancel"
        aria-label={item.state === "uploading" ? t("files.cancel", { name: item.name }) : t("files.remove", { name: item.name })}
        title={item.state === "uploading" ? t("files.cancel", { name: item.name }) : t("files.remove", { name: item.name })}
        onClick={() => queue.cancel(item.key)}
      >
        <CloseIcon />
      </button>
    </li>
  );
}
