// Generated from the Rust `xerrada-protocol` crate by ts-rs. Do not edit by hand:
// run `XERRADA_UPDATE_TS=1 cargo test -p xerrada-protocol --features typescript` after changing the crate.

export type ErrorCode = "unauthorized" | "forbidden" | "not_found" | "invalid_request" | "conflict" | "too_large" | "rate_limited" | "unavailable" | "internal";

export type ApiError = { code: ErrorCode, message: string, };

export type UserKind = "human" | "bot";

export type Role = "admin" | "member";

export type User = { id: string, username: string, display_name: string, kind: UserKind, role: Role, department_ids: Array<string>, active: boolean, 
/**
 * A short status the person set ("De vacances fins dilluns"); absent when none
 * (additive to v1).
 */
status_text?: string, 
/**
 * The person's IANA time zone (`Europe/Madrid`), for their local time; absent when unset
 * (additive to v1).
 */
timezone?: string, 
/**
 * The person's e-mail address; absent when none was given (additive to v1).
 */
email?: string, };

export type Department = { id: string, slug: string, name: string, channel_id: string, };

export type ChannelKind = "public" | "private" | "direct";

export type Channel = { id: string, name: string, kind: ChannelKind, department_id: string | null, topic: string, 
/**
 * What the channel is for (additive to v1).
 */
purpose: string, 
/**
 * Archived: read-only, kept and searchable (additive to v1).
 */
archived: boolean, 
/**
 * Who created it; with admins, it may rename, archive and delete any message (additive
 * to v1; absent for direct and department channels).
 */
owner_id?: string, last_seq: number, member_count: number, joined: boolean, 
/**
 * The caller muted it: no badge, no notification (additive to v1).
 */
muted: boolean, last_read_seq: number, unread: number, 
/**
 * The caller's unread mentions: messages after `last_read_seq` that mention it (additive
 * to v1).
 */
mention_count: number, 
/**
 * For direct channels, the member ids (additive to v1, so clients can name the DM).
 */
member_ids?: Array<string>, };

export type Message = { id: string, channel_id: string, seq: number, author_id: string, body: string, 
/**
 * RFC 3339 UTC.
 */
created_at: string, client_msg_id: string | null, thread_root: number | null, edited_at: string | null, deleted: boolean, 
/**
 * Presentation extras (webhook overrides, attachments, blocks); absent when none.
 */
extras?: MessageExtras, 
/**
 * Reactions, in the order each emoji was first used; absent when none (additive to v1).
 */
reactions?: Array<Reaction>, 
/**
 * On a thread's root: how many replies it has (deleted ones not counted), when the last
 * came, and who replied first (at most [`THREAD_PARTICIPANTS_SHOWN`], first to reply
 * first). Absent on other messages (additive to v1).
 */
reply_count?: number, last_reply_at?: string, participant_ids?: Array<string>, 
/**
 * The channel members the body mentions (`@name`, `@channel`, `@here`, `@department`),
 * resolved when it was posted or edited, its author left out; absent when none (additive
 * to v1).
 */
mentions?: Array<string>, 
/**
 * A thread reply its author also showed in the channel (additive to v1; absent when not).
 */
also_in_channel?: boolean, 
/**
 * Pinned in its channel (additive to v1; absent when not).
 */
pinned?: boolean, 
/**
 * The files posted with the message, in the order given (additive to v1; absent when
 * none, and emptied when the message is deleted).
 */
files?: Array<FileInfo>, };

export type Reaction = { 
/**
 * The Unicode emoji (a `:shortcode:` sent by a client is stored as its emoji).
 */
emoji: string, count: number, 
/**
 * Who reacted, first to react first.
 */
user_ids: Array<string>, };

export type FileInfo = { id: string, 
/**
 * The file name the uploader gave, without any folder.
 */
name: string, size: number, 
/**
 * Recognised from the bytes, not taken from the uploader's claim.
 */
content_type: string, 
/**
 * Lowercase hex SHA-256 of the bytes.
 */
sha256: string, 
/**
 * Pixels, for images the server could read.
 */
width?: number, height?: number, };

export type SearchResults = { results: Array<SearchResult>, 
/**
 * Pass as `cursor` for the next page; `null` on the last one.
 */
next_cursor: string | null, };

export type SearchResult = { channel_id: string, message: Message, 
/**
 * An excerpt of the body (or of a file name) around the words found: HTML-escaped text
 * in which each found word is wrapped in `<mark>` and `</mark>`.
 */
highlight: string, };

export type ThreadPage = { root: Message, 
/**
 * Ascending `seq`.
 */
replies: Array<Message>, has_more: boolean, };

export type FollowedThread = { channel_id: string, 
/**
 * The root, with its `reply_count`, `last_reply_at` and `participant_ids`.
 */
root: Message, 
/**
 * The caller's read marker in the thread (a reply's `seq`).
 */
last_read_seq: number, 
/**
 * Replies after `last_read_seq` that others wrote.
 */
unread_replies: number, };

export type ThreadList = { 
/**
 * Most recent reply first.
 */
threads: Array<FollowedThread>, has_more: boolean, };

export type ThreadReadRequest = { seq: number, };

export type Pin = { message: Message, pinned_by: string, pinned_at: string, };

export type PinList = { pins: Array<Pin>, };

export type SavedMessage = { message: Message, saved_at: string, };

export type SavedList = { saved: Array<SavedMessage>, };

export type UpdateChannelRequest = { name?: string, topic?: string, purpose?: string, };

export type MarkUnreadRequest = { seq: number, };

export type ReadMarker = { last_read_seq: number, };

export type LoginRequest = { username: string, password: string, 
/**
 * Also set the refresh token as an HttpOnly cookie (browser clients).
 */
cookie?: boolean, };

export type RefreshRequest = { refresh_token?: string, };

export type TokenResponse = { access_token: string, token_type: string, expires_in: number, refresh_token: string, user: User, };

export type CreateUserRequest = { username: string, display_name: string, 
/**
 * Left out (or `""`): the server makes a one-time password and answers it once
 * (additive to v1).
 */
password?: string, role?: Role, department_ids?: Array<string>, 
/**
 * (additive to v1)
 */
email?: string, };

export type UpdateUserRequest = { display_name?: string, password?: string, current_password?: string, role?: Role, 
/**
 * Self or admin; `""` clears it (additive to v1).
 */
status_text?: string, 
/**
 * Self or admin; an IANA name, `""` clears it (additive to v1).
 */
timezone?: string, 
/**
 * Admins only; `""` clears it (additive to v1).
 */
email?: string, };

export type CreateDepartmentRequest = { slug: string, name: string, };

export type NewChannelKind = "public" | "private";

export type CreateChannelRequest = { name: string, kind: NewChannelKind, department_id?: string, topic?: string, };

export type CreateDmRequest = { user_ids: Array<string>, };

export type SendMessageRequest = { body: string, client_msg_id?: string, thread_root?: number, 
/**
 * A thread reply also shown in the channel (additive to v1).
 */
also_in_channel?: boolean, 
/**
 * Attachments, blocks and buttons (bots only; additive to v1).
 */
extras?: MessageExtras, 
/**
 * Files the sender uploaded and has not posted yet, at most
 * [`MAX_FILES_PER_MESSAGE`] (additive to v1). The body may then be empty.
 */
file_ids?: Array<string>, };

export type MessagePage = { messages: Array<Message>, has_more: boolean, };

export type EventPage = { events: Array<ServerFrame>, has_more: boolean, };

export type MessageExtras = { 
/**
 * Name to show instead of the author's (webhook `username`).
 */
username?: string, 
/**
 * Icon the sender asked for. Clients must not fetch it from another origin.
 */
icon_url?: string, 
/**
 * An emoji shortcode such as `:ghost:`.
 */
icon_emoji?: string, 
/**
 * The incoming webhook that posted it, if one did.
 */
webhook_id?: string, attachments?: Array<Attachment>, blocks?: Array<Block>, 
/**
 * Buttons under the message. A click is sent to the bot that posted it (an `action`
 * frame), which answers by updating the message.
 */
actions?: Array<MessageAction>, };

export type Attachment = { fallback?: string, 
/**
 * `good`, `warning`, `danger` or a `#rrggbb` color.
 */
color?: string, pretext?: string, author_name?: string, title?: string, title_link?: string, text?: string, fields?: Array<AttachmentField>, footer?: string, };

export type AttachmentField = { title: string, value: string, short: boolean, };

export type Block = { "type": "section", text?: string, fields?: Array<string>, } | { "type": "header", text: string, } | { "type": "context", elements: Array<string>, } | { "type": "divider" };

export type MessageAction = { 
/**
 * Identifies the button to the bot (e.g. `assign`).
 */
id: string, 
/**
 * Text on the button.
 */
label: string, style?: ActionStyle, 
/**
 * Opaque data the bot gets back with the click (e.g. a ticket number).
 */
value?: string, };

export type ActionStyle = "default" | "primary" | "danger";

export type ActionRequest = { action_id: string, };

export type EditMessageRequest = { body?: string, 
/**
 * Replaces the message's extras (bots updating an interactive message).
 */
extras?: MessageExtras, };

export type CreateCommandRequest = { 
/**
 * Without the slash: `deploy` is invoked as `/deploy`.
 */
name: string, 
/**
 * Where calls are POSTed; its host must be on the outbound allowlist.
 */
url: string, description?: string, };

export type SlashCommand = { id: string, name: string, url: string, token: string, description: string, created_by: string, created_at: string, };

export type CommandResponse = { 
/**
 * `ephemeral` (the default: only the caller sees it) or `in_channel` (posted).
 */
response_type?: string, text?: string, attachments?: Array<Attachment>, 
/**
 * Name to show for an `in_channel` answer.
 */
username?: string, };

export type Webhook = { id: string, channel_id: string, name: string, 
/**
 * The hook's owner: its creator, or whoever took it over.
 */
created_by: string, created_at: string, 
/**
 * True while the owner is deactivated or no longer a member of the channel: posts to
 * the hook are refused until a member takes it over.
 */
disabled: boolean, };

export type WebhookWithUrl = { id: string, channel_id: string, name: string, 
/**
 * Path to POST to, e.g. `/hooks/<secret>`; the secret is shown only now.
 */
url: string, };

export type WebhookRequest = { name: string, };

export type TicketStatus = "open" | "in_progress" | "waiting" | "resolved" | "closed";

export type TicketPriority = "baixa" | "normal" | "alta" | "urgent";

export type Ticket = { number: number, requester_id: string, title: string, description: string, category: string, priority: TicketPriority, status: TicketStatus, assignee_id: string | null, created_at: string, updated_at: string, };

export type TicketEvent = { at: string, actor_id: string, 
/**
 * `opened`, `status`, `priority`, `category`, `assigned`, `comment`, `note`, `files`
 * (attached, named in `detail`) or `note_files` (attached with an internal note).
 */
kind: string, 
/**
 * The new value, or the text of a comment or note.
 */
detail: string, };

export type TicketDetail = { history: Array<TicketEvent>, 
/**
 * The files attached to the ticket, oldest first (those of internal notes only for the
 * support team). Each is read at `GET /api/v1/files/{id}` (additive).
 */
files: Array<TicketFile>, number: number, requester_id: string, title: string, description: string, category: string, priority: TicketPriority, status: TicketStatus, assignee_id: string | null, created_at: string, updated_at: string, };

export type TicketFile = { 
/**
 * Attached with an internal note: the requester does not see it.
 */
internal: boolean, added_by: string, added_at: string, id: string, 
/**
 * The file name the uploader gave, without any folder.
 */
name: string, size: number, 
/**
 * Recognised from the bytes, not taken from the uploader's claim.
 */
content_type: string, 
/**
 * Lowercase hex SHA-256 of the bytes.
 */
sha256: string, 
/**
 * Pixels, for images the server could read.
 */
width?: number, height?: number, };

export type Me = { 
/**
 * On the support team (the support department's members and admins): the client shows
 * the support queue (additive to v1).
 */
support_team: boolean, id: string, username: string, display_name: string, kind: UserKind, role: Role, department_ids: Array<string>, active: boolean, 
/**
 * A short status the person set ("De vacances fins dilluns"); absent when none
 * (additive to v1).
 */
status_text?: string, 
/**
 * The person's IANA time zone (`Europe/Madrid`), for their local time; absent when unset
 * (additive to v1).
 */
timezone?: string, 
/**
 * The person's e-mail address; absent when none was given (additive to v1).
 */
email?: string, };

export type ChannelCommand = { name: string, description: string, bot_id?: string, bot_username?: string, };

export type TelegramBotSettings = { privacy: boolean, };

export type TicketList = { tickets: Array<Ticket>, };

export type DurationFigures = { count: number, median_secs: number | null, p90_secs: number | null, };

export type WeekFigures = { 
/**
 * The Monday, `2026-11-30`.
 */
week: string, opened: number, 
/**
 * Tickets that reached `resolved` or `closed` (for the last time) that week.
 */
closed: number, };

export type CountBy = { key: string, count: number, };

export type AssigneeFigures = { assignee_id: string, open: number, resolved: number, resolution: DurationFigures, };

export type Satisfaction = { up: number, down: number, };

export type TicketStats = { from: string, to: string, opened: number, 
/**
 * From opening to the first comment by someone other than the requester.
 */
first_response: DurationFigures, 
/**
 * From opening to the last time it reached `resolved` or `closed`, for tickets that are
 * resolved or closed now.
 */
resolution: DurationFigures, weeks: Array<WeekFigures>, 
/**
 * Every ticket not closed now, whenever it was opened.
 */
backlog_by_status: Array<CountBy>, backlog_by_category: Array<CountBy>, by_assignee: Array<AssigneeFigures>, satisfaction: Satisfaction, 
/**
 * The `/info` articles requesters said solved their ticket (closing it), by topic.
 */
solved_by_article: Array<CountBy>, };

export type OpenTicketRequest = { description: string, title?: string, category?: string, priority?: TicketPriority, 
/**
 * Uploads of the caller's (`POST /api/v1/files`) or files they posted, attached to the
 * ticket: at most 10 (additive).
 */
file_ids?: Array<string>, };

export type UpdateTicketRequest = { status?: TicketStatus, priority?: TicketPriority, 
/**
 * A user id; `""` unassigns.
 */
assignee_id?: string, category?: string, 
/**
 * A comment, seen by the requester.
 */
comment?: string, 
/**
 * An internal note, seen only by the support team.
 */
note?: string, 
/**
 * Files for the comment (or, with a note and no comment, for the note: internal).
 */
file_ids?: Array<string>, };

export type InfoArticle = { 
/**
 * Lowercase key, e.g. `vpn`.
 */
topic: string, 
/**
 * `ca`, `es` or `en`.
 */
lang: string, title: string, body: string, updated_at: string, };

export type SetInfoArticleRequest = { title: string, body: string, 
/**
 * Default `ca`.
 */
lang?: string, };

export type CreateBotRequest = { username: string, display_name: string, };

export type CreatedBot = { bot: User, token: string, };

export type CreateBotTokenRequest = { label?: string, };

export type NewBotToken = { id: string, token: string, };

export type BotToken = { id: string, label: string, created_at: string, revoked_at: string | null, };

export type CreatedUser = { password?: string, id: string, username: string, display_name: string, kind: UserKind, role: Role, department_ids: Array<string>, active: boolean, 
/**
 * A short status the person set ("De vacances fins dilluns"); absent when none
 * (additive to v1).
 */
status_text?: string, 
/**
 * The person's IANA time zone (`Europe/Madrid`), for their local time; absent when unset
 * (additive to v1).
 */
timezone?: string, 
/**
 * The person's e-mail address; absent when none was given (additive to v1).
 */
email?: string, };

export type AuditEntry = { 
/**
 * Increasing: later entries have larger ids.
 */
id: number, at: string, 
/**
 * `null` for what nobody signed in did (a failed login, the server itself).
 */
actor_id: string | null, 
/**
 * The actor's username when it acted (a failed login: the username tried).
 */
actor_name: string, 
/**
 * A dotted name such as `user.created`; see docs/protocol.md for the list.
 */
action: string, 
/**
 * The id (or name) of what was acted on; `""` when nothing.
 */
target: string, 
/**
 * The client's address, when the action came over HTTP.
 */
ip: string | null, 
/**
 * What changed, never a secret.
 */
details: Record<string, unknown>, };

export type AuditPage = { entries: Array<AuditEntry>, 
/**
 * Pass as `cursor` for the next (older) page; `null` on the last page.
 */
next_cursor: string | null, };

export type AdminStats = { 
/**
 * People (not bots) with at least one open socket on any node.
 */
online: number, 
/**
 * Messages posted since midnight UTC, deleted ones included.
 */
messages_today: number, open_tickets: number, 
/**
 * Active people (not bots).
 */
users: number, 
/**
 * Channels other than direct ones.
 */
channels: number, storage: StorageUse, version: string, };

export type StorageUse = { database_bytes: number, files_bytes: number, };

export type ResetPasswordRequest = { password?: string, };

export type PasswordAnswer = { password: string, };

export type RenameDepartmentRequest = { name: string, };

export type ImportRequest = { csv: string, 
/**
 * Check only; nothing is created.
 */
dry_run?: boolean, };

export type ImportRow = { line: number, username: string, display_name: string, email: string, departments: Array<string>, 
/**
 * The new account's id, once created.
 */
user_id?: string, 
/**
 * Its one-time password, once created; shown only in this answer.
 */
password?: string, };

export type ImportError = { line: number, message: string, };

export type ImportResult = { dry_run: boolean, rows: Array<ImportRow>, errors: Array<ImportError>, };

export type SupportSettings = { 
/**
 * The department whose members are the support team.
 */
department: string, categories: Array<string>, 
/**
 * Everyone who works tickets now: the department's members and the admins.
 */
team: Array<User>, };

export type UpdateSupportSettingsRequest = { 
/**
 * The slug of an existing department: its members are the support team.
 */
department: string, 
/**
 * 1-20 names of 1-40 characters, no two alike in any letter case; the last is the
 * default of new tickets.
 */
categories: Array<string>, };

export type PresenceStatus = "online" | "away" | "offline";

export type ClientFrame = { "type": "auth", token: string, resume?: Record<string, number>, 
/**
 * The client's UI language (`ca`, `es`, `en`), for answers such as `/info` (additive).
 */
lang?: string, } | { "type": "send", ref?: string, channel_id: string, client_msg_id: string, body: string, thread_root?: number, 
/**
 * A thread reply also shown in the channel (additive to v1).
 */
also_in_channel?: boolean, 
/**
 * Files to post with the message, as in `POST .../messages` (additive to v1).
 */
file_ids?: Array<string>, } | { "type": "read", channel_id: string, seq: number, thread_root?: number, } | { "type": "typing", channel_id: string, } | { "type": "edit", ref?: string, channel_id: string, message_id: string, body: string, } | { "type": "ping", ref?: string, };

export type ServerFrame = { "type": "ready", session_id: string, user: User, channels: Array<Channel>, 
/**
 * Users with at least one open socket right now (additive to v1).
 */
online_user_ids: Array<string>, } | { "type": "message", channel_id: string, seq: number, message: Message, } | { "type": "member_joined", channel_id: string, seq: number, user_id: string, } | { "type": "member_left", channel_id: string, seq: number, user_id: string, } | { "type": "message_updated", channel_id: string, seq: number, message: Message, } | { "type": "message_deleted", channel_id: string, seq: number, message_id: string, user_id: string, } | { "type": "reaction_added", channel_id: string, seq: number, message_id: string, user_id: string, emoji: string, } | { "type": "reaction_removed", channel_id: string, seq: number, message_id: string, user_id: string, emoji: string, } | { "type": "channel_updated", channel_id: string, seq: number, user_id: string, name: string, topic: string, purpose: string, archived: boolean, } | { "type": "message_pinned", channel_id: string, seq: number, message_id: string, user_id: string, } | { "type": "message_unpinned", channel_id: string, seq: number, message_id: string, user_id: string, } | { "type": "action", channel_id: string, message_id: string, action_id: string, value: string | null, 
/**
 * Who clicked.
 */
user_id: string, } | { "type": "ack", ref: string | null, channel_id: string, seq: number, message_id: string, } | { "type": "error", ref: string | null, code: ErrorCode, message: string, 
/**
 * With `rate_limited`: how long to wait before sending the refused frame again
 * (additive to v1).
 */
retry_after_ms?: number, } | { "type": "resync", channel_id: string, from_seq: number, } | { "type": "typing", channel_id: string, user_id: string, } | { "type": "read", channel_id: string, seq: number, 
/**
 * Set when the marker is a thread's (additive to v1): `seq` is then a reply's.
 */
thread_root?: number, } | { "type": "presence", user_id: string, status: PresenceStatus, } | { "type": "channel", channel: Channel, } | { "type": "channel_removed", channel_id: string, } | { "type": "ephemeral", channel_id: string, ref: string | null, text: string, attachments?: Array<Attachment>, } | { "type": "pong", ref?: string, };

