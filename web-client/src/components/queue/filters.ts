// The queue's list filters and sorting, pure so that unit tests can check them.
import type { Ticket, TicketPriority } from "../../protocol";

const PRIORITY_RANK: Record<TicketPriority, number> = { baixa: 0, normal: 1, alta: 2, urgent: 3 };

export interface Filters {
  status: string;
  assignee: string;
  category: string;
  priority: string;
  requester: string;
  text: string;
  sort: "number" | "priority" | "updated";
  desc: boolean;
}

export const NO_FILTERS: Filters = { status: "", assignee: "", category: "", priority: "", requester: "", text: "", sort: "updated", desc: true };

export function applyFilters(tickets: readonly Ticket[], f: Filters, meId: string | undefined): Ticket[] {
  const text = f.text.trim().toLocaleLowerCase();
  const shown = tickets.filter(
    (t) =>
      (!f.status || t.status === f.status) &&
      (!f.assignee ||
        (f.assignee === "@me" ? t.assignee_id === meId : f.assignee === "@nobody" ? !t.assignee_id : t.assignee_id === f.assignee)) &&
      (!f.category || t.category === f.category) &&
      (!f.priority || t.priority === f.priority) &&
      (!f.requester || t.requester_id === f.requester) &&
      (!text || t.title.toLocaleLowerCase().includes(text) || t.description.toLocaleLowerCase().includes(text)),
  );
  const key = (t: Ticket): number =>
    f.sort === "number" ? t.number : f.sort === "priority" ? PRIORITY_RANK[t.priority] * 1e6 + t.number : Date.parse(t.updated_at);
  shown.sort((a, b) => (f.desc ? key(b) - key(a) : key(a) - key(b)));
  return shown;
}

