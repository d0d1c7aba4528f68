//! Xerrada's users, channels and messages as the Bot API's User, Chat and Message.
//!
//! Ids: every user and channel gets a stable integer (`telegram_ids`). A user's is its User
//! `id`; a channel's Chat `id` is its negative, except a direct conversation's, which is the
//! other person's `id` (as a private chat is in Telegram). A message's `message_id` is its
//! channel `seq`.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use xerrada_protocol::{ChannelKind, Message, User, UserKind};

use super::markup;
use super::reply::{TgError, TgResult};
use crate::context::Context;
use crate::services::accounts::language_of;
use crate::store::HistoryQuery;

/// Maps for one bot (its chats are seen from its side).
pub struct Mapper<'a> {
    pub ctx: &'a Context,
    pub bot: &'a User,
}

/// Seconds since the epoch of an RFC 3339 time; 0 when unreadable.
pub fn unix_time(at: &str) -> i64 {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .unwrap_or(0)
}

impl Mapper<'_> {
    pub async fn number(&self, xerrada_id: &str) -> TgResult<i64> {
        Ok(self.ctx.store.telegram_number(xerrada_id).await?)
    }

    /// A User object.
    pub async fn user(&self, user: &User) -> TgResult<Value> {
        let mut object = json!({
            "id": self.number(&user.id).await?,
            "is_bot": user.kind == UserKind::Bot,
            "first_name": user.display_name,
            "username": user.username,
        });
        if user.kind == UserKind::Human {
            object["language_code"] = json!(language_of(self.ctx, &user.id).await.as_str());
        }
        Ok(object)
    }

    pub async fn user_by_id(&self, user_id: &str) -> TgResult<Value> {
        match self.ctx.store.user_by_id(user_id).await? {
            Some(user) => self.user(&user).await,
            None => {
                Ok(json!({"id": self.number(user_id).await?, "is_bot": false, "first_name": "?"}))
            }
        }
    }

    /// The other member of a direct channel with the bot.
    async fn correspondent(&self, channel_id: &str) -> TgResult<Option<User>> {
        let Some(info) = self.ctx.memberships.get(channel_id) else {
            return Ok(None);
        };
        let other = info.members.iter().find(|m| **m != self.bot.id).cloned();
        match other {
            Some(id) => Ok(self.ctx.store.user_by_id(&id).await?),
            None => Ok(None),
        }
    }

    /// A Chat object for a channel the bot is in.
    pub async fn chat(&self, channel_id: &str) -> TgResult<Value> {
        let channel = self
            .ctx
            .store
            .channel_by_id(channel_id)
            .await?
            .ok_or_else(TgError::chat_not_found)?;
        if channel.kind == ChannelKind::Direct
            && let Some(other) = self.correspondent(channel_id).await?
        {
            return Ok(json!({
                "id": self.number(&other.id).await?,
                "type": "private",
                "first_name": other.display_name,
                "username": other.username,
            }));
        }
        let kind = match channel.kind {
            ChannelKind::Public => "supergroup",
            _ => "group",
        };
        let mut chat = json!({
            "id": -self.number(channel_id).await?,
            "type": kind,
            "title": channel.name,
        });
        if channel.kind == ChannelKind::Public {
            chat["username"] = json!(channel.name);
        }
        Ok(chat)
    }

    /// The channel a `chat_id` names, if the bot is a member of it: a negative id is a
    /// channel; a positive one is a person, whose direct channel with the bot it is (opened
    /// if needed).
    pub async fn channel_of_chat(&self, chat_id: i64) -> TgResult<String> {
        let xerrada_id = self
            .ctx
            .store
            .telegram_id_of(chat_id.abs())
            .await?
            .ok_or_else(TgError::chat_not_found)?;
        let channel_id = if chat_id < 0 {
            xerrada_id
        } else {
            let person = self
                .ctx
                .store
                .user_by_id(&xerrada_id)
                .await?
                .filter(|u| u.active && u.id != self.bot.id)
                .ok_or_else(TgError::chat_not_found)?;
            let members: BTreeSet<String> = [self.bot.id.clone(), person.id].into();
            crate::services::channels::direct_channel(self.ctx, members)
                .await
                .map_err(TgError::from)?
        };
        let member = self
            .ctx
            .memberships
            .get(&channel_id)
            .is_some_and(|info| info.members.contains(&self.bot.id));
        if !member {
            return Err(TgError::chat_not_found());
        }
        Ok(channel_id)
    }

    /// The message at `seq` of a channel, if there is one.
    pub async fn message_at(&self, channel_id: &str, seq: i64) -> TgResult<Option<Message>> {
        let query = HistoryQuery::After {
            seq: seq - 1,
            limit: 1,
        };
        let slice = self.ctx.store.messages(channel_id, query).await?;
        Ok(slice.messages.into_iter().find(|m| m.seq == seq))
    }

    /// A Message object.
    pub async fn message(&self, message: &Message) -> TgResult<Value> {
        let chat = self.chat(&message.channel_id).await?;
        let mut object = json!({
            "message_id": message.seq,
            "date": unix_time(&message.created_at),
            "chat": chat,
            "from": self.user_by_id(&message.author_id).await?,
        });
        if let Some(edited) = &message.edited_at {
            object["edit_date"] = json!(unix_time(edited));
        }
        let text_key = if message.files.is_empty() {
            "text"
        } else {
            "caption"
        };
        if !message.body.is_empty() || text_key == "text" {
            object[text_key] = json!(message.body);
            let entities = markup::entities(&message.body);
            if !entities.is_empty() {
                let key = if text_key == "text" {
                    "entities"
                } else {
                    "caption_entities"
                };
                object[key] = Value::Array(entities);
            }
        }
        if let Some(first) = message.files.first() {
            let file = markup::file_object(first);
            if first.width.is_some() {
                let mut photo = file;
                photo["width"] = json!(first.width);
                photo["height"] = json!(first.height);
                object["photo"] = json!([photo]);
            } else {
                let mut document = file;
                document["file_name"] = json!(first.name);
                document["mime_type"] = json!(first.content_type);
                object["document"] = document;
            }
        }
        if let Some(root) = message.thread_root {
            let mut replied = json!({
                "message_id": root,
                "date": 0,
                "chat": object["chat"].clone(),
            });
            if let Some(original) = self.message_at(&message.channel_id, root).await? {
                replied["date"] = json!(unix_time(&original.created_at));
                replied["text"] = json!(original.body);
                replied["from"] = self.user_by_id(&original.author_id).await?;
            }
            object["reply_to_message"] = replied;
        }
        if let Some(keyboard) = message.extras.as_ref().and_then(markup::inline_keyboard) {
            object["reply_markup"] = keyboard;
        }
        Ok(object)
    }
}
