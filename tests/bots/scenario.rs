//! The scenario both example bots go through (examples/telegram-ptb, with python-telegram-bot,
//! and examples/telegram-teloxide): an IT support bot written for Telegram, unchanged but for
//! its base URL and token, against a real server that is restarted under it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, USER_PASSWORD, WsClient, spawn_app, spawn_at};

/// How long the bot may take to answer (it starts an interpreter, then long-polls).
const PATIENCE: Duration = Duration::from_secs(60);

/// The bot's process, killed when the test ends however it ends.
struct BotProcess(Child);

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An example bot: how to start it, and how it words what the scenario checks.
pub struct ExampleBot {
    /// The program and its arguments.
    pub command: Vec<String>,
    /// The menu after a click on "Correu", as stored.
    pub edited_menu: &'static str,
    /// A fragment of its answer to the description.
    pub answer: &'static str,
}

impl ExampleBot {
    pub fn python_telegram_bot() -> ExampleBot {
        let python = std::env::var("XERRADA_PTB_PYTHON").expect(
            "XERRADA_PTB_PYTHON: the python of a venv with examples/telegram-ptb/requirements.txt",
        );
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/telegram-ptb/bot.py");
        ExampleBot {
            command: vec![python, script.display().to_string()],
            edited_menu: "Tema: **Correu**. Explica'm què passa en un sol missatge.",
            answer: "He obert el tiquet #1",
        }
    }

    pub fn teloxide() -> ExampleBot {
        let binary = std::env::var("XERRADA_TELOXIDE_BIN")
            .expect("XERRADA_TELOXIDE_BIN: the built examples/telegram-teloxide");
        ExampleBot {
            command: vec![binary],
            edited_menu: "Tema: Correu. Explica'm què passa en un sol missatge.",
            answer: "Anotat: «No rebo correus des d'ahir»",
        }
    }

    fn start(&self, app: &TestApp, token: &str, log: &std::path::Path) -> BotProcess {
        let log = std::fs::File::create(log).expect("bot log");
        let child = Command::new(&self.command[0])
            .args(&self.command[1..])
            .env("XERRADA_URL", &app.base_url)
            .env("XERRADA_BOT_TOKEN", token)
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the bot starts");
        BotProcess(child)
    }
}

/// The next frame matching `wanted`, within [`PATIENCE`] (the bot may be backing off after
/// the server's restart).
async fn next(ws: &mut WsClient, wanted: impl Fn(&Value) -> bool) -> Value {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.stream.next())
            .await
            .expect("the bot answered in time");
        match frame {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => {
                let frame: Value = serde_json::from_str(&text).expect("JSON frame");
                if wanted(&frame) {
                    return frame;
                }
            }
            Some(Ok(_)) => {}
            other => panic!("the socket ended: {other:?}"),
        }
    }
}

fn from_bot(frame: &Value, bot_id: &str, kind: &str) -> bool {
    frame["type"] == kind && frame["message"]["author_id"] == bot_id
}

async fn send(ws: &mut WsClient, dm: &str, body: &str, key: &str) {
    ws.send_message(key, dm, key, body).await;
}

async fn bot_messages(app: &TestApp, anna: &Session, dm: &str, bot_id: &str) -> Vec<Value> {
    app.all_messages(anna, dm)
        .await
        .into_iter()
        .filter(|m| m["author_id"] == bot_id)
        .collect()
}

/// `/start`, the menu, a click (the edit and the callback's note), a description answered in
/// its thread, a server restart under the running bot, and a bot restart with an update
/// waiting: every /start answered once, nothing answered twice.
pub async fn it_support_conversation(example: ExampleBot) {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, created) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "suport_tic", "display_name": "Suport TIC (Telegram)"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let bot_id = created["bot"]["id"].as_str().expect("id").to_owned();
    let token = created["token"].as_str().expect("token").to_owned();
    let anna = app.create_user(&admin, "anna").await;
    let (_, dm) = app
        .post("/api/v1/dms", &anna.token, json!({"user_ids": [bot_id]}))
        .await;
    let dm = dm["id"].as_str().expect("dm").to_owned();
    // The bot's owner checks the token first: from then on the bot receives what is said to it.
    let (status, me) = app
        .http
        .post(app.url(&format!("/bot{token}/getMe")))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .expect("getMe");
    assert_eq!(status, 200, "{:?}", me.text().await);
    let log = std::env::temp_dir().join(format!("telegram-bot-{}.log", std::process::id()));
    let bot = example.start(&app, &token, &log);
    let mut ws = app.connect(&anna).await;

    // /start: the menu, with its buttons. The bot may still be starting: say it until it
    // answers, then check it answered once per /start it saw.
    send(&mut ws, &dm, "/start", "start-1").await;
    let menu = next(&mut ws, |f| from_bot(f, &bot_id, "message")).await["message"].clone();
    assert!(
        menu["body"]
            .as_str()
            .expect("body")
            .contains("Amb què et puc ajudar?"),
        "{menu}\n(bot log: {})",
        log.display()
    );
    let buttons: Vec<String> = menu["extras"]["actions"]
        .as_array()
        .expect("buttons")
        .iter()
        .map(|a| a["label"].as_str().expect("label").to_owned())
        .collect();
    assert_eq!(buttons, ["🔐 VPN", "✉️ Correu", "🖨️ Impressora", "Altres"]);

    // A click: the menu is edited, and the callback's note reaches only Anna.
    let correu = &menu["extras"]["actions"][1]["id"];
    let click = format!(
        "/api/v1/channels/{dm}/messages/{}/actions",
        menu["id"].as_str().expect("id")
    );
    let (status, answer) = app
        .post(&click, &anna.token, json!({"action_id": correu}))
        .await;
    assert_eq!(status, 204, "{answer}");
    // The edit and the note, in whichever order the bot makes its two calls.
    let (mut edited, mut note) = (None, None);
    while edited.is_none() || note.is_none() {
        let frame = next(&mut ws, |f| {
            (from_bot(f, &bot_id, "message_updated") && f["message"]["id"] == menu["id"])
                || f["type"] == "ephemeral"
        })
        .await;
        if frame["type"] == "ephemeral" {
            note = Some(frame);
        } else {
            edited = Some(frame);
        }
    }
    let (edited, note) = (edited.expect("edited"), note.expect("note"));
    assert_eq!(edited["message"]["body"], example.edited_menu);
    assert!(
        edited["message"]["extras"].get("actions").is_none(),
        "{edited}"
    );
    assert!(note.to_string().contains("Has triat: Correu"), "{note}");

    // The description, answered in the thread of Anna's message (the python bot also opens a
    // ticket with Xerrada's REST API).
    send(&mut ws, &dm, "No rebo correus des d'ahir", "describe").await;
    let ack = next(&mut ws, |f| f["type"] == "ack" && f["ref"] == "describe").await;
    let described_seq = ack["seq"].as_i64().expect("seq");
    let reply = next(&mut ws, |f| from_bot(f, &bot_id, "message")).await["message"].clone();
    assert_eq!(reply["thread_root"], described_seq, "{reply}");
    assert!(
        reply["body"]
            .as_str()
            .expect("body")
            .contains(example.answer),
        "{reply}"
    );
    if example.answer.contains("tiquet") {
        let (status, ticket) = app.get("/api/v1/tickets/1", &admin.token).await;
        assert_eq!(status, 200);
        assert!(
            ticket["description"]
                .as_str()
                .expect("description")
                .contains("No rebo correus des d'ahir"),
            "{ticket}"
        );
    }

    // The server restarts under the bot (idle, long-polling): the bot goes on by itself, and
    // answers the next /start once.
    let addr = app.addr;
    let data_dir = app.data_dir.clone();
    let dir = app.stop().await;
    let app = spawn_at(data_dir, addr, |_| {}).await;
    let anna = app.login("anna", USER_PASSWORD).await;
    let mut ws = app.connect(&anna).await;
    send(&mut ws, &dm, "/start", "start-2").await;
    let menu = next(&mut ws, |f| from_bot(f, &bot_id, "message")).await["message"].clone();
    assert!(
        menu["body"]
            .as_str()
            .expect("body")
            .contains("Amb què et puc ajudar?")
    );

    // The bot is down while Anna writes: the update waits for it, and the bot started again
    // gets it once. (It is stopped once it has acknowledged what it answered, as a bot stopped
    // gracefully does: killed before, Telegram and Xerrada alike give it the update again.)
    let pending = format!("/bot{token}/getWebhookInfo");
    let acknowledged = async {
        loop {
            let (_, info) = app.post(&pending, "", json!({})).await;
            if info["result"]["pending_update_count"] == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(PATIENCE, acknowledged)
        .await
        .expect("the bot acknowledged its updates");
    drop(bot);
    send(&mut ws, &dm, "/start", "start-3").await;
    next(&mut ws, |f| f["type"] == "ack" && f["ref"] == "start-3").await;
    let _bot = example.start(&app, &token, &log);
    let menu = next(&mut ws, |f| from_bot(f, &bot_id, "message")).await["message"].clone();
    assert!(
        menu["body"]
            .as_str()
            .expect("body")
            .contains("Amb què et puc ajudar?")
    );

    // Nothing was answered twice: three /start, three menus; one description, one answer.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let said = bot_messages(&app, &anna, &dm, &bot_id).await;
    // (The first menu was edited into "Tema: …" by the click.)
    let menus = said
        .iter()
        .filter(|m| {
            m["body"]
                .as_str()
                .is_some_and(|b| b.contains("Amb què") || b.starts_with("Tema:"))
        })
        .count();
    let answers = said.iter().filter(|m| m["thread_root"].is_i64()).count();
    assert_eq!((menus, answers), (3, 1), "{said:?}");
    drop(dir);
}
