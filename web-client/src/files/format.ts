// Pure helpers about files: human sizes in the UI language, which files show as images, the
// box an image preview reserves before it loads, and the limit named in a 413 answer.
import type { FileInfo } from "../protocol";

/** The raster formats the server serves inline (protocol.md, "Files"); only these are previewed. */
const PREVIEWED = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/**
 * Whether a file shows as an image preview: one of those formats, measured by the server. The
 * server has a thumbnail exactly when it sent `width` and `height` (protocol.md, "GET
 * /api/v1/files/{id}/thumbnail"); an image without them (too large, or not decodable) is a card.
 */
export function isPreviewable(file: Pick<FileInfo, "content_type" | "width" | "height">): boolean {
  return PREVIEWED.has(file.content_type.split(";")[0]!.trim().toLowerCase()) && (file.width ?? 0) > 0 && (file.height ?? 0) > 0;
}

const UNITS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;

/** "48,2 kB", "1,5 MB", "12 bytes" in the given locale (powers of 1024, as file managers show). */
export function formatSize(bytes: number, locale: string): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: UNITS[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: digits,
  }).format(value);
}

/** The size a 413 `too_large` message names ("… the limit of 104857600 bytes"), if any. */
export function limitFromMessage(message: string): number | null {
  const m = /limit of (\d+) bytes/i.exec(message);
  return m ? Number(m[1]) : null;
}

export const PREVIEW_MAX_WIDTH = 360;
export const PREVIEW_MAX_HEIGHT = 240;
/** The box of a preview whose size the server could not measure. */
const UNKNOWN_BOX = { width: 240, height: 160 };

/** The box a preview takes (scaled down, never up), reserved before the image arrives. */
export function previewBox(file: Pick<FileInfo, "width" | "height">, maxWidth = PREVIEW_MAX_WIDTH, maxHeight = PREVIEW_MAX_HEIGHT): { width: number; height: number } {
  const w = file.width ?? 0;
  const h = file.height ?? 0;
  if (w <= 0 || h <= 0) return UNKNOWN_BOX;
  const scale = Math.min(1, maxWidth / w, maxHeight / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** What kind of icon a file card shows. */
export type FileKind = "pdf" | "image" | "audio" | "video" | "archive" | "text" | "sheet" | "doc" | "other";

export function fileKind(file: Pick<FileInfo, "content_type" | "name">): FileKind {
  const type = file.content_type.toLowerCase();
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? "";
  if (type === "application/pdf" || ext === "pdf") return "pdf";
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("audio/")) return "audio";
  if (type.startsWith("video/")) return "video";
  if (/zip|gzip|x-tar|x-7z|x-rar|x-xz|x-bzip/.test(type) || ["zip", "gz", "tgz", "7z", "rar", "xz", "tar"].includes(ext)) return "archive";
  if (["xls", "xlsx", "ods", "csv"].includes(ext) || /spreadsheet|excel/.test(type)) return "sheet";
  if (["doc", "docx", "odt", "rtf"].includes(ext) || /wordprocessing|msword|opendocument\.text/.test(type)) return "doc";
  if (type.startsWith("text/")) return "text";
  return "other";
}
