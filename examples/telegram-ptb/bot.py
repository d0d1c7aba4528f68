"""An IT support bot written for Telegram with python-telegram-bot 22, run against Xerrada.

Nothing in it is specific to Xerrada but two lines: the token (a Xerrada bot token) and the base
URLs. It shows what such bots do: `/start` answers with a menu of inline buttons, a click edits
the menu and answers the callback, and the person's next message opens a ticket in Xerrada's
support desk (through Xerrada's own REST API) and is answered in its thread.

    XERRADA_URL=http://127.0.0.1:8080 XERRADA_BOT_TOKEN=xbot_... python bot.py
"""

import logging
import os

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

XERRADA_URL = os.environ["XERRADA_URL"].rstrip("/")
TOKEN = os.environ["XERRADA_BOT_TOKEN"]

TOPICS = {
    "vpn": "VPN des de casa",
    "mail": "Correu",
    "printer": "Impressora",
    "other": "Altres",
}
CHOOSING, DESCRIBING = range(2)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    keyboard = [
        [
            InlineKeyboardButton("🔐 VPN", callback_data="vpn"),
            InlineKeyboardButton("✉️ Correu", callback_data="mail"),
        ],
        [
            InlineKeyboardButton("🖨️ Impressora", callback_data="printer"),
            InlineKeyboardButton("Altres", callback_data="other"),
        ],
    ]
    await update.message.reply_text(
        "Hola! Sóc el bot de suport de TIC. Amb què et puc ajudar?",
        reply_markup=InlineKeyboardMarkup(keyboard),
    )
    return CHOOSING


async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    topic = TOPICS.get(query.data, "Altres")
    context.user_data["topic"] = topic
    await query.answer(f"Has triat: {topic}")
    await query.edit_message_text(
        f"Tema: *{topic}*\\. Explica'm què passa en un sol missatge\\.",
        parse_mode="MarkdownV2",
    )
    return DESCRIBING


async def open_ticket(title: str, description: str) -> dict:
    """Opens a ticket with Xerrada's REST API, as the bot (the same token)."""
    async with httpx.AsyncClient(base_url=XERRADA_URL, timeout=10) as client:
        response = await client.post(
            "/api/v1/tickets",
            headers={"Authorization": f"Bearer {TOKEN}"},
            json={"title": title, "description": description},
        )
        response.raise_for_status()
        return response.json()


async def described(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    topic = context.user_data.pop("topic", "Altres")
    person = update.effective_user
    text = update.message.text
    ticket = await open_ticket(
        f"{topic}: {text[:60]}",
        f"Sol·licitud de @{person.username} ({person.first_name}) per Telegram:\n\n{text}",
    )
    await update.message.reply_text(
        f"Gràcies! He obert el tiquet #{ticket['number']}. L'equip de TIC te'n dirà alguna cosa.",
        do_quote=True,
    )
    return ConversationHandler.END


def main() -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{XERRADA_URL}/bot")
        .base_file_url(f"{XERRADA_URL}/file/bot")
        .build()
    )
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states={
                CHOOSING: [CallbackQueryHandler(chosen)],
                DESCRIBING: [MessageHandler(filters.TEXT & ~filters.COMMAND, described)],
            },
            fallbacks=[CommandHandler("start", start)],
        )
    )
    app.run_polling(allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    main()
