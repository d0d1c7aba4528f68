// Properties of the markdown parser over generated input (fast-check): whatever a message
// holds, it renders, within the budget, without losing the words it was written with, and
// without ever producing a link a browser would run. The bomb corpus is in markdown.test.tsx.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { renderToString } from "preact-render-to-string";
import { MAX_MARKUP_NODES, MAX_PARSE_STEPS, ParseBudget, parseMarkdown } from "../../src/markdown/parse";
import { renderMarkdown } from "../../src/markdown/render";

const html = (body: string) => renderToString(<div>{renderMarkdown(body, { isMe: () => false })}</div>);
const elements = (out: string) => (out.match(/<[a-z]/g) ?? []).length;
const words = (text: string) => (text.match(/[\p{L}\p{N}]+/gu) ?? []).join(" ");

/** Text dense in what markdown gives meaning to, and a little else. */
const markup = fc
  .array(
    fc.constantFrom("*", "**", "_", "~~", "`", "```\n", "[", "]", "(", ")", "<", ">", "> ", "- ", "1. ", "\\", "\n", " ", "a", "é", "@anna", "https://x.cat/a", "😀"),
    { maxLength: 400 },
  )
  .map((parts) => parts.join(""));

/** Plain prose: letters, digits, spaces and punctuation markdown leaves alone. */
const prose = fc
  .array(fc.constantFrom("a", "b", "à", "ç", "l·l", "1", " ", ",", ".", "?", "Ajuntament", "obres"), { maxLength: 200 })
  .map((parts) => parts.join("").trim());

describe("markdown properties", () => {
  it("parses any text within the step budget, one line's charge over at most", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 600 }), markup), (body) => {
        const budget = new ParseBudget();
        parseMarkdown(body, budget);
        expect(budget.steps).toBeLessThanOrEqual(MAX_PARSE_STEPS + body.length);
      }),
      { numRuns: 300 },
    );
  });

  it("renders any text with at most the node budget of elements", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 600 }), markup), (body) => {
        expect(elements(html(body))).toBeLessThanOrEqual(MAX_MARKUP_NODES + 10);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every word of a message, whatever markup surrounds it", () => {
    fc.assert(
      fc.property(markup, (body) => {
        const out = html(body);
        const shown = out
          .replace(/<a [^>]*href="([^"]*)"[^>]*>/g, " $1 ")
          .replace(/<[^>]*>/g, " ")
          .replace(/&amp;/g, "&");
        // Link targets count as shown: a label hides its URL in the href. An ordered list's
        // number is structure (the list shows it), not a word of the text; so is the language
        // named after a code fence's opening backticks (parse.ts's FENCE: "```1. " opens a
        // block in language "1.").
        const typed = words(
          body
            .replace(/^\s{0,3}(?:>\s?)*\d{1,9}[.)]\s/gm, "")
            .replace(/^(\s{0,3}```\s*)[\w+#.-]*(\s*)$/gm, "$1$2"),
        );
        for (const word of new Set(typed.split(" ").filter(Boolean))) {
          expect(words(shown)).toContain(word);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("leaves plain prose exactly as typed", () => {
    fc.assert(
      fc.property(prose, (body) => {
        // "1. a" is an ordered list, not prose.
        fc.pre(body.length > 0 && !/^\d{1,9}[.)]\s/.test(body));
        expect(html(body)).toBe(`<div><p>${body}</p></div>`);
      }),
      { numRuns: 200 },
    );
  });

  it("never renders a link a browser would run", () => {
    const scheme = fc.constantFrom("javascript:", "JaVaScRiPt:", " javascript:", "data:text/html,", "vbscript:", "java\tscript:");
    fc.assert(
      fc.property(scheme, fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (bad, payload, label) => {
        const out = html(`[${label.replace(/[[\]]/g, "")}x](${bad}${payload.replace(/[()\s]/g, "")}) <${bad}alert(1)>`);
        expect(out.toLowerCase()).not.toMatch(/href="\s*(javascript|data|vbscript|java\s*script)/);
      }),
      { numRuns: 200 },
    );
  });
});
