// Telling accounts apart when their names are alike (issue 18: a member renamed themself
// "Administrador", the admin's exact name): the @username on hover and, when a name is shared,
// beside it; the ADMIN and BOT badges; in the thread panel and the profile card too.
import { describe, expect, it } from "vitest";
import { renderToString } from "preact-render-to-string";
import type { Message, User } from "../../src/protocol";
import { ServicesContext, type Services } from "../../src/components/context";
import { AuthorName } from "../../src/components/people";
import { ProfileCard } from "../../src/components/ProfileCard";
import { ThreadPanel } from "../../src/components/ThreadPanel";
import { ChatStore, nameKey } from "../../src/store/chat";
import { UploadQueues } from "../../src/files/queue";

const user = (id: string, display_name: string, extra: Partial<User> = {}): User => ({
  id, username: id, display_name, kind: "human", role: "member", department_ids: [], active: true, ...extra,
});
const admin = user("admin", "Administrador", { role: "admin" });
const mallory = user("mallory", "Administrador");
const bot = user("grafana", "Grafana", { kind: "bot" });
const me = user("me", "Me");

function storeWith(users: User[]): ChatStore {
  const store = new ChatStore();
  store.me = me;
  store.rememberUsers([me, ...users]);
  return store;
}

function withServices(store: ChatStore, node: preact.ComponentChild): string {
  const uploads = new UploadQueues(() => {
    throw new Error("no uploads here");
  });
  const services = { store, engine: { uploads, openProfile: () => undefined, closeProfile: () => undefined } } as unknown as Services;
  return renderToString(<ServicesContext.Provider value={services}>{node}</ServicesContext.Provider>);
}

describe("names compared as a reader sees them", () => {
  it("ignores letter case, accents, invisible characters and spacing", () => {
    expect(nameKey("Administrador")).toBe(nameKey("  administrádor "));
    expect(nameKey("Administrador")).toBe(nameKey("Admini\u200Bstrador"));
    expect(nameKey("Anna  Puig")).toBe(nameKey("anna puig"));
    expect(nameKey("Anna Puig")).not.toBe(nameKey("Anna Puig i Soler"));
  });

  it("knows when someone else shows under the same name, and forgets it after a rename", () => {
    const store = storeWith([admin, mallory, bot]);
    expect(store.nameSharedWithOthers("Administrador", "admin")).toBe(true);
    expect(store.nameSharedWithOthers("Administrador", "mallory")).toBe(true);
    expect(store.nameSharedWithOthers("Grafana", "grafana")).toBe(false);
    // A webhook post calling itself "Administrador" through the bot's account.
    expect(store.nameSharedWithOthers("administrador", "grafana")).toBe(true);
    store.rememberUsers([{ ...mallory, display_name: "Mallory" }]);
    expect(store.nameSharedWithOthers("Administrador", "admin")).toBe(false);
  });
});

describe("an author's name", () => {
  it("names the account on hover, and marks an admin", () => {
    const html = renderToString(<AuthorName name="Administrador" user={admin} shared={false} onOpen={() => undefined} />);
    expect(html).toContain('title="Perfil de Administrador (@admin)"');
    expect(html).toContain('class="author author-button"');
    expect(html).toMatch(/class="bot-badge admin-badge"[^>]*>ADMIN</);
    expect(html).not.toContain("author-username");
  });

  it("shows the @username beside a shared name, and no badge for a member", () => {
    const html = renderToString(<AuthorName name="Administrador" user={mallory} shared={true} />);
    expect(html).toMatch(/class="author"[^>]*>Administrador</);
    expect(html).toContain('title="Administrador (@mallory)"');
    expect(html).toMatch(/class="author-username"[^>]*>@mallory</);
    expect(html).not.toContain("bot-badge");
  });

  it("marks a bot", () => {
    const html = renderToString(<AuthorName name="Grafana" user={bot} shared={false} />);
    expect(html).toMatch(/class="bot-badge"[^>]*>BOT</);
    expect(html).not.toContain("admin-badge");
  });
});

describe("the thread panel", () => {
  const message = (seq: number, author: string, extra: Partial<Message> = {}): Message => ({
    id: `m${seq}`, channel_id: "c1", seq, author_id: author, body: `text ${seq}`, created_at: "2026-12-06T09:00:00Z",
    client_msg_id: null, thread_root: null, edited_at: null, deleted: false, ...extra,
  });

  it("tells the admin from a member who took the admin's name", () => {
    const store = storeWith([admin, mallory]);
    store.openThread = { channelId: "c1", rootSeq: 5 };
    store.timeline("c1").merge([message(5, "admin"), message(6, "mallory", { thread_root: 5 })]);
    const html = withServices(store, <ThreadPanel />);
    const root = html.slice(html.indexOf('data-seq="5"'), html.indexOf('data-seq="6"'));
    const reply = html.slice(html.indexOf('data-seq="6"'));
    expect(root).toContain("admin-badge");
    expect(root).toMatch(/class="author-username"[^>]*>@admin</);
    expect(reply).not.toContain("admin-badge");
    expect(reply).toMatch(/class="author-username"[^>]*>@mallory</);
    expect(reply).toContain("(@mallory)");
  });

  it("shows no @username beside a name nobody else has", () => {
    const store = storeWith([admin]);
    store.openThread = { channelId: "c1", rootSeq: 5 };
    store.timeline("c1").merge([message(5, "admin")]);
    expect(withServices(store, <ThreadPanel />)).not.toContain("author-username");
  });
});

describe("the profile card", () => {
  it("always shows the @username, and the admin badge", () => {
    const store = storeWith([admin, mallory]);
    store.profileUserId = "mallory";
    const card = withServices(store, <ProfileCard />);
    expect(card).toContain("@mallory");
    expect(card).not.toContain("admin-badge");
    store.profileUserId = "admin";
    const adminCard = withServices(store, <ProfileCard />);
    expect(adminCard).toContain("@admin");
    expect(adminCard).toContain("admin-badge");
  });
});
