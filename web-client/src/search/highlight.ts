// The `highlight` of a search result is HTML-escaped text with each word found wrapped in
// <mark>…</mark> (protocol.md, "Search"). It is never given to innerHTML: it is split on those
// two literal tags, and the five entities the server writes are decoded, into plain text parts
// and marked parts. Text a person typed, "<mark>" included, arrives escaped (&lt;mark&gt;) and
// so stays text. Unit-tested in tests/unit/search.test.tsx.

export interface HighlightPart {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'" };

/** Decodes the five entities the server escapes; anything else is left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:lt|gt|amp|quot|#39);/g, (entity) => ENTITIES[entity]!);
}

/** The highlight as text parts, marked or not (empty parts dropped). */
export function parseHighlight(highlight: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let mark = false;
  for (const piece of highlight.split(/(<mark>|<\/mark>)/)) {
    if (piece === "<mark>") mark = true;
    else if (piece === "</mark>") mark = false;
    else if (piece !== "") {
      const text = decodeEntities(piece);
      const last = parts[parts.length - 1];
      if (last && last.mark === mark) last.text += text;
      else parts.push({ text, mark });
    }
  }
  return parts;
}
