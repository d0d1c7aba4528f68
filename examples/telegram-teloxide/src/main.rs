//! An IT support bot written for Telegram with teloxide, run against Xerrada unchanged but for
//! its token and API URL: `/start` answers with a menu of inline buttons, a click edits the menu
//! and answers the callback, and what the person writes next is acknowledged in its thread.
//!
//!     XERRADA_URL=http://127.0.0.1:8080 XERRADA_BOT_TOKEN=xbot_... cargo run

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters};

#[tokio::main]
async fn main() {
    let url = std::env::var("XERRADA_URL").expect("XERRADA_URL: the server's address");
    let token = std::env::var("XERRADA_BOT_TOKEN").expect("XERRADA_BOT_TOKEN: a bot token");
    let api = url::Url::parse(&url).expect("XERRADA_URL is a URL");
    let bot = Bot::new(token).set_api_url(api);
    let handler = dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_click));
    Dispatcher::builder(bot, handler).build().dispatch().await;
}

fn menu() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([
        [
            InlineKeyboardButton::callback("🔐 VPN", "vpn"),
            InlineKeyboardButton::callback("✉️ Correu", "mail"),
        ],
        [
            InlineKeyboardButton::callback("🖨️ Impressora", "printer"),
            InlineKeyboardButton::callback("Altres", "other"),
        ],
    ])
}

fn topic(data: Option<&str>) -> &'static str {
    match data {
        Some("vpn") => "VPN des de casa",
        Some("mail") => "Correu",
        Some("printer") => "Impressora",
        _ => "Altres",
    }
}

async fn on_message(bot: Bot, message: Message) -> ResponseResult<()> {
    let Some(text) = message.text() else {
        return Ok(());
    };
    if text.starts_with("/start") {
        bot.send_message(
            message.chat.id,
            "Hola! Sóc el bot de suport de TIC. Amb què et puc ajudar?",
        )
        .reply_markup(menu())
        .await?;
    } else {
        bot.send_message(
            message.chat.id,
            format!("Anotat: «{text}». L'equip de TIC s'hi posarà."),
        )
        .reply_parameters(ReplyParameters::new(message.id))
        .await?;
    }
    Ok(())
}

async fn on_click(bot: Bot, query: CallbackQuery) -> ResponseResult<()> {
    let topic = topic(query.data.as_deref());
    bot.answer_callback_query(query.id.clone())
        .text(format!("Has triat: {topic}"))
        .await?;
    if let Some(message) = query.regular_message() {
        bot.edit_message_text(
            message.chat.id,
            message.id,
            format!("Tema: {topic}. Explica'm què passa en un sol missatge."),
        )
        .await?;
    }
    Ok(())
}
