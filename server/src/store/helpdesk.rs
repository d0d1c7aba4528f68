//! The IT help desk: tickets, their history and cards, and the `/info` articles.

use async_trait::async_trait;

use super::*;

/// Implemented once, by the portable queries in `sql/`, for every backend.
#[async_trait]
pub trait HelpdeskStore: Send + Sync {
    /// Opens a ticket (with its `opened` history line) and returns it with its number.
    async fn create_ticket(&self, ticket: NewTicket) -> StoreResult<Ticket>;
    async fn ticket(&self, number: i64) -> StoreResult<Option<Ticket>>;
    /// Tickets matching `filter`, newest first.
    async fn tickets(&self, filter: TicketFilter) -> StoreResult<Vec<Ticket>>;
    /// Applies `change` and appends `history` lines (kind, detail) by `actor_id`, in one
    /// transaction; the ticket as it is now, or `None` when it does not exist.
    async fn update_ticket(
        &self,
        number: i64,
        change: TicketChange,
        history: &[(String, String)],
        actor_id: &str,
        at: &str,
    ) -> StoreResult<Option<Ticket>>;
    /// Tickets opened in `[from, to)`, by number, each with its whole history (oldest first).
    async fn tickets_opened_between(
        &self,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<(Ticket, Vec<TicketEvent>)>>;
    /// Every ticket that is not closed, whenever opened.
    async fn ticket_backlog(&self) -> StoreResult<Vec<Ticket>>;
    /// A ticket's history, oldest first.
    async fn ticket_history(&self, number: i64) -> StoreResult<Vec<TicketEvent>>;
    /// Remembers the card message of a ticket.
    async fn set_ticket_card(
        &self,
        number: i64,
        channel_id: &str,
        message_id: &str,
    ) -> StoreResult<()>;
    /// The card message of a ticket: (channel id, message id).
    async fn ticket_card(&self, number: i64) -> StoreResult<Option<(String, String)>>;
    /// Remembers that the message at `seq` of a direct channel is about ticket `number`.
    async fn link_ticket_message(&self, channel_id: &str, seq: i64, number: i64)
    -> StoreResult<()>;
    /// The ticket the message at `seq` of a channel is about, if the bot linked one.
    async fn ticket_of_message(&self, channel_id: &str, seq: i64) -> StoreResult<Option<i64>>;
    /// The files attached to a ticket, oldest first.
    async fn ticket_files(&self, number: i64) -> StoreResult<Vec<TicketFile>>;
    /// The ticket a file is attached to, and whether with an internal note.
    async fn ticket_of_file(&self, file_id: &str) -> StoreResult<Option<(i64, bool)>>;
    /// Creates or replaces an article in one language.
    async fn set_article(&self, article: InfoArticle, updated_by: &str) -> StoreResult<()>;
    /// Every article in every language, by topic then language.
    async fn articles(&self) -> StoreResult<Vec<InfoArticle>>;
    /// Removes a topic in one language, or in all; how many rows went.
    async fn remove_article(&self, topic: &str, lang: Option<&str>) -> StoreResult<u64>;
}
