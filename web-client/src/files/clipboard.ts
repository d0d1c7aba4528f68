// Which files a paste or a drop brings. A paste holding files and no plain text (a screenshot,
// "Copy image" in a browser) attaches them; a paste with text stays a text paste (an office
// document's copy carries a picture of the text as well).
export interface TransferLike {
  files?: ArrayLike<File> | null;
  items?: ArrayLike<{ kind: string; type: string; getAsFile(): File | null }> | null;
  types?: ArrayLike<string> | null;
}

function filesOf(data: TransferLike): File[] {
  const files = data.files ? Array.from(data.files) : [];
  if (files.length > 0) return files;
  // Some browsers give pasted images only as items.
  const out: File[] = [];
  for (const item of data.items ? Array.from(data.items) : []) {
    if (item.kind !== "file") continue;
    const file = item.getAsFile();
    if (file) out.push(file);
  }
  return out;
}

export function pastedFiles(data: TransferLike | null): File[] {
  if (!data) return [];
  const types = data.types ? Array.from(data.types) : [];
  if (types.includes("text/plain")) return [];
  return filesOf(data);
}

export function droppedFiles(data: TransferLike | null): File[] {
  return data ? filesOf(data) : [];
}

/** Whether a drag carries files (not text or a link being dragged). */
export function dragHasFiles(data: TransferLike | null): boolean {
  return !!data?.types && Array.from(data.types).includes("Files");
}
