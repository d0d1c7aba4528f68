// The support queue's list filters and sorting, and its translation catalogs.
import { describe, expect, it } from "vitest";
import { applyFilters, NO_FILTERS } from "../../src/components/queue/filters";
import { fileBatches } from "../../src/components/queue/TicketFiles";
import type { Ticket, TicketFile } from "../../src/protocol";
import ca from "../../src/i18n/queue-ca.json";
import en from "../../src/i18n/queue-en.json";
import es from "../../src/i18n/queue-es.json";

const ticket = (number: number, extra: Partial<Ticket> = {}): Ticket => ({
  number,
  requester_id: "u-anna",
  title: `Tiquet ${number}`,
  description: "",
  category: "altres",
  priority: "normal",
  status: "open",
  assignee_id: null,
  created_at: "2026-12-01T10:00:00Z",
  updated_at: `2026-12-0${number}T10:00:00Z`,
  ...extra,
});

const tickets = [
  ticket(1, { priority: "urgent", assignee_id: "u-me", status: "waiting" }),
  ticket(2, { description: "La VPN no va", category: "xarxa/VPN", requester_id: "u-oriol" }),
  ticket(3, { priority: "baixa", assignee_id: "u-marta" }),
];
const numbers = (list: Ticket[]) => list.map((t) => t.number);

describe("queue filters", () => {
  it("sorts by update, number and priority", () => {
    expect(numbers(applyFilters(tickets, NO_FILTERS, "u-me"))).toEqual([3, 2, 1]);
    expect(numbers(applyFilters(tickets, { ...NO_FILTERS, sort: "number", desc: false }, "u-me"))).toEqual([1, 2, 3]);
    expect(numbers(applyFilters(tickets, { ...NO_FILTERS, sort: "priority" }, "u-me"))).toEqual([1, 2, 3]);
  });

  it("filters by assignee (me, nobody, someone), status, category, requester and text", () => {
    const f = (patch: Partial<typeof NO_FILTERS>) => numbers(applyFilters(tickets, { ...NO_FILTERS, sort: "number", desc: false, ...patch }, "u-me"));
    expect(f({ assignee: "@me" })).toEqual([1]);
    expect(f({ assignee: "@nobody" })).toEqual([2]);
    expect(f({ assignee: "u-marta" })).toEqual([3]);
    expect(f({ status: "open" })).toEqual([2, 3]);
    expect(f({ category: "xarxa/VPN" })).toEqual([2]);
    expect(f({ requester: "u-anna" })).toEqual([1, 3]);
    expect(f({ text: "vpn" })).toEqual([2]);
    expect(f({ text: "tiquet 3" })).toEqual([3]);
    expect(f({ priority: "baixa" })).toEqual([3]);
  });
});

describe("queue translations", () => {
  it("have the same keys and placeholders in every language", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(es).sort()).toEqual(Object.keys(ca).sort());
    expect(Object.keys(en).sort()).toEqual(Object.keys(ca).sort());
    for (const [key, text] of Object.entries(ca)) {
      for (const other of [es, en] as Record<string, string>[]) {
        expect(placeholders(other[key]!), key).toEqual(placeholders(text));
      }
    }
  });
});

describe("ticket files", () => {
  const file = (id: string, added_by: string, added_at: string, internal = false): TicketFile => ({
    id,
    name: `${id}.png`,
    size: 10,
    content_type: "image/png",
    sha256: "00",
    internal,
    added_by,
    added_at,
  });

  it("are grouped as they were added: by one person, at one moment, with one visibility", () => {
    const batches = fileBatches([
      file("a", "u-anna", "2026-12-01T10:00:00Z"),
      file("b", "u-anna", "2026-12-01T10:00:00Z"),
      file("c", "u-marta", "2026-12-01T11:00:00Z"),
      file("d", "u-marta", "2026-12-01T11:00:00Z", true),
      file("e", "u-anna", "2026-12-01T12:00:00Z"),
    ]);
    expect(batches.map((b) => [b.addedBy, b.internal, b.files.map((f) => f.id).join("")])).toEqual([
      ["u-anna", false, "ab"],
      ["u-marta", false, "c"],
      ["u-marta", true, "d"],
      ["u-anna", false, "e"],
    ]);
    expect(fileBatches([])).toEqual([]);
  });
});
