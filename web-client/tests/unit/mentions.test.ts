// The composer's `@` completion and the sidebar's mention count.
import { describe, expect, it } from "vitest";
import type { Api } from "../../src/api/client";
import type { AuthSession } from "../../src/auth/session";
import type { Channel, Department, Message, User } from "../../src/protocol";
import { insertMention, mentionQuery, mentionSuggestions, peopleMatching } from "../../src/components/mentionComplete";
import { ChatStore } from "../../src/store/chat";
import { SyncEngine } from "../../src/sync/engine";

const user = (id: string, username: string, display_name: string): User => ({ id, username, display_name, kind: "human", role: "member", department_ids: [], active: true });
const me = user("me", "me", "Me");
const members = [user("b", "bernat", "Bernat Soler"), user("a", "alicia", "Alícia Puig"), me];
const departments: Department[] = [{ id: "d1", slug: "urbanisme", name: "Urbanisme", channel_id: "c9" }];

describe("the people to add to a channel", () => {
  it("match the name or username typed, ignoring accents, without members or deactivated accounts, by name, once each", () => {
    const carla = user("c", "carla", "Carla Alís");
    const gone = { ...user("g", "alvar", "Àlvar Roig"), active: false };
    const directory = [...members, carla, gone, carla];
    expect(peopleMatching("al", directory, new Set(["me", "b"])).map((u) => u.id)).toEqual(["a", "c"]);
    expect(peopleMatching("ALIS", directory, new Set()).map((u) => u.id)).toEqual(["c"]);
    expect(peopleMatching("al", directory, new Set(["a"])).map((u) => u.id)).toEqual(["c"]);
    expect(peopleMatching("xyz", directory, new Set())).toEqual([]);
    expect(peopleMatching("", directory, new Set(), 2)).toHaveLength(2);
  });
});

describe("@ completion", () => {
  it("finds the word being typed after an @ at the caret", () => {
    expect(mentionQuery("hola @ber", 9)).toEqual({ start: 5, query: "ber" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("anna@ajuntament", 15)).toBeNull();
    expect(mentionQuery("@bernat ja", 10)).toBeNull();
  });

  it("offers members first (not me), then departments, then @canal and @aquí, ignoring accents", () => {
    expect(mentionSuggestions("", members, departments, "me").map((s) => s.insert)).toEqual(["alicia", "bernat", "urbanisme", "canal", "aquí"]);
    expect(mentionSuggestions("ali", members, departments, "me").map((s) => s.insert)).toEqual(["alicia"]);
    expect(mentionSuggestions("soler", members, departments, "me").map((s) => s.insert)).toEqual(["bernat"]);
    expect(mentionSuggestions("aqui", members, departments, "me").map((s) => s.insert)).toEqual(["aquí"]);
    expect(mentionSuggestions("urb", members, departments, "me")[0]!.kind).toBe("department");
  });

  it("replaces the typed word with the mention and a space", () => {
    expect(insertMention("hola @ber", 5, 9, "bernat")).toEqual({ text: "hola @bernat ", caret: 13 });
    expect(insertMention("@al què tal", 0, 3, "alicia")).toEqual({ text: "@alicia què tal", caret: 8 });
  });
});

describe("the mention badge", () => {
  const channel = (id: string): Channel => ({
    id, name: id, kind: "public", department_id: null, topic: "", last_seq: 10, member_count: 2, joined: true,
    last_read_seq: 10, unread: 0, mention_count: 0, purpose: "", archived: false, muted: false,
  });
  const message = (seq: number, mentions: string[]): Message => ({
    id: `m${seq}`, channel_id: "c2", seq, author_id: "b", body: "@me", created_at: new Date().toISOString(),
    client_msg_id: null, thread_root: null, edited_at: null, deleted: false, mentions,
  });
  it("counts live mentions of me in a channel not open, and clears them on read", () => {
    const store = new ChatStore();
    const api = { users: async () => [], departments: async () => [], user: async () => me, messages: async () => ({ messages: [], has_more: false }), saved: async () => ({ saved: [] }) };
    const auth = { user: me, needsRefresh: () => false, accessToken: () => "t", refresh: async () => true } as unknown as AuthSession;
    const engine = new SyncEngine(store, api as unknown as Api, auth, { incoming: () => undefined }, () => undefined);
    (engine as unknown as { socket: unknown }).socket = { send: () => true, isReady: () => true, start() {}, stop() {}, announcedLanguage: () => "ca" };
    engine.handleFrame({ type: "ready", session_id: "s", user: me, channels: [channel("c1"), channel("c2")], online_user_ids: [] });
    store.currentChannelId = "c1";
    engine.handleFrame({ type: "message", channel_id: "c2", seq: 11, message: message(11, ["me"]) });
    engine.handleFrame({ type: "message", channel_id: "c2", seq: 12, message: message(12, ["someone"]) });
    engine.handleFrame({ type: "message", channel_id: "c2", seq: 11, message: message(11, ["me"]) });
    expect(store.channels.get("c2")).toMatchObject({ mention_count: 1, unread: 2 });
    engine.handleFrame({ type: "read", channel_id: "c2", seq: 12 });
    expect(store.channels.get("c2")).toMatchObject({ mention_count: 0, unread: 0 });
  });
});
