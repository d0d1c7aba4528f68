import { describe, expect, it } from "vitest";
import { renderToString } from "preact-render-to-string";
import { parseMarkdown, safeHref } from "../../src/markdown/parse";
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
