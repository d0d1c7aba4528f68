// The components of reactions, the message menu, the editor and tombstones, rendered to HTML
// (Catalan, the default language), plus the menu's arrow-key movement.
import { describe, expect, it } from "vitest";
import { renderToString } from "preact-render-to-string";
import type { Message } from "../../src/protocol";
import ca from "../../src/i18n/ca.json";
import en from "../../src/i18n/en.json";
import es from "../../src/i18n/es.json";
import { EMOJI_GROUPS, QUICK_REACTIONS } from "../../src/components/emoji";
import { MessageEditor } from "../../src/components/MessageEditor";
import { MessageText } from "../../src/components/MessageList";
import { EmojiPicker, MessageMenu, nextItem } from "../../src/components/MessageMenu";
import { ReactionChips } from "../../src/components/Reactions";

const message = (extra: Partial<Message> = {}): Message => ({
  id: "m1", channel_id: "c1", seq: 1, author_id: "me", body: "Bon dia", created_at: "2026-01-01T09:00:00.000Z",
  client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
});
const noop = () => undefined;
const save = async () => undefined;
const count = (html: string, needle: string) => html.split(needle).length - 1;
/** The opening tag of the first element whose attributes include `marker` (attribute order varies). */
function tag(html: string, marker: string): string {
  const found = [...html.matchAll(/<[a-z]+\b[^>]*>/g)].map((m) => m[0]).find((t) => t.includes(marker));
  if (!found) throw new Error(`no element with ${marker}`);
  return found;
}

describe("reaction chips", () => {
  const reactions = [
    { emoji: "👍", count: 2, user_ids: ["anna", "me"] },
    { emoji: "🎉", count: 1, user_ids: ["anna"] },
  ];
  const html = renderToString(
    <ReactionChips
      reactions={reactions}
      meId="me"
      who={["Anna i Jo han reaccionat amb 👍", "Anna ha reaccionat amb 🎉"]}
      onToggle={noop}
      onAdd={noop}
    />,
  );

  it("shows each emoji with its count, the user's own highlighted and pressed", () => {
    expect(html).toContain('role="group" aria-label="Reaccions"');
    const thumbs = tag(html, 'data-emoji="👍"');
    for (const attribute of ['class="reaction-chip mine"', 'aria-pressed="true"', 'aria-label="👍: 2 reaccions"', 'title="Anna i Jo han reaccionat amb 👍"']) {
      expect(thumbs).toContain(attribute);
    }
    const party = tag(html, 'data-emoji="🎉"');
    for (const attribute of ['class="reaction-chip"', 'aria-pressed="false"', 'aria-label="🎉: 1 reacció"', 'title="Anna ha reaccionat amb 🎉"']) {
      expect(party).toContain(attribute);
    }
    expect(html).toMatch(/class="reaction-count">2<\/span>/);
  });

  it("ends with a labelled button to add another", () => {
    expect(html).toContain('aria-label="Afegeix una reacció"');
    expect(html).not.toContain("reaction-who");
  });
});

describe("the message menu", () => {
  const anchor = {} as HTMLElement;
  const menu = (props: { canEdit: boolean; canDelete: boolean; withPicker?: boolean; reacted?: boolean; pinned?: boolean; saved?: boolean }) =>
    renderToString(
      <MessageMenu
        message={message(props.reacted ? { reactions: [{ emoji: "❤️", count: 1, user_ids: ["me"] }] } : {})}
        meId="me"
        canEdit={props.canEdit}
        canDelete={props.canDelete}
        withPicker={props.withPicker ?? false}
        anchor={anchor}
        container={null}
        onReact={noop}
        onEdit={noop}
        onDelete={noop}
        pinned={props.pinned ?? false}
        saved={props.saved ?? false}
        onTogglePin={noop}
        onToggleSave={noop}
        onClose={noop}
      />,
    );

  it("offers the eight quick reactions and the picker, as menu items with labels", () => {
    const html = menu({ canEdit: false, canDelete: false });
    expect(html).toContain('role="menu" aria-label="Opcions del missatge"');
    expect(QUICK_REACTIONS).toEqual(["👍", "❤️", "😂", "🎉", "😮", "🙏", "✅", "👀"]);
    for (const emoji of QUICK_REACTIONS) expect(html).toContain(`aria-label="Reacciona amb ${emoji}"`);
    expect(html).toContain('aria-expanded="false" aria-label="Més reaccions"');
    // Nine in the reactions row, then Pin and Save, which every member may do.
    expect(count(html, 'role="menuitem"')).toBe(11);
    expect(html).not.toContain("emoji-picker");
  });

  it("offers Pin or Unpin, and Save or Remove from saved, as the message is", () => {
    const plain = menu({ canEdit: false, canDelete: false });
    expect(plain).toContain("<span>Fixa</span>");
    expect(plain).toContain("<span>Desa</span>");
    const both = menu({ canEdit: false, canDelete: false, pinned: true, saved: true });
    expect(both).toContain("<span>Desfixa</span>");
    expect(both).toContain("<span>Treu de desats</span>");
  });

  it("offers Edit and Delete only as allowed", () => {
    expect(menu({ canEdit: false, canDelete: false })).not.toMatch(/Edita|Elimina/);
    const admin = menu({ canEdit: false, canDelete: true });
    expect(admin).toContain("Elimina el missatge");
    expect(admin).not.toContain("Edita el missatge");
    const own = menu({ canEdit: true, canDelete: true });
    expect(own).toContain("Edita el missatge");
    expect(own).toContain('class="menu-item danger"');
  });

  it("a quick reaction the user already gave takes it back", () => {
    const html = menu({ canEdit: false, canDelete: false, reacted: true });
    expect(tag(html, 'data-emoji="❤️"')).toMatch(/aria-label="Treu la teva reacció ❤️".*class="emoji-item mine"/);
    expect(tag(html, 'data-emoji="👍"')).toContain('class="emoji-item"');
  });

  it("opens with the picker from the chips' add button", () => {
    const html = menu({ canEdit: true, canDelete: true, withPicker: true });
    expect(html).toContain('aria-expanded="true"');
    expect(html).toContain('aria-label="Tria una reacció"');
  });
});

describe("the emoji picker", () => {
  const html = renderToString(<EmojiPicker mine={(e) => e === "🚀"} onPick={noop} />);

  it("has a few dozen emoji in labelled groups, Unicode only", () => {
    const all = EMOJI_GROUPS.flatMap((g) => g.emoji);
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(all.length).toBeLessThanOrEqual(80);
    expect(new Set(all).size).toBe(all.length);
    for (const group of EMOJI_GROUPS) expect(html).toContain(`aria-labelledby="emoji-group-${group.id}"`);
    expect(html).toContain(">Cares<");
    expect(html).not.toMatch(/<img|url\(|https?:/);
    expect(tag(html, 'data-emoji="🚀"')).toMatch(/aria-label="Treu la teva reacció 🚀".*class="emoji-item mine"/);
  });
});

describe("the message's text", () => {
  const render = (m: Message, options: { isBot?: boolean; editing?: boolean } = {}) =>
    renderToString(
      <MessageText message={m} isBot={options.isBot ?? false} editing={options.editing ?? false} options={{}} onSaveEdit={save} onCancelEdit={noop} />,
    );

  it("marks an edited message at the end of its last paragraph, with the time on hover", () => {
    const html = render(message({ body: "Primera\n\nReunió a les 11", edited_at: "2026-01-01T10:00:00.000Z" }));
    expect(html).toMatch(/<p>Reunió a les 11 <span title="Editat: [^"]+" class="edited-mark">\(editat\)<\/span><\/p><\/div>$/);
  });

  it("puts the mark on its own line after a list, and not on a bot's updated card", () => {
    expect(render(message({ body: "- u\n- dos", edited_at: "2026-01-01T10:00:00.000Z" }))).toMatch(/<\/ul><span [^>]*class="edited-mark">\(editat\)<\/span><\/div>$/);
    expect(render(message({ edited_at: "2026-01-01T10:00:00.000Z" }), { isBot: true })).not.toContain("edited-mark");
    expect(render(message())).not.toContain("edited-mark");
  });

  it("shows a deleted message as a tombstone line", () => {
    expect(render(message({ deleted: true, body: "" }))).toBe(`<div class="message-text tombstone">S'ha eliminat aquest missatge</div>`);
  });

  it("shows the editor in place of the text while editing", () => {
    const html = render(message({ body: "Reunió a les 10" }), { editing: true });
    expect(html).toContain('aria-label="Edita el missatge"');
    expect(html).toContain(">Reunió a les 10</textarea>");
  });
});

describe("the editor", () => {
  it("is a labelled field with its keys explained, and Cancel and Save buttons", () => {
    const html = renderToString(<MessageEditor messageId="m1" initial="Hola" onSave={save} onCancel={noop} />);
    expect(html).toContain('aria-label="Edita el missatge" aria-describedby="edit-hint-m1"');
    expect(html).toContain('id="edit-hint-m1"');
    expect(html).toContain("Retorn desa; Esc cancel·la");
    expect(html).toContain(">Cancel·la</button>");
    expect(html).toContain(">Desa</button>");
  });
});

describe("texts in the three languages", () => {
  it("name the edited mark and the tombstone as asked", () => {
    expect([ca["messages.edited"], es["messages.edited"], en["messages.edited"]]).toEqual(["(editat)", "(editado)", "(edited)"]);
    expect([ca["messages.deleted"], es["messages.deleted"], en["messages.deleted"]]).toEqual([
      "S'ha eliminat aquest missatge",
      "Se ha eliminado este mensaje",
      "This message was deleted",
    ]);
  });
});

describe("arrow keys in the menu", () => {
  /** A fake item at a place on screen. */
  const item = (name: string, left: number, top: number) =>
    ({ name, getBoundingClientRect: () => ({ left, top, width: 30, height: 30, right: left + 30, bottom: top + 30 }) }) as unknown as HTMLElement & { name: string };
  // Two rows of three emoji, then a list of two actions.
  const grid = [item("a", 0, 0), item("b", 32, 0), item("c", 64, 0), item("d", 0, 32), item("e", 32, 32), item("f", 64, 32)];
  const actions = [item("edit", 0, 70), item("delete", 0, 102)];
  const list = [...grid, ...actions];
  const move = (from: number, key: string) => (nextItem(list, list[from]!, key) as unknown as { name: string } | undefined)?.name;

  it("left and right go through the items in order, wrapping", () => {
    expect(move(0, "ArrowRight")).toBe("b");
    expect(move(0, "ArrowLeft")).toBe("delete");
    expect(move(2, "ArrowRight")).toBe("d");
  });

  it("up and down go to the nearest item on the next row", () => {
    expect(move(1, "ArrowDown")).toBe("e");
    expect(move(4, "ArrowUp")).toBe("b");
    expect(move(5, "ArrowDown")).toBe("edit");
    expect(move(6, "ArrowDown")).toBe("delete");
    expect(move(7, "ArrowDown")).toBe("a");
    expect(move(6, "ArrowUp")).toBe("d");
  });

  it("Home and End jump to the ends; other keys do nothing", () => {
    expect(move(3, "Home")).toBe("a");
    expect(move(3, "End")).toBe("delete");
    expect(move(3, "x")).toBeUndefined();
  });
});
