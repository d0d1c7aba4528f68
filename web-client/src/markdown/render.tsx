// Turns the Markdown tree into Preact elements. Message text only ever becomes text children
// (escaped by Preact), never markup: no innerHTML, no dangerouslySetInnerHTML.
import { type ComponentChild, type ComponentChildren, type VNode, cloneElement } from "preact";
import { type Block, type Inline, parseMarkdown } from "./parse";

export interface RenderOptions {
  /** True when `@username` addresses the current user (highlighted more strongly). */
  isMe?: (username: string) => boolean;
}

/** Words that address everyone in a channel. */
export const BROADCAST_MENTIONS = new Set(["channel", "here", "all", "tothom", "todos"]);

export function renderMarkdown(body: string, options: RenderOptions = {}): VNode[] {
  return parseMarkdown(body).map((block, i) => renderBlock(block, i, options));
}

/**
 * Rendered blocks with `tail` (a mark such as "(edited)") at the end of the text: inside the
 * last paragraph, so it reads and copies as part of that line; after a list, quote or code
 * block, on a line of its own.
 */
export function withTrailing(blocks: readonly VNode[], tail: VNode): ComponentChild[] {
  const last = blocks[blocks.length - 1];
  if (last?.type !== "p") return [...blocks, tail];
  const children = (last.props as { children?: ComponentChildren }).children;
  return [...blocks.slice(0, -1), cloneElement(last, undefined, children, " ", tail)];
}

function renderBlock(block: Block, key: number, options: RenderOptions): VNode {
  switch (block.t) {
    case "p":
      // A paragraph the parser's budget ran out in keeps its line breaks as characters (CSS).
      return (
        <p key={key} class={block.plain ? "md-plain" : undefined}>
          {renderInlines(block.c, options)}
        </p>
      );
    case "pre":
      return (
        <pre key={key} class="md-pre">
          <code>{block.v}</code>
        </pre>
      );
    case "quote":
      return <blockquote key={key}>{block.c.map((b, i) => renderBlock(b, i, options))}</blockquote>;
    case "list": {
      const items = block.items.map((item, i) => <li key={i}>{renderInlines(item, options)}</li>);
      return block.ordered ? (
        <ol key={key} start={block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
  }
}

function renderInlines(nodes: Inline[], options: RenderOptions): ComponentChild[] {
  return nodes.map((node, i) => renderInline(node, i, options));
}

function renderInline(node: Inline, key: number, options: RenderOptions): ComponentChild {
  switch (node.t) {
    case "text":
      return node.v;
    case "br":
      return <br key={key} />;
    case "code":
      return (
        <code key={key} class="md-code">
          {node.v}
        </code>
      );
    case "strong":
      return <strong key={key}>{renderInlines(node.c, options)}</strong>;
    case "em":
      return <em key={key}>{renderInlines(node.c, options)}</em>;
    case "del":
      return <del key={key}>{renderInlines(node.c, options)}</del>;
    case "link":
      // A labelled link shows where it really goes on hover (the label may be any text).
      return node.c ? (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer" title={node.href}>
          {renderInlines(node.c, options)}
        </a>
      ) : (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer">
          {node.v}
        </a>
      );
    case "mention": {
      const name = node.v.toLowerCase();
      const me = BROADCAST_MENTIONS.has(name) || (options.isMe?.(node.v) ?? false);
      return (
        <span key={key} class={me ? "mention mention-me" : "mention"}>
          @{node.v}
        </span>
      );
    }
  }
}

/** True when the body mentions `username` (or everyone): for notifications. */
export function mentions(body: string, username: string): boolean {
  const wanted = username.toLowerCase();
  const found = (nodes: Inline[]): boolean =>
    nodes.some((n) => {
      if (n.t === "mention") {
        const v = n.v.toLowerCase();
        return v === wanted || BROADCAST_MENTIONS.has(v);
      }
      return "c" in n && n.c !== undefined && found(n.c);
    });
  const inBlocks = (blocks: Block[]): boolean =>
    blocks.some((b) => {
      if (b.t === "p") return found(b.c);
      if (b.t === "quote") return inBlocks(b.c);
      if (b.t === "list") return b.items.some(found);
      return false;
    });
  return inBlocks(parseMarkdown(body));
}
