// The thread panel rendered to HTML (Catalan): its root and replies offer the same actions as
// the channel's messages (the "…" menu button, reaction chips); a pending reply and a
// tombstone offer none.
import { describe, expect, it } from "vitest";
import { renderToString } from "preact-render-to-string";
import type { Message, User } from "../../src/protocol";
import { ServicesContext, type Services } from "../../src/components/context";
import { ThreadPanel } from "../../src/components/ThreadPanel";
import { ChatStore } from "../../src/store/chat";
import { UploadQueues } from "../../src/files/queue";

const me: User = { id: "me", username: "me", display_name: "Me", kind: "human", role: "member", department_ids: [], active: true };
const message = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`, channel_id: "c1", seq, author_id: "bob", body: `text ${seq}`, created_at: "2026-12-06T09:00:00Z",
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
});

function render(messages: Message[]) {
  const store = new ChatStore();
  store.me = me;
  store.openThread = { channelId: "c1", rootSeq: 5 };
  store.timeline("c1").merge(messages);
  store.timeline("c1").addPending({ clientMsgId: "p1", channelId: "c1", authorId: "me", body: "en camí", createdAt: "2026-12-06T09:05:00Z", threadRoot: 5 });
  const uploads = new UploadQueues(() => {
    throw new Error("no uploads here");
  });
  const services = { store, engine: { uploads } } as unknown as Services;
  return renderToString(
    <ServicesContext.Provider value={services}>
      <ThreadPanel />
    </ServicesContext.Provider>,
  );
}
const count = (html: string, needle: string) => html.split(needle).length - 1;

describe("the thread panel", () => {
  const html = render([
    message(5),
    message(6, { thread_root: 5, author_id: "me", reactions: [{ emoji: "👍", count: 1, user_ids: ["bob"] }], pinned: true }),
    message(7, { thread_root: 5, deleted: true, body: "" }),
  ]);

  it("gives the root and each sent reply the message menu button", () => {
    expect(count(html, 'class="message-menu-button"')).toBe(2);
    expect(html).toContain('data-message-id="m6"');
    expect(html).toMatch(/class="message thread-message mine"[^>]*data-message-id="m6"|data-message-id="m6"[^>]*class="message thread-message mine"/);
  });

  it("shows a reply's reactions as chips, with the button to add one, and its pin", () => {
    expect(html).toContain('class="reaction-chip"');
    expect(html).toContain('data-emoji="👍"');
    expect(html).toContain('aria-label="Afegeix una reacció"');
    expect(count(html, 'data-testid="pin-mark"')).toBe(1);
  });

  it("offers nothing on a tombstone or a reply still on its way", () => {
    expect(html).toContain("tombstone");
    expect(html).toContain('data-delivery="pending"');
    expect(count(html, "data-message-id=")).toBe(3);
  });
});

describe("files in the thread panel", () => {
  const html = render([
    message(5),
    message(6, {
      thread_root: 5,
      body: "",
      files: [
        { id: "f1", name: "façana.png", size: 48213, content_type: "image/png", sha256: "a", width: 1200, height: 800 },
        { id: "f2", name: "pressupost.pdf", size: 1536, content_type: "application/pdf", sha256: "b" },
      ],
    }),
  ]);

  it("shows an image as a preview with its box reserved, and a PDF as a card with its size", () => {
    expect(html).toContain('aria-label="Obre la imatge façana.png"');
    expect(html).toMatch(/width:\s*360px/);
    expect(html).toContain('class="file-card file-pdf"');
    expect(html).toContain("pressupost.pdf");
    expect(html).toMatch(/1,5\s?kB/);
    expect(html).toContain('aria-label="Baixa pressupost.pdf"');
  });

  it("has an attach button with a label in the thread's composer", () => {
    expect(html).toContain('aria-label="Adjunta fitxers"');
    expect(html).toContain('type="file"');
    expect(html).toContain("multiple");
  });
});
