//! TypeScript definitions of the wire types, for the web client.
//!
//! The generated file is committed at `web-client/src/protocol/index.ts` so the client builds
//! without Rust; the test below fails when it is stale. Regenerate with
//! `XERRADA_UPDATE_TS=1 cargo test -p xerrada-protocol --features typescript`.

use ts_rs::{Config, TS};

use crate::admin::*;
use crate::error::{ApiError, ErrorCode};
use crate::frames::{ClientFrame, PresenceStatus, ServerFrame};
use crate::helpdesk::*;
use crate::integrations::*;
use crate::rest::*;

/// Every exported type's declaration, in a stable order, as one TypeScript module.
pub fn render() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = [
        ErrorCode::decl(&cfg),
        ApiError::decl(&cfg),
        UserKind::decl(&cfg),
        Role::decl(&cfg),
        User::decl(&cfg),
        Department::decl(&cfg),
        ChannelKind::decl(&cfg),
        Channel::decl(&cfg),
        Message::decl(&cfg),
        Reaction::decl(&cfg),
        FileInfo::decl(&cfg),
        SearchResults::decl(&cfg),
        SearchResult::decl(&cfg),
        ThreadPage::decl(&cfg),
        FollowedThread::decl(&cfg),
        ThreadList::decl(&cfg),
        ThreadReadRequest::decl(&cfg),
        Pin::decl(&cfg),
        PinList::decl(&cfg),
        SavedMessage::decl(&cfg),
        SavedList::decl(&cfg),
        UpdateChannelRequest::decl(&cfg),
        MarkUnreadRequest::decl(&cfg),
        ReadMarker::decl(&cfg),
        LoginRequest::decl(&cfg),
        RefreshRequest::decl(&cfg),
        TokenResponse::decl(&cfg),
        CreateUserRequest::decl(&cfg),
        UpdateUserRequest::decl(&cfg),
        CreateDepartmentRequest::decl(&cfg),
        NewChannelKind::decl(&cfg),
        CreateChannelRequest::decl(&cfg),
        CreateDmRequest::decl(&cfg),
        SendMessageRequest::decl(&cfg),
        MessagePage::decl(&cfg),
        EventPage::decl(&cfg),
        MessageExtras::decl(&cfg),
        Attachment::decl(&cfg),
        AttachmentField::decl(&cfg),
        Block::decl(&cfg),
        MessageAction::decl(&cfg),
        ActionStyle::decl(&cfg),
        ActionRequest::decl(&cfg),
        EditMessageRequest::decl(&cfg),
        CreateCommandRequest::decl(&cfg),
        SlashCommand::decl(&cfg),
        CommandResponse::decl(&cfg),
        Webhook::decl(&cfg),
        WebhookWithUrl::decl(&cfg),
        WebhookRequest::decl(&cfg),
        TicketStatus::decl(&cfg),
        TicketPriority::decl(&cfg),
        Ticket::decl(&cfg),
        TicketEvent::decl(&cfg),
        TicketDetail::decl(&cfg),
        TicketFile::decl(&cfg),
        Me::decl(&cfg),
        ChannelCommand::decl(&cfg),
        TelegramBotSettings::decl(&cfg),
        TicketList::decl(&cfg),
        DurationFigures::decl(&cfg),
        WeekFigures::decl(&cfg),
        CountBy::decl(&cfg),
        AssigneeFigures::decl(&cfg),
        Satisfaction::decl(&cfg),
        TicketStats::decl(&cfg),
        OpenTicketRequest::decl(&cfg),
        UpdateTicketRequest::decl(&cfg),
        InfoArticle::decl(&cfg),
        SetInfoArticleRequest::decl(&cfg),
        CreateBotRequest::decl(&cfg),
        CreatedBot::decl(&cfg),
        CreateBotTokenRequest::decl(&cfg),
        NewBotToken::decl(&cfg),
        BotToken::decl(&cfg),
        CreatedUser::decl(&cfg),
        AuditEntry::decl(&cfg),
        AuditPage::decl(&cfg),
        AdminStats::decl(&cfg),
        StorageUse::decl(&cfg),
        ResetPasswordRequest::decl(&cfg),
        PasswordAnswer::decl(&cfg),
        RenameDepartmentRequest::decl(&cfg),
        ImportRequest::decl(&cfg),
        ImportRow::decl(&cfg),
        ImportError::decl(&cfg),
        ImportResult::decl(&cfg),
        SupportSettings::decl(&cfg),
        UpdateSupportSettingsRequest::decl(&cfg),
        PresenceStatus::decl(&cfg),
        ClientFrame::decl(&cfg),
        ServerFrame::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust `xerrada-protocol` crate by ts-rs. Do not edit by hand:\n\
         // run `XERRADA_UPDATE_TS=1 cargo test -p xerrada-protocol --features typescript` after changing the crate.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn committed_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web-client/src/protocol/index.ts")
    }

    #[test]
    fn committed_typescript_matches_the_rust_types() {
        let fresh = super::render();
        let path = committed_path();
        if std::env::var_os("XERRADA_UPDATE_TS").is_some() {
            std::fs::create_dir_all(path.parent().expect("path has a parent"))
                .expect("create web-client/src/protocol");
            std::fs::write(&path, &fresh).expect("write TypeScript types");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "web-client/src/protocol/index.ts is stale: run \
             `XERRADA_UPDATE_TS=1 cargo test -p xerrada-protocol --features typescript` and commit the result"
        );
    }
}
