import { describe, expect, it } from "vitest";
import { renderToString } from "preact-render-to-string";
import { MAX_MARKUP_NODES, MAX_PARSE_STEPS, ParseBudget, parseMarkdown, safeHref } from "../../src/markdown/parse";
import { mentions, renderMarkdown } from "../../src/markdown/render";

const html = (body: string, me = "alice") =>
  renderToString(<div>{renderMarkdown(body, { isMe: (u) => u.toLowerCase() === me })}</div>);

describe("markdown inline formatting", () => {
  it("renders bold, italic, strike and code", () => {
    expect(html("**bold** *it* _it2_ ~~gone~~ `x < y`")).toBe(
      '<div><p><strong>bold</strong> <em>it</em> <em>it2</em> <del>gone</del> <code class="md-code">x &lt; y</code></p></div>',
    );
  });

  it("nests emphasis", () => {
    expect(html("**bold _and italic_**")).toBe("<div><p><strong>bold <em>and italic</em></strong></p></div>");
  });

  it("leaves snake_case_names, lone stars and unclosed markers alone", () => {
    expect(html("call my_func_name and 2 * 3 * 4 or **open")).toBe(
      "<div><p>call my_func_name and 2 * 3 * 4 or **open</p></div>",
    );
  });

  it("does not format inside inline code", () => {
    expect(html("`**not bold** <b>`")).toBe('<div><p><code class="md-code">**not bold** &lt;b></code></p></div>');
  });

  it("honours backslash escapes", () => {
    expect(html("\\*not em\\*")).toBe("<div><p>*not em*</p></div>");
  });

  it("keeps single newlines as line breaks", () => {
    expect(html("one\ntwo")).toBe("<div><p>one<br/>two</p></div>");
  });
});

describe("markdown blocks", () => {
  it("renders fenced code blocks verbatim", () => {
    expect(html("```js\nconst a = '<b>**x**</b>';\n```")).toBe(
      "<div><pre class=\"md-pre\"><code>const a = '&lt;b>**x**&lt;/b>';</code></pre></div>",
    );
  });

  it("renders quotes and lists", () => {
    const tree = parseMarkdown("> quoted **text**\n\n- one\n- two\n\n3. three\n4. four");
    expect(tree.map((b) => b.t)).toEqual(["quote", "list", "list"]);
    expect(html("- one\n- two")).toBe("<div><ul><li>one</li><li>two</li></ul></div>");
    expect(html("3. three\n4. four")).toBe('<div><ol start="3"><li>three</li><li>four</li></ol></div>');
    expect(html("> hi")).toBe("<div><blockquote><p>hi</p></blockquote></div>");
  });

  it("limits quote nesting", () => {
    const deep = ">".repeat(50) + " deep";
    expect(() => html(deep)).not.toThrow();
  });
});

describe("links and mentions", () => {
  it("autolinks http, https and mailto with safe attributes", () => {
    expect(html("see https://example.org/a?b=1&c=2.")).toBe(
      '<div><p>see <a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>.</p></div>',
    );
    expect(html("mailto:oac@ajuntament.cat")).toContain('href="mailto:oac@ajuntament.cat"');
    expect(html("(http://example.org/x)")).toContain('href="http://example.org/x"');
  });

  it("renders [label](url) links for http, https and mailto, with the target as a title", () => {
    expect(html("Panell: [CPU alta](https://grafana.example.org/d/abc?from=now-1h)")).toBe(
      '<div><p>Panell: <a href="https://grafana.example.org/d/abc?from=now-1h" target="_blank" rel="noopener noreferrer" title="https://grafana.example.org/d/abc?from=now-1h">CPU alta</a></p></div>',
    );
    expect(html("[escriu-nos](mailto:suport@ajuntament.cat)")).toContain('href="mailto:suport@ajuntament.cat"');
    expect(html("[Wiki](https://ca.wikipedia.org/wiki/Girona_(ciutat)) ok")).toContain(
      'href="https://ca.wikipedia.org/wiki/Girona_(ciutat)"',
    );
    // Formatting inside the label, an escaped bracket (the server escapes "]" in labels).
    expect(html("[**urgent** a\\]b](http://x.org/)")).toBe(
      '<div><p><a href="http://x.org/" target="_blank" rel="noopener noreferrer" title="http://x.org/"><strong>urgent</strong> a]b</a></p></div>',
    );
    // Inside emphasis, and a URL as the label is not linked twice.
    expect(html("**[a](https://a.org)**")).toBe(
      '<div><p><strong><a href="https://a.org" target="_blank" rel="noopener noreferrer" title="https://a.org">a</a></strong></p></div>',
    );
    expect(html("[https://b.org](https://a.org)").match(/<a /g)).toHaveLength(1);
  });

  it("renders a labelled link to any other scheme as plain text", () => {
    expect(html("[x](javascript:alert(1))")).toBe("<div><p>[x](javascript:alert(1))</p></div>");
    expect(html("[x](JavaScript:alert(1)) and [y](data:text/html,hi) and [z](/relative)")).toBe(
      "<div><p>[x](JavaScript:alert(1)) and [y](data:text/html,hi) and [z](/relative)</p></div>",
    );
    expect(html("[x](vbscript:msgbox)")).not.toContain("<a");
    // Not a link at all: brackets without a URL, a space in the URL, an unclosed paren.
    expect(html("[nota] (https://a.org)")).toContain('<a href="https://a.org"');
    expect(html("[a](https://a.org b)")).toBe(
      '<div><p>[a](<a href="https://a.org" target="_blank" rel="noopener noreferrer">https://a.org</a> b)</p></div>',
    );
    expect(html("[a](https://a.org")).not.toContain("title=");
  });

  it("keeps labelled links linear on crafted input", () => {
    const start = performance.now();
    html("[".repeat(16_000));
    html("[a](".repeat(4000));
    html("[a](" + "(".repeat(16_000));
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it("highlights mentions, more strongly for me and everyone", () => {
    expect(html("hi @bob and @alice and @channel")).toBe(
      '<div><p>hi <span class="mention">@bob</span> and <span class="mention mention-me">@alice</span> and <span class="mention mention-me">@channel</span></p></div>',
    );
    expect(html("mail me at joan@example.org")).toBe("<div><p>mail me at joan@example.org</p></div>");
  });

  it("detects mentions for notifications", () => {
    expect(mentions("hola @Alice!", "alice")).toBe(true);
    expect(mentions("hola @alicia", "alice")).toBe(false);
    expect(mentions("`@alice` in code", "alice")).toBe(false);
    expect(mentions("> @here look", "alice")).toBe(true);
  });
});

describe("XSS attempts render as text", () => {
  const attempts = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href=\"javascript:alert(1)\">x</a>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "**<svg onload=alert(1)>**",
    "https://example.org/\"onmouseover=\"alert(1)",
    "`</code><script>alert(1)</script>`",
    "```\n</pre><script>alert(1)</script>\n```",
    "[click](javascript:alert(1))",
    "[click](javascript:alert(1)//https://x.org)",
    "[click](  javascript:alert(1))",
    "[<img src=x onerror=alert(1)>](https://x.org)",
    "vbscript:msgbox(1)",
  ];
  for (const attempt of attempts) {
    it(`neutralises ${JSON.stringify(attempt)}`, () => {
      const out = html(attempt);
      expect(out).not.toMatch(/<script/i);
      expect(out).not.toMatch(/<img|<svg|<iframe/i);
      // Event-handler attributes inside a real tag (escaped text may still say "onerror=").
      expect(out).not.toMatch(/<[^>]*\son\w+=/i);
      expect(out).not.toMatch(/href="(?!https?:|mailto:)/i);
    });
  }

  it("shows HTML entities literally instead of decoding them", () => {
    expect(html("&lt;b&gt; &amp;")).toBe("<div><p>&amp;lt;b&amp;gt; &amp;amp;</p></div>");
  });

  it("keeps a quote character in a URL from breaking out of the attribute", () => {
    const out = html('https://example.org/"onmouseover="alert(1)');
    expect(out).toContain('href="https://example.org/"');
    expect(out).toContain("onmouseover=");
    expect(out).not.toMatch(/<a [^>]*onmouseover/);
  });

  it("only allows http, https and mailto hrefs", () => {
    expect(safeHref("https://x.org")).toBe("https://x.org");
    expect(safeHref("mailto:a@b.c")).toBe("mailto:a@b.c");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,x")).toBeNull();
    expect(safeHref("http://")).toBeNull();
  });

  it("survives pathological input quickly", () => {
    const start = performance.now();
    html("**a ".repeat(3000) + "_b ".repeat(3000) + "`".repeat(2000));
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

/** The text a reader sees in rendered HTML: tags dropped (a `<br/>` is a line break), entities read. */
function textOf(out: string): string {
  return out
    .replace(/<br\/>/g, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

const elementsIn = (out: string) => (out.match(/<[a-z]/g) ?? []).length;

describe("markdown work budget", () => {
  // 16 KiB bodies (the server's limit) built to make the parser or the page work hard.
  const bombs: Record<string, string> = {
    "*_ x4000": "*_".repeat(4000),
    "`a x8000": "`a".repeat(8000),
    "** x8000": "**".repeat(8000),
    "[ x16000": "[".repeat(16_000),
    "~~ x4000": "~~".repeat(4000),
    "*a* x5000": "*a*".repeat(5000),
    "<a> x5000": "<a>".repeat(5000),
    "<*>_ x4000": "<*>_".repeat(4000),
    "nested **_~~ x1600": "**_~~".repeat(1600) + "x" + "~~_**".repeat(1600),
    "_a inside bold": "**" + "_a ".repeat(5000) + "**",
    "[a]( x4000": "[a](".repeat(4000),
    "[[[a]]](url)": "[".repeat(4000) + "a" + "]".repeat(4000) + "(https://x.org)",
    "http://[ x2000": "http://[".repeat(2000),
    "url then ) x16000": "https://x.org/" + ")".repeat(16_000),
    "@a x5000": "@a ".repeat(5000),
    "> x8000": "> ".repeat(8000) + "deep",
    "quoted lines": "> > > > **a** _b_\n".repeat(900),
    "- a x4000": "- *a*\n".repeat(2700),
    "a<br> x8000": "a\n".repeat(8000),
  };

  for (const [name, bomb] of Object.entries(bombs)) {
    it(`renders ${name} within the budget, every character still there`, () => {
      const budget = new ParseBudget();
      parseMarkdown(bomb, budget);
      // Each step is bounded: one more charge than the budget at most (the longest is a line).
      expect(budget.steps).toBeLessThanOrEqual(MAX_PARSE_STEPS + bomb.length);
      const out = html(bomb);
      expect(elementsIn(out)).toBeLessThanOrEqual(MAX_MARKUP_NODES + 10);
      const text = textOf(out);
      // The formatted part drops its markers (at most 4 characters per node), quotes their ">"
      // (structure, not text); the rest is as typed. The very end may close a span opened early.
      const typed = bomb.replace(/^(> ?)+/gm, "").trim();
      expect(text.length).toBeGreaterThanOrEqual(typed.length - 4 * MAX_MARKUP_NODES);
      const squash = (x: string) => x.replace(/\s+/g, " ");
      expect(squash(text)).toContain(squash(typed.slice(-1000, -8)));
    });
  }

  it("renders every bomb quickly (a guard against quadratic work, not a benchmark)", () => {
    const start = performance.now();
    for (const bomb of Object.values(bombs)) html(bomb);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it("keeps the work linear in the length of the text", () => {
    // Without limits, doubling the text doubles the steps (memoised closer searches and
    // remembered "no ] ahead" make every search at most once per position).
    for (const unit of ["*_", "`a", "**a ", "_a ", "[", "[a](", "~~", "**x _y `z` ~~w "]) {
      const steps = (n: number) => {
        const budget = new ParseBudget(Infinity, Infinity);
        parseMarkdown(unit.repeat(n), budget);
        return budget.steps;
      };
      const small = steps(1000);
      expect(steps(4000)).toBeLessThanOrEqual(4 * small + 100);
      expect(small).toBeLessThanOrEqual(8 * unit.length * 1000);
    }
  });

  it("formats up to the budget, then shows the rest as typed, line breaks kept", () => {
    const body = "*a* ".repeat(MAX_MARKUP_NODES + 50) + "\nlast **line**";
    const out = html(body);
    expect((out.match(/<em>/g) ?? []).length).toBe(MAX_MARKUP_NODES - 1);
    expect(out).toContain('<p class="md-plain">');
    expect(out).toContain("*a* *a* \nlast **line**</p>");
    // Blocks after the budget ran out are one plain paragraph, markers and all.
    const blocks = html("*a* ".repeat(MAX_MARKUP_NODES) + "\n\n> quoted\n- item\n```\ncode\n```");
    expect(blocks).toContain('<p class="md-plain">> quoted\n- item\n```\ncode\n```</p>');
  });

  it("renders a long message of ordinary prose and formatting in full", () => {
    const sentence =
      "Bon dia **equip**: el servei de _padró_ torna a funcionar després de l'aturada d'aquest matí, " +
      "i les cues ja s'han buidat. Si encara veieu errors, mireu `npm ci` i [la guia](https://x.org/guia). ";
    const body = Array.from({ length: 28 }, () => sentence.repeat(3)).join("\n\n");
    expect(body.length).toBeGreaterThan(15_000);
    const budget = new ParseBudget();
    parseMarkdown(body, budget);
    expect(budget.exhausted).toBe(false);
    expect(html(body)).not.toContain("md-plain");
  });
});
