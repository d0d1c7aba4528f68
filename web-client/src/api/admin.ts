// REST calls of the admin area (the System Console): users, CSV import, departments, every
// channel, bots, webhooks, slash commands, info articles, the support desk's settings and the
// audit log. Loaded only with the admin area (a dynamic import), so non-admins never download
// it. Every call goes through `Api.request` (bearer token, one refresh on 401); the audit CSV
// through `Api.blob`, the same way but read as a Blob.
import type {
  AdminStats,
  AuditPage,
  BotToken,
  CreateUserRequest,
  CreatedUser,
  ImportResult,
  SupportSettings,
  Channel,
  CreatedBot,
  Department,
  InfoArticle,
  NewBotToken,
  Role,
  SlashCommand,
  UpdateSupportSettingsRequest,
  User,
  Webhook,
  WebhookWithUrl,
} from "../protocol";
import { Api, type TokenSource } from "./client";

// The bodies and answers of the admin routes are generated from the server's types.
export type {
  AdminStats,
  AuditEntry,
  AuditPage,
  CreatedUser,
  ImportError,
  ImportResult,
  ImportRow,
  SupportSettings,
} from "../protocol";

/** `PUT /api/v1/admin/support`: a department's slug and 1-20 categories, the last the default. */
export type UpdateSupportBody = UpdateSupportSettingsRequest;

/** `POST /api/v1/users`: without `password` the server makes a one-time one. */
export type CreateUserBody = CreateUserRequest;

/** The audit log's filters, as the query string carries them. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** Every action the audit log records (the filter's choices). */
export const AUDIT_ACTIONS = [
  "auth.login",
  "auth.login_failed",
  "auth.logout",
  "user.created",
  "user.updated",
  "user.deactivated",
  "user.reactivated",
  "user.password_reset",
  "user.signed_out",
  "user.imported",
  "department.created",
  "department.renamed",
  "department.member_added",
  "department.member_removed",
  "channel.member_added",
  "channel.member_removed",
  "channel.archived",
  "channel.unarchived",
  "bot.created",
  "bot.token_created",
  "bot.token_revoked",
  "webhook.created",
  "webhook.renamed",
  "webhook.regenerated",
  "webhook.deleted",
  "webhook.taken_over",
  "command.registered",
  "command.removed",
  "info.set",
  "info.removed",
  "settings.changed",
  "audit.exported",
] as const;

/** The query string of an audit request: empty filters are left out. */
export function auditQueryString(q: AuditQuery, format?: "csv"): string {
  const search = new URLSearchParams();
  for (const key of ["actor", "action", "from", "to", "cursor", "limit"] as const) {
    const value = q[key];
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  if (format) search.set("format", format);
  const text = search.toString();
  return text ? `?${text}` : "";
}

const id = encodeURIComponent;

/** The admin area's calls. */
export class AdminApi {
  private readonly api: Api;

  constructor(tokens: TokenSource) {
    this.api = new Api(tokens);
  }

  stats(): Promise<AdminStats> {
    return this.api.request("GET", "/admin/stats");
  }

  // ---- users ----
  users(): Promise<User[]> {
    return this.api.request("GET", "/users");
  }
  createUser(body: CreateUserBody): Promise<CreatedUser> {
    return this.api.request("POST", "/users", body);
  }
  /** `email` is for admins; `""` clears it. */
  updateUser(userId: string, patch: { display_name?: string; role?: Role; email?: string }): Promise<User> {
    return this.api.request("PATCH", `/users/${id(userId)}`, patch);
  }
  deactivate(userId: string): Promise<void> {
    return this.api.request("POST", `/users/${id(userId)}/deactivate`);
  }
  reactivate(userId: string): Promise<User> {
    return this.api.request("POST", `/users/${id(userId)}/reactivate`);
  }
  /** A one-time password chosen by the server, or `password` when given; signs the user out. */
  resetPassword(userId: string, password?: string): Promise<{ password: string }> {
    return this.api.request("POST", `/users/${id(userId)}/reset-password`, password ? { password } : {});
  }
  signOut(userId: string): Promise<void> {
    return this.api.request("POST", `/users/${id(userId)}/sign-out`);
  }
  importCsv(csv: string, dryRun: boolean): Promise<ImportResult> {
    return this.api.request("POST", "/admin/import", { csv, dry_run: dryRun });
  }

  // ---- departments ----
  departments(): Promise<Department[]> {
    return this.api.request("GET", "/departments");
  }
  createDepartment(slug: string, name: string): Promise<Department> {
    return this.api.request("POST", "/departments", { slug, name });
  }
  renameDepartment(departmentId: string, name: string): Promise<Department> {
    return this.api.request("PATCH", `/departments/${id(departmentId)}`, { name });
  }
  departmentMembers(departmentId: string): Promise<User[]> {
    return this.api.request("GET", `/departments/${id(departmentId)}/members`);
  }
  setDepartmentMember(departmentId: string, userId: string, on: boolean): Promise<void> {
    return this.api.request(on ? "PUT" : "DELETE", `/departments/${id(departmentId)}/members/${id(userId)}`);
  }

  // ---- channels ----
  channels(): Promise<Channel[]> {
    return this.api.request("GET", "/admin/channels");
  }
  setArchived(channelId: string, on: boolean): Promise<Channel> {
    return this.api.request("POST", `/channels/${id(channelId)}/${on ? "archive" : "unarchive"}`);
  }
  channelMembers(channelId: string): Promise<User[]> {
    return this.api.request("GET", `/channels/${id(channelId)}/members`);
  }
  setChannelMember(channelId: string, userId: string, on: boolean): Promise<void> {
    return this.api.request(on ? "PUT" : "DELETE", `/channels/${id(channelId)}/members/${id(userId)}`);
  }

  // ---- bots ----
  bots(): Promise<User[]> {
    return this.api.request("GET", "/bots");
  }
  createBot(username: string, displayName: string): Promise<CreatedBot> {
    return this.api.request("POST", "/bots", { username, display_name: displayName });
  }
  botTokens(botId: string): Promise<BotToken[]> {
    return this.api.request("GET", `/bots/${id(botId)}/tokens`);
  }
  addBotToken(botId: string, label: string): Promise<NewBotToken> {
    return this.api.request("POST", `/bots/${id(botId)}/tokens`, label ? { label } : {});
  }
  revokeBotToken(botId: string, tokenId: string): Promise<void> {
    return this.api.request("DELETE", `/bots/${id(botId)}/tokens/${id(tokenId)}`);
  }

  // ---- webhooks ----
  webhooks(): Promise<Webhook[]> {
    return this.api.request("GET", "/admin/webhooks");
  }
  renameWebhook(hookId: string, name: string): Promise<Webhook> {
    return this.api.request("PATCH", `/webhooks/${id(hookId)}`, { name });
  }
  regenerateWebhook(hookId: string): Promise<WebhookWithUrl> {
    return this.api.request("POST", `/webhooks/${id(hookId)}/regenerate`);
  }
  deleteWebhook(hookId: string): Promise<void> {
    return this.api.request("DELETE", `/webhooks/${id(hookId)}`);
  }

  // ---- slash commands ----
  commands(): Promise<SlashCommand[]> {
    return this.api.request("GET", "/commands");
  }
  registerCommand(name: string, url: string, description: string): Promise<SlashCommand> {
    return this.api.request("POST", "/commands", description ? { name, url, description } : { name, url });
  }
  removeCommand(commandId: string): Promise<void> {
    return this.api.request("DELETE", `/commands/${id(commandId)}`);
  }

  // ---- info articles ----
  info(): Promise<InfoArticle[]> {
    return this.api.request("GET", "/info");
  }
  setInfo(topic: string, lang: string, title: string, body: string): Promise<InfoArticle> {
    return this.api.request("PUT", `/info/${id(topic)}`, { title, body, lang });
  }
  /** One language of the article, or every language without `lang`. */
  removeInfo(topic: string, lang?: string): Promise<void> {
    return this.api.request("DELETE", `/info/${id(topic)}${lang ? `?lang=${id(lang)}` : ""}`);
  }

  // ---- support desk and audit ----
  support(): Promise<SupportSettings> {
    return this.api.request("GET", "/admin/support");
  }
  /** Kept by the server from then on (they win over xerrada.toml); answers as `support()`. */
  updateSupport(body: UpdateSupportBody): Promise<SupportSettings> {
    return this.api.request("PUT", "/admin/support", body);
  }
  audit(q: AuditQuery): Promise<AuditPage> {
    return this.api.request("GET", `/audit${auditQueryString(q)}`);
  }

  /** The audit log as CSV (the same filters); the bearer token is needed, so no plain link. */
  auditCsv(q: AuditQuery): Promise<Blob> {
    return this.api.blob(`/audit${auditQueryString({ ...q, cursor: undefined }, "csv")}`, { accept: "text/csv", noStore: true });
  }
}
