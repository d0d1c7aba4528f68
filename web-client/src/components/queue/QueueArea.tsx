// "Cua de suport": the support team's queue. A full-screen page like the admin area, loaded
// with a dynamic import (see QueueLoader): a figures strip (GET /tickets/stats), the ticket list
// with filters, sorting and bulk assignment, and a ticket page with editable fields, its files
// (see TicketFiles), the whole history, and a comment box and an internal-note box that attach
// files too. The list and the open ticket are fetched
// again when the socket brings a `message` or `message_updated` frame from the support bot
// (it edits the ticket's card in the support channel on every change).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { Api, ApiError } from "../../api/client";
import type { AuthSession } from "../../auth/session";
import type {
  Ticket,
  TicketDetail,
  TicketEvent,
  TicketList,
  TicketPriority,
  TicketStats,
  TicketStatus,
  UpdateTicketRequest,
  User,
} from "../../protocol";
import { useLocale, useServices } from "../context";
import { errorText as refusalText } from "../errors";
import { applyFilters, NO_FILTERS, type Filters } from "./filters";
import { tq, when, type QueueKey } from "./i18n";
import { TicketBox, TicketFiles } from "./TicketFiles";
import "../../styles/admin.css";
import "../../styles/queue.css";

const STATUSES: readonly TicketStatus[] = ["open", "in_progress", "waiting", "resolved", "closed"];
const PRIORITIES: readonly TicketPriority[] = ["baixa", "normal", "alta", "urgent"];
/** The username of the desk's bot, which posts and edits the ticket cards. */
const BOT_USERNAME = "suport";

type Props = { auth: AuthSession; me: User | null; onClose: () => void };

const statusLabel = (s: string) => tq(`st.${s}` as QueueKey);
const priorityLabel = (p: string) => tq(`pr.${p}` as QueueKey);

function errorText(e: unknown): string {
  // Too fast: say when to try again, in the UI language (the server's words do not say).
  if (e instanceof ApiError && e.code === "rate_limited") return refusalText(e.code, e.retryAfterMs);
  if (e instanceof ApiError) return e.message || `HTTP ${e.status}`;
  return e instanceof Error ? e.message : String(e);
}

function duration(secs: number | null | undefined): string {
  if (secs === null || secs === undefined) return "–";
  if (secs < 60) return `${Math.round(secs)} s`;
  const minutes = Math.round(secs / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export default function QueueArea({ auth, me, onClose }: Props) {
  useLocale();
  const { engine, store } = useServices();
  const api = useMemo(() => new Api(auth), [auth]);
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [listError, setListError] = useState("");
  const [stats, setStats] = useState<TicketStats | null>(null);
  const [users, setUsers] = useState<Map<string, User>>(() => new Map());
  const [openNumber, setOpenNumber] = useState<number | null>(null);
  /** The ticket last open, whose row takes the focus back in the list (keyboard users). */
  const [lastOpen, setLastOpen] = useState<number | null>(null);
  /** Kept here so that they survive a visit to a ticket. */
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  /** Bumped on every change seen on the socket: list, ticket and figures refetch. */
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api.request<TicketList>("GET", "/tickets").then(
      (list) => {
        if (cancelled) return;
        setTickets(list.tickets);
        setListError("");
      },
      (e) => !cancelled && setListError(errorText(e)),
    );
    api.request<TicketStats>("GET", "/tickets/stats").then(
      (s) => !cancelled && setStats(s),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api, tick]);

  useEffect(() => {
    api.request<User[]>("GET", "/users").then(
      (list) => setUsers(new Map(list.map((u) => [u.id, u]))),
      () => undefined,
    );
  }, [api]);

  // Live: the bot posts or edits a ticket card in the support channel on every change.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = engine.onFrame((frame) => {
      if (frame.type !== "message" && frame.type !== "message_updated") return;
      const author = users.get(frame.message.author_id) ?? store.users.get(frame.message.author_id);
      const channel = store.channels.get(frame.channel_id);
      const fromBot = author?.username === BOT_USERNAME;
      if (!fromBot || (channel && channel.kind === "direct")) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => setTick((n) => n + 1), 250);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [engine, store, users]);

  const name = (id: string | null | undefined): string => {
    if (!id) return tq("nobody");
    const user = users.get(id) ?? store.users.get(id);
    return user ? user.display_name : id;
  };

  /** Who may be assigned: the admins and department members (the server checks the team). */
  const team = useMemo(
    () =>
      [...users.values()]
        .filter((u) => u.active && u.kind !== "bot" && (u.role === "admin" || u.department_ids.length > 0))
        .sort((a, b) => (a.id === me?.id ? -1 : b.id === me?.id ? 1 : a.display_name.localeCompare(b.display_name))),
    [users, me],
  );

  return (
    <div class="admin queue" data-testid="queue-area">
      <header class="admin-header">
        <h1 class="admin-title">{tq("title")}</h1>
        <button type="button" class="button" onClick={onClose} data-testid="queue-close">
          {tq("close")}
        </button>
      </header>
      <main class="queue-main">
        {stats && <Figures stats={stats} />}
        {openNumber !== null ? (
          <TicketPage
            key={openNumber}
            api={api}
            number={openNumber}
            tick={tick}
            tickets={tickets ?? []}
            team={team}
            name={name}
            meId={me?.id}
            onBack={() => {
              setLastOpen(openNumber);
              setOpenNumber(null);
            }}
            onOpen={setOpenNumber}
            onChanged={() => setTick((n) => n + 1)}
          />
        ) : (
          <TicketTable
            api={api}
            tickets={tickets}
            error={listError}
            team={team}
            name={name}
            meId={me?.id}
            focusNumber={lastOpen}
            filters={filters}
            setFilters={setFilters}
            onOpen={setOpenNumber}
            onChanged={() => setTick((n) => n + 1)}
          />
        )}
      </main>
    </div>
  );
}

function Figures({ stats }: { stats: TicketStats }) {
  const backlog = stats.backlog_by_status.reduce((sum, b) => sum + b.count, 0);
  const items: [string, string][] = [
    [tq("fig.opened"), String(stats.opened)],
    [tq("fig.firstResponse"), duration(stats.first_response.median_secs)],
    [tq("fig.resolution"), duration(stats.resolution.median_secs)],
    [tq("fig.backlog"), String(backlog)],
    [tq("fig.rating"), `👍 ${stats.satisfaction.up} · 👎 ${stats.satisfaction.down}`],
  ];
  return (
    <section class="queue-figures" aria-label={tq("fig.label")} data-testid="queue-figures">
      {items.map(([label, value]) => (
        <div class="queue-figure" key={label}>
          <span class="queue-figure-value">{value}</span>
          <span class="queue-figure-label">{label}</span>
        </div>
      ))}
    </section>
  );
}

function Select({ label, value, onChange, options, testid }: { label: string; value: string; onChange: (v: string) => void; options: [string, string][]; testid?: string }) {
  return (
    <label class="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)} data-testid={testid}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

interface TableProps {
  api: Api;
  tickets: Ticket[] | null;
  error: string;
  team: User[];
  name: (id: string | null | undefined) => string;
  meId: string | undefined;
  focusNumber: number | null;
  filters: Filters;
  setFilters: (update: (old: Filters) => Filters) => void;
  onOpen: (n: number) => void;
  onChanged: () => void;
}

function TicketTable({ api, tickets, error, team, name, meId, focusNumber, filters: f, setFilters, onOpen, onChanged }: TableProps) {
  // Back from a ticket: its row's link takes the focus again.
  useEffect(() => {
    if (focusNumber !== null) document.querySelector<HTMLElement>(`tr[data-ticket="${focusNumber}"] .queue-open-ticket`)?.focus();
  }, []);

  const [selected, setSelected] = useState<Set<number>>(() => new Set());
  const [assignee, setAssignee] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: number; errors: [number, string][] } | null>(null);
  const set = (patch: Partial<Filters>) => setFilters((old) => ({ ...old, ...patch }));

  const all = tickets ?? [];
  const shown = applyFilters(all, f, meId);
  const categories = [...new Set(all.map((t) => t.category))].sort();
  const requesters = [...new Set(all.map((t) => t.requester_id))].sort((a, b) => name(a).localeCompare(name(b)));
  const any = tq("any");
  const visibleSelected = shown.filter((t) => selected.has(t.number));

  const toggle = (n: number, on: boolean) =>
    setSelected((old) => {
      const next = new Set(old);
      if (on) next.add(n);
      else next.delete(n);
      return next;
    });

  const assign = async () => {
    if (!assignee || visibleSelected.length === 0) return;
    setBusy(true);
    setResult(null);
    const errors: [number, string][] = [];
    let ok = 0;
    for (const ticket of visibleSelected) {
      try {
        await api.request<Ticket>("PATCH", `/tickets/${ticket.number}`, { assignee_id: assignee } satisfies UpdateTicketRequest);
        ok++;
      } catch (e) {
        // Already assigned to them: "nothing to change" is no failure.
        if (e instanceof ApiError && e.status === 400 && ticket.assignee_id === assignee) ok++;
        else errors.push([ticket.number, errorText(e)]);
      }
    }
    setBusy(false);
    setResult({ ok, errors });
    setSelected(new Set(errors.map(([n]) => n)));
    onChanged();
  };

  return (
    <section class="queue-list" aria-labelledby="queue-list-title">
      <h2 id="queue-list-title" class="queue-h2">
        {tq("list")}
      </h2>
      <div class="filter-bar" data-testid="queue-filters">
        <Select label={tq("col.status")} value={f.status} onChange={(v) => set({ status: v })} testid="filter-status" options={[["", any], ...STATUSES.map((s): [string, string] => [s, statusLabel(s)])]} />
        <Select
          label={tq("col.assignee")}
          value={f.assignee}
          onChange={(v) => set({ assignee: v })}
          testid="filter-assignee"
          options={[["", any], ["@me", tq("me")], ["@nobody", tq("nobody")], ...team.map((u): [string, string] => [u.id, u.display_name])]}
        />
        <Select label={tq("col.category")} value={f.category} onChange={(v) => set({ category: v })} testid="filter-category" options={[["", any], ...categories.map((c): [string, string] => [c, c])]} />
        <Select label={tq("col.priority")} value={f.priority} onChange={(v) => set({ priority: v })} testid="filter-priority" options={[["", any], ...PRIORITIES.map((p): [string, string] => [p, priorityLabel(p)])]} />
        <Select label={tq("col.requester")} value={f.requester} onChange={(v) => set({ requester: v })} testid="filter-requester" options={[["", any], ...requesters.map((id): [string, string] => [id, name(id)])]} />
        <label class="field grow">
          <span>{tq("search")}</span>
          <input type="search" value={f.text} onInput={(e) => set({ text: e.currentTarget.value })} data-testid="filter-text" />
        </label>
        <Select label={tq("sort")} value={f.sort} onChange={(v) => set({ sort: v as Filters["sort"] })} testid="sort" options={(["number", "priority", "updated"] as const).map((s): [string, string] => [s, tq(`sort.${s}`)])} />
        <label class="queue-check">
          <input type="checkbox" checked={f.desc} onChange={(e) => set({ desc: e.currentTarget.checked })} />
          <span>{tq("desc")}</span>
        </label>
      </div>

      <div class="inline-form queue-bulk">
        <Select
          label={tq("assignTo")}
          value={assignee}
          onChange={setAssignee}
          testid="bulk-assignee"
          options={[["", "—"], ...team.map((u): [string, string] => [u.id, u.id === meId ? `${u.display_name} (${tq("me")})` : u.display_name])]}
        />
        <button type="button" class="button primary" disabled={busy || !assignee || visibleSelected.length === 0} onClick={assign} data-testid="bulk-assign">
          {tq("assign", { count: visibleSelected.length })}
        </button>
        {result && (
          <div class="queue-result" role="status" data-testid="bulk-result">
            {result.ok > 0 && <p>{tq("assigned", { count: result.ok })}</p>}
            {result.errors.length > 0 && (
              <ul class="form-error" role="alert">
                {result.errors.map(([n, message]) => (
                  <li key={n}>{tq("ticketError", { number: n, error: message })}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>

      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {tickets === null && !error ? (
        <p role="status">{tq("loading")}</p>
      ) : (
        <>
          <p class="queue-count" aria-live="polite">
            {tq("count", { shown: shown.length, total: all.length })}
          </p>
          {shown.length === 0 ? (
            <p>{tq("none")}</p>
          ) : (
            <div class="table-wrap">
              <table class="admin-table queue-table" data-testid="queue-table">
                <thead>
                  <tr>
                    <th>
                      <input
                        type="checkbox"
                        aria-label={tq("selectAll")}
                        checked={visibleSelected.length === shown.length}
                        onChange={(e) => setSelected(e.currentTarget.checked ? new Set(shown.map((t) => t.number)) : new Set())}
                        data-testid="select-all"
                      />
                    </th>
                    <th>{tq("col.number")}</th>
                    <th>{tq("col.title")}</th>
                    <th>{tq("col.requester")}</th>
                    <th>{tq("col.status")}</th>
                    <th>{tq("col.priority")}</th>
                    <th>{tq("col.category")}</th>
                    <th>{tq("col.assignee")}</th>
                    <th>{tq("col.updated")}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((t) => (
                    <tr key={t.number} data-ticket={t.number} class="queue-row">
                      <td>
                        <input type="checkbox" aria-label={tq("select", { number: t.number })} checked={selected.has(t.number)} onChange={(e) => toggle(t.number, e.currentTarget.checked)} />
                      </td>
                      <td data-label={tq("col.number")}>#{t.number}</td>
                      <td data-label={tq("col.title")}>
                        <button type="button" class="link-button queue-open-ticket" onClick={() => onOpen(t.number)}>
                          {t.title}
                        </button>
                      </td>
                      <td data-label={tq("col.requester")}>{name(t.requester_id)}</td>
                      <td data-label={tq("col.status")} data-field="status">
                        <span class={`queue-status st-${t.status}`}>{statusLabel(t.status)}</span>
                      </td>
                      <td data-label={tq("col.priority")} data-field="priority">{priorityLabel(t.priority)}</td>
                      <td data-label={tq("col.category")}>{t.category}</td>
                      <td data-label={tq("col.assignee")} data-field="assignee">{name(t.assignee_id)}</td>
                      <td data-label={tq("col.updated")}>{when(t.updated_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

interface PageProps {
  api: Api;
  number: number;
  tick: number;
  tickets: Ticket[];
  team: User[];
  name: (id: string | null | undefined) => string;
  meId: string | undefined;
  onBack: () => void;
  onOpen: (n: number) => void;
  onChanged: () => void;
}

function TicketPage({ api, number, tick, tickets, team, name, meId, onBack, onOpen, onChanged }: PageProps) {
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [error, setError] = useState("");
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let cancelled = false;
    api.request<TicketDetail>("GET", `/tickets/${number}`).then(
      (t) => !cancelled && setTicket(t),
      (e) => !cancelled && setError(errorText(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, number, tick]);

  useEffect(() => {
    if (ticket) heading.current?.focus();
  }, [ticket?.number]);

  const patch = async (body: UpdateTicketRequest): Promise<boolean> => {
    setSaving(true);
    setError("");
    setStatus("");
    try {
      await api.request<Ticket>("PATCH", `/tickets/${number}`, body);
      setTicket(await api.request<TicketDetail>("GET", `/tickets/${number}`));
      setStatus(tq("saved"));
      onChanged();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const categories = [...new Set([...tickets.map((t) => t.category), ticket?.category ?? ""])].filter(Boolean).sort();
  const others = ticket ? tickets.filter((t) => t.requester_id === ticket.requester_id && t.number !== ticket.number) : [];

  const eventText = (e: TicketEvent): string => {
    switch (e.kind) {
      case "status":
        return tq("ev.status", { detail: statusLabel(e.detail) });
      case "priority":
        return tq("ev.priority", { detail: priorityLabel(e.detail) });
      case "assigned":
        return e.detail ? tq("ev.assigned", { detail: name(e.detail) }) : tq("ev.unassigned");
      case "rating":
        return tq("ev.rating", { detail: e.detail === "up" ? "👍" : e.detail === "down" ? "👎" : e.detail });
      case "comment":
      case "note":
        return tq(`ev.${e.kind}`);
      case "files":
      case "note_files":
        // The detail names the files added (with a comment, or with an internal note).
        return tq(`ev.${e.kind}`, { detail: e.detail });
      case "opened":
      case "category":
      case "solved_by":
      case "escalated":
        return tq(`ev.${e.kind}`, { detail: e.detail });
      default:
        return tq("ev.other", { kind: e.kind, detail: e.detail });
    }
  };

  return (
    <section class="queue-ticket" aria-labelledby="queue-ticket-title" data-testid="queue-ticket">
      <button type="button" class="link-button" onClick={onBack} data-testid="queue-back">
        {tq("backToList")}
      </button>
      {!ticket ? (
        error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : (
          <p role="status">{tq("loading")}</p>
        )
      ) : (
        <>
          <h2 id="queue-ticket-title" class="queue-h2" tabIndex={-1} ref={heading}>
            #{ticket.number} · {ticket.title}
          </h2>
          <p class="queue-meta">
            {tq("opened", { name: name(ticket.requester_id) })} · {when(ticket.created_at)}
          </p>
          <div class="filter-bar queue-fields">
            <Select label={tq("col.status")} value={ticket.status} testid="ticket-status" onChange={(v) => void patch({ status: v as TicketStatus })} options={STATUSES.map((s): [string, string] => [s, statusLabel(s)])} />
            <Select label={tq("col.priority")} value={ticket.priority} testid="ticket-priority" onChange={(v) => void patch({ priority: v as TicketPriority })} options={PRIORITIES.map((p): [string, string] => [p, priorityLabel(p)])} />
            <Select label={tq("col.category")} value={ticket.category} testid="ticket-category" onChange={(v) => void patch({ category: v })} options={categories.map((c): [string, string] => [c, c])} />
            <Select
              label={tq("col.assignee")}
              value={ticket.assignee_id ?? ""}
              testid="ticket-assignee"
              onChange={(v) => void patch({ assignee_id: v })}
              options={[
                ["", tq("nobody")],
                ...team.map((u): [string, string] => [u.id, u.id === meId ? `${u.display_name} (${tq("me")})` : u.display_name]),
                ...(ticket.assignee_id && !team.some((u) => u.id === ticket.assignee_id) ? [[ticket.assignee_id, name(ticket.assignee_id)] as [string, string]] : []),
              ]}
            />
          </div>
          <p class="queue-saved" role="status" aria-live="polite">
            {saving ? tq("loading") : status}
          </p>
          {error && (
            <p class="form-error" role="alert" data-testid="ticket-error">
              {error}
            </p>
          )}
          <h3>{tq("description")}</h3>
          <p class="queue-description">{ticket.description}</p>
          <TicketFiles files={ticket.files ?? []} name={name} />

          <h3>{tq("history")}</h3>
          <ol class="queue-history" data-testid="ticket-history">
            {ticket.history.map((e, i) => (
              <li key={i} class={`queue-event ev-${e.kind}`} data-kind={e.kind}>
                <span class="queue-event-head">
                  <strong>{name(e.actor_id)}</strong> {eventText(e)} <time dateTime={e.at}>{when(e.at)}</time>
                </span>
                {(e.kind === "comment" || e.kind === "note") && <span class="queue-event-text">{e.detail}</span>}
              </li>
            ))}
          </ol>

          <TicketBox kind="comment" number={ticket.number} saving={saving} onSend={(text, fileIds) => patch({ ...(text ? { comment: text } : {}), ...(fileIds.length > 0 ? { file_ids: fileIds } : {}) })} />
          <TicketBox kind="note" number={ticket.number} saving={saving} onSend={(text, fileIds) => patch({ note: text, ...(fileIds.length > 0 ? { file_ids: fileIds } : {}) })} />

          <h3>{tq("others", { name: name(ticket.requester_id) })}</h3>
          {others.length === 0 ? (
            <p>{tq("noOthers")}</p>
          ) : (
            <ul class="queue-others" data-testid="ticket-others">
              {others.map((t) => (
                <li key={t.number}>
                  <button type="button" class="link-button" onClick={() => onOpen(t.number)}>
                    #{t.number} · {t.title}
                  </button>{" "}
                  <span class={`queue-status st-${t.status}`}>{statusLabel(t.status)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
