import { describe, expect, it } from "vitest";
import { renderToString } from "preact-render-to-string";
import type { Attachment, Block, Message, MessageExtras } from "../../src/protocol";
import {
  barColour,
  cleanActions,
  cleanAttachments,
  cleanBlocks,
  emojiFor,
  fallbackBody,
  isCommand,
  senderKey,
  showAttachmentText,
  showBody,
  shownExtras,
  splitTimestamps,
} from "../../src/extras/extras";
import { AttachmentList, BlockList } from "../../src/components/Extras";
import { commandMatches } from "../../src/components/Composer";

const grafana: Attachment[] = [
  {
    fallback: "[Alerting] CPU alta a srv-web-01",
    color: "danger",
    title: "[Alerting] CPU alta a srv-web-01",
    title_link: "https://grafana.ajuntament.local/d/abc",
    text: "La CPU ha superat el **90 %** durant 5 minuts.",
    fields: [
      { title: "Servidor", value: "srv-web-01", short: true },
      { title: "Valor", value: "93,4 %", short: true },
    ],
    footer: "Grafana v10",
  },
];
const blocks: Block[] = [
  { type: "header", text: "Desplegament completat" },
  { type: "section", text: "Versió **2.4.1** a producció", fields: ["**Entorn:**\nproducció", "**Durada:**\n3 min"] },
  { type: "divider" },
  { type: "context", elements: ["GitLab CI", "pipeline #4812"] },
];

describe("attachment colours", () => {
  it("maps Slack's named colours and validates hex", () => {
    expect(barColour("good")).toEqual({ kind: "named", name: "good" });
    expect(barColour(" Warning ")).toEqual({ kind: "named", name: "warning" });
    expect(barColour("danger")).toEqual({ kind: "named", name: "danger" });
    expect(barColour("#36A64F")).toEqual({ kind: "hex", hex: "#36a64f" });
    expect(barColour("#f0a")).toEqual({ kind: "hex", hex: "#ff00aa" });
    expect(barColour("439FE0")).toEqual({ kind: "hex", hex: "#439fe0" });
  });

  it("refuses anything that is not a plain colour", () => {
    for (const bad of [undefined, "", "red", "#12345", "#1234567", "#gggggg", "#ff0000;background:url(https://x.org/a)", "url(x)", "var(--x)", "expression(alert(1))", "#ff0000 !important"]) {
      expect(barColour(bad), String(bad)).toEqual({ kind: "none" });
    }
  });

  it("renders the bar through a class or a custom property, never a raw value", () => {
    const html = renderToString(
      <AttachmentList
        attachments={[{ color: "good", title: "a" }, { color: "#ABCDEF", title: "b" }, { color: "red;x:y", title: "c" }]}
        options={{}}
      />,
    );
    expect(html).toContain('class="attachment bar-good"');
    expect(html).toContain('class="attachment bar-custom" style="--bar:#abcdef;"');
    expect(html).not.toContain("red;x");
    expect((html.match(/style=/g) ?? []).length).toBe(1);
  });
});

describe("icon emoji", () => {
  it("maps common shortcodes and falls back to null", () => {
    expect(emojiFor(":rocket:")).toBe("🚀");
    expect(emojiFor(":warning:")).toBe("⚠️");
    expect(emojiFor(":white_check_mark:")).toBe("✅");
    expect(emojiFor(":robot_face:")).toBe("🤖");
    expect(emojiFor("ghost")).toBe("👻");
    expect(emojiFor(":thumbsup::skin-tone-3:")).toBe("👍");
    expect(emojiFor(":not_an_emoji:")).toBeNull();
    expect(emojiFor(":constructor:")).toBeNull();
    expect(emojiFor(":__proto__:")).toBeNull();
    expect(emojiFor(undefined)).toBeNull();
  });

  it("never takes icon_url from the extras", () => {
    const shown = shownExtras({ username: "Grafana", icon_url: "https://grafana.example.org/logo.png", webhook_id: "h1" });
    expect(JSON.stringify(shown)).not.toContain("logo.png");
    expect(shown).toMatchObject({ username: "Grafana", emoji: null, viaWebhook: true });
  });
});

describe("the body next to attachments and blocks", () => {
  const message = (body: string, extras?: MessageExtras): Pick<Message, "body" | "extras"> => ({ body, ...(extras ? { extras } : {}) });

  it("rebuilds the server's fallback exactly", () => {
    expect(fallbackBody(grafana, [])).toBe("[Alerting] CPU alta a srv-web-01");
    const noFallback = grafana.map(({ fallback: _, ...rest }) => rest);
    expect(fallbackBody(noFallback, blocks)).toBe(
      [
        "Desplegament completat",
        "Versió **2.4.1** a producció",
        "**Entorn:**\nproducció",
        "**Durada:**\n3 min",
        "GitLab CI pipeline #4812",
        "[Alerting] CPU alta a srv-web-01",
        "La CPU ha superat el **90 %** durant 5 minuts.",
        "Servidor: srv-web-01",
        "Valor: 93,4 %",
      ].join("\n"),
    );
  });

  it("hides a body generated from the attachments or blocks", () => {
    expect(showBody(message(fallbackBody(grafana, []), { attachments: grafana }))).toBe(false);
    expect(showBody(message(fallbackBody([], blocks), { blocks }))).toBe(false);
    const noFallback = grafana.map(({ fallback: _, ...rest }) => rest);
    expect(showBody(message(fallbackBody(noFallback, blocks), { attachments: noFallback, blocks }))).toBe(false);
  });

  it("hides a body the renderings already contain, and shows one that adds something", () => {
    expect(showBody(message("  Desplegament completat ", { blocks }))).toBe(false);
    expect(showBody(message("srv-web-01", { attachments: grafana }))).toBe(false);
    expect(showBody(message("@channel atenció: alerta nova", { attachments: grafana }))).toBe(true);
  });

  it("always shows the body of a message without attachments or blocks", () => {
    expect(showBody(message("hola"))).toBe(true);
    expect(showBody(message("hola", { username: "Jenkins", attachments: [], blocks: [] }))).toBe(true);
  });
});

describe("untrusted extras", () => {
  it("keeps only well-typed attachment fields and safe title links", () => {
    const cleaned = cleanAttachments([
      { title: "ok", title_link: "javascript:alert(1)", text: 5, fields: [{ title: "A", value: 3, short: "yes" }, "junk", { value: "" }] },
      "not an object",
      null,
      { title: "link", title_link: "https://x.org/a" },
    ]);
    expect(cleaned).toEqual([
      { title: "ok", fields: [{ title: "A", value: "3", short: false }] },
      { title: "link", title_link: "https://x.org/a" },
    ]);
    expect(cleanAttachments("nope")).toEqual([]);
  });

  it("keeps the four supported block kinds and valid buttons", () => {
    expect(cleanBlocks([{ type: "image", image_url: "https://x.org/i.png" }, { type: "header", text: "H" }, { type: "context", elements: ["a", 1] }, { type: "divider" }])).toEqual([
      { type: "header", text: "H" },
      { type: "context", elements: ["a"] },
      { type: "divider" },
    ]);
    expect(cleanActions([{ id: "a", label: "A", style: "primary" }, { id: "b", label: "B", style: "weird" }, { id: "", label: "x" }])).toEqual([
      { id: "a", label: "A", style: "primary" },
      { id: "b", label: "B", style: "default" },
    ]);
  });

  it("renders links in attachments only for web and mail URLs", () => {
    const html = renderToString(<AttachmentList attachments={[{ title: "T", title_link: "javascript:alert(1)" }, { title: "U", title_link: "https://x.org/" }]} options={{}} />);
    expect(html).not.toContain("javascript:");
    expect(html).toContain('<a href="https://x.org/" target="_blank" rel="noopener noreferrer">U</a>');
  });

  it("lays fields out two per row only when short", () => {
    const html = renderToString(<AttachmentList attachments={grafana} options={{}} />);
    expect(html.match(/class="field-cell short"/g)).toHaveLength(2);
    const long = renderToString(<AttachmentList attachments={[{ fields: [{ title: "Llarg", value: "x", short: false }] }]} options={{}} />);
    expect(long).toContain('class="field-cell"');
    expect(html).toContain('<div class="att-footer">Grafana v10</div>');
  });

  it("renders blocks: header, section with fields, divider, context", () => {
    const html = renderToString(<BlockList blocks={blocks} options={{}} />);
    expect(html).toContain('<div class="block-header" role="heading" aria-level="3">Desplegament completat</div>');
    expect(html).toContain("<strong>2.4.1</strong>");
    expect(html.match(/class="message-text section-field"/g)).toHaveLength(2);
    expect(html).toContain('<hr class="block-divider"/>');
    expect(html).toContain('class="block-context"');
  });
});

describe("senders and commands", () => {
  it("tells webhook senders apart even when one account posts for all", () => {
    const a = senderKey({ author_id: "hook", extras: { username: "Grafana", webhook_id: "h1" } });
    const b = senderKey({ author_id: "hook", extras: { username: "GitLab", webhook_id: "h2" } });
    expect(a).not.toBe(b);
    expect(senderKey({ author_id: "bob" })).toBe("bob");
    expect(senderKey({ author_id: "bot", extras: { actions: [{ id: "a", label: "A" }] } })).toBe("bot");
  });

  it("knows a command from text", () => {
    expect(isCommand("/help")).toBe(true);
    expect(isCommand("/suport no va la impressora")).toBe(true);
    expect(isCommand("//help")).toBe(false);
    expect(isCommand("help /x")).toBe(false);
    expect(isCommand("/tickets\nmés")).toBe(true);
    expect(isCommand("/informació")).toBe(true);
    // The server posts these as plain text.
    expect(isCommand("/")).toBe(false);
    expect(isCommand("/ hola")).toBe(false);
    expect(isCommand("/usr/bin és ple")).toBe(false);
  });

  it("offers the built-in commands while the first word is typed", () => {
    expect(commandMatches("/").map((c) => c.name)).toEqual(["help", "suport", "ticket", "tickets", "info"]);
    expect(commandMatches("/tick").map((c) => c.name)).toEqual(["ticket", "tickets"]);
    expect(commandMatches("/help ")).toEqual([]);
    expect(commandMatches("//")).toEqual([]);
    expect(commandMatches("hola /help")).toEqual([]);
  });

  it("offers the channel's commands after the built-ins, filtered the same way", () => {
    const channel = [
      { name: "desplega", description: "Desplega una branca" },
      { name: "estat", description: "Estat dels serveis", bot_id: "b1", bot_username: "monitor" },
      // A bot's name that is a built-in's, or repeated, or one that cannot be typed: not offered.
      { name: "help", description: "L'ajuda del bot", bot_id: "b1", bot_username: "monitor" },
      { name: "estat", description: "Un altre estat", bot_id: "b2", bot_username: "altre" },
      { name: "amb espai", description: "?" },
    ];
    expect(commandMatches("/", channel).map((c) => c.name)).toEqual(["help", "suport", "ticket", "tickets", "info", "desplega", "estat"]);
    expect(commandMatches("/es", channel)).toEqual([{ builtin: false, ...channel[1] }]);
    expect(commandMatches("/ES", channel).map((c) => c.name)).toEqual(["estat"]);
    expect(commandMatches("/t", [{ name: "temps", description: "El temps" }]).map((c) => [c.name, c.builtin])).toEqual([
      ["ticket", true],
      ["tickets", true],
      ["temps", false],
    ]);
    expect(commandMatches("/estat ", channel)).toEqual([]);
    expect(commandMatches("/h", channel).filter((c) => c.name === "help")).toHaveLength(1);
    expect(commandMatches("/h", channel)[0]).toMatchObject({ builtin: true, description: "commands.help" });
  });
});

describe("bot cards (the support desk's tickets)", () => {
  const ticket: Attachment = {
    color: "warning",
    title: "#1 · La impressora de la 2a planta no imprimeix",
    text: "La impressora de la 2a planta no imprimeix",
    fields: [{ title: "Estat", value: "obert", short: true }],
    footer: "Obert 2026-11-26T15:01:28.012Z",
  };

  it("does not repeat under the title a one-line text the title already says", () => {
    expect(showAttachmentText(ticket)).toBe(false);
    expect(showAttachmentText({ ...ticket, text: "La impressora  de la 2a planta\tno imprimeix " })).toBe(false);
    // Anything that adds something is shown.
    expect(showAttachmentText({ ...ticket, text: "La impressora de la 2a planta no imprimeix des d'ahir" })).toBe(true);
    expect(showAttachmentText({ ...ticket, text: "La impressora de la 2a planta\nno imprimeix" })).toBe(true);
    expect(showAttachmentText({ text: "sense títol" })).toBe(true);
    expect(showAttachmentText({ title: "t", text: "  " })).toBe(false);
    const html = renderToString(<AttachmentList attachments={[ticket]} options={{}} />);
    expect(html.split("no imprimeix").length - 1).toBe(1);
    expect(html).not.toContain("att-text");
  });

  it("finds machine timestamps in footers, with a zone only", () => {
    expect(splitTimestamps("Obert 2026-11-26T15:01:28.012Z")).toEqual([{ text: "Obert " }, { iso: "2026-11-26T15:01:28.012Z" }]);
    expect(splitTimestamps("2026-01-02 08:00+01:00 · Grafana")).toEqual([{ iso: "2026-01-02T08:00+01:00" }, { text: " · Grafana" }]);
    expect(splitTimestamps("Grafana v10.2.3")).toEqual([{ text: "Grafana v10.2.3" }]);
    // No zone: which instant it is cannot be known, so it stays as written.
    expect(splitTimestamps("at 2026-11-26T15:01:28")).toEqual([{ text: "at 2026-11-26T15:01:28" }]);
    expect(splitTimestamps("2026-13-45T99:99Z")).toEqual([{ text: "2026-13-45T99:99Z" }]);
  });

  it("shows a footer's timestamp as a local date and time, the exact one on hover", () => {
    const html = renderToString(<AttachmentList attachments={[ticket]} options={{}} />);
    expect(html).toMatch(/<div class="att-footer">Obert <time datetime="2026-11-26T15:01:28.012Z" title="[^"]+">[^<]*2026[^<]*<\/time><\/div>/);
    expect(html).not.toContain(">Obert 2026-11-26T15");
  });
});
