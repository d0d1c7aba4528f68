// What a message carries beyond its text, drawn the way Slack and Mattermost do: attachments
// with a coloured bar, Block Kit blocks, and buttons. Every text goes through the same safe
// Markdown renderer as message bodies; the only colour that reaches the page is a validated
// `#rrggbb`, set as a CSS custom property through the CSSOM (CSP-clean); nothing is fetched.
import type { Attachment, AttachmentField, Block, MessageAction } from "../protocol";
import { formatDateTime, formatFull, t } from "../i18n";
import { safeHref } from "../markdown/parse";
import { type RenderOptions, renderMarkdown } from "../markdown/render";
import { barColour, showAttachmentText, splitTimestamps } from "../extras/extras";

export function AttachmentList({ attachments, options }: { attachments: readonly Attachment[]; options: RenderOptions }) {
  if (attachments.length === 0) return null;
  return (
    <div class="attachments">
      {attachments.map((a, i) => (
        <AttachmentView key={i} attachment={a} options={options} />
      ))}
    </div>
  );
}

function AttachmentView({ attachment: a, options }: { attachment: Attachment; options: RenderOptions }) {
  const colour = barColour(a.color);
  const classes = ["attachment"];
  if (colour.kind === "named") classes.push(`bar-${colour.name}`);
  if (colour.kind === "hex") classes.push("bar-custom");
  // Preact applies a style object through element.style.setProperty (the CSSOM), which a
  // `style-src 'self'` policy allows; no style attribute string is ever written.
  const style = colour.kind === "hex" ? { "--bar": colour.hex } : undefined;
  const href = a.title_link ? safeHref(a.title_link) : null;
  const hasCard = Boolean(a.author_name || a.title || a.text || a.footer || a.fields?.length);
  return (
    <div class="attachment-wrap">
      {a.pretext && <div class="message-text att-pretext">{renderMarkdown(a.pretext, options)}</div>}
      {hasCard && (
        <div class={classes.join(" ")} style={style} data-color={colour.kind === "none" ? undefined : colour.kind === "hex" ? colour.hex : colour.name}>
          {a.author_name && <div class="att-author">{a.author_name}</div>}
          {a.title && (
            <div class="att-title">
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer">
                  {a.title}
                </a>
              ) : (
                a.title
              )}
            </div>
          )}
          {a.text && showAttachmentText(a) && <div class="message-text att-text">{renderMarkdown(a.text, options)}</div>}
          {a.fields && a.fields.length > 0 && <FieldGrid fields={a.fields} options={options} />}
          {a.footer && <div class="att-footer">{footerText(a.footer)}</div>}
        </div>
      )}
    </div>
  );
}

/** A footer as plain text, with machine timestamps shown in the reader's time zone and language. */
function footerText(footer: string) {
  return splitTimestamps(footer).map((part, i) =>
    "iso" in part ? (
      <time key={i} dateTime={part.iso} title={formatFull(part.iso)}>
        {formatDateTime(part.iso)}
      </time>
    ) : (
      part.text
    ),
  );
}

function FieldGrid({ fields, options }: { fields: readonly AttachmentField[]; options: RenderOptions }) {
  return (
    <dl class="field-grid">
      {fields.map((f, i) => (
        <div key={i} class={f.short ? "field-cell short" : "field-cell"}>
          {f.title && <dt class="field-title">{f.title}</dt>}
          <dd class="message-text field-value">{renderMarkdown(f.value, options)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function BlockList({ blocks, options }: { blocks: readonly Block[]; options: RenderOptions }) {
  if (blocks.length === 0) return null;
  return (
    <div class="blocks">
      {blocks.map((block, i) => {
        switch (block.type) {
          case "header":
            return (
              <div key={i} class="block-header" role="heading" aria-level={3}>
                {block.text}
              </div>
            );
          case "section":
            return (
              <div key={i} class="block-section">
                {block.text && <div class="message-text">{renderMarkdown(block.text, options)}</div>}
                {block.fields && block.fields.length > 0 && (
                  <div class="section-fields">
                    {block.fields.map((f, j) => (
                      <div key={j} class="message-text section-field">
                        {renderMarkdown(f, options)}
                      </div>
                    ))}
                  </div>
                )}
              </div>
            );
          case "context":
            return (
              <div key={i} class="block-context">
                {block.elements.map((e, j) => (
                  <span key={j} class="message-text context-element">
                    {renderMarkdown(e, options)}
                  </span>
                ))}
              </div>
            );
          case "divider":
            return <hr key={i} class="block-divider" />;
        }
      })}
    </div>
  );
}

export function ActionButtons({
  actions,
  busy,
  disabled,
  onAction,
}: {
  actions: readonly MessageAction[];
  /** Ids of the buttons clicked and not yet answered by an update. */
  busy: ReadonlySet<string> | undefined;
  disabled: boolean;
  onAction: (actionId: string) => void;
}) {
  if (actions.length === 0) return null;
  return (
    <div class="message-actions" role="group" aria-label={t("actions.label")}>
      {actions.map((a) => {
        const waiting = busy?.has(a.id) ?? false;
        return (
          <button
            key={a.id}
            type="button"
            class={`button action-button action-${a.style ?? "default"}`}
            disabled={disabled || waiting}
            aria-busy={waiting ? "true" : undefined}
            data-action={a.id}
            onClick={() => onAction(a.id)}
          >
            {a.label}
          </button>
        );
      })}
    </div>
  );
}
