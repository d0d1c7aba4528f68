//! examples/telegram-ptb: an IT support bot written with python-telegram-bot 22, unchanged but
//! for its base URL and token, against a real server that is restarted under it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, USER_PASSWORD, WsClient, spawn_app, spawn_at};

/// How long the bot may take to answer (it starts a Python interpreter, then long-polls).
const PATIENCE: Duration = Duration::from_secs(60);

/// The bot's process, killed when the test ends however it ends.
struct BotProcess(Child);

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn example_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/telegram-ptb")
}

fn start_bot(app: &TestApp, token: &str, log: &std::path::Path) -> BotProcess {
    let python = std::env::var("XERRADA_PTB_PYTHON").expect(
        "XERRADA_PTB_PYTHON: the python of a venv with examples/telegram-ptb/requirements.txt",
    );
    let log = std::fs::File::create(log).expect("bot log");
    let child = Command::new(python)
        .arg(example_dir().join("bot.py"))
        .env("XERRADA_URL", &app.base_url)
        .env("XERRADA_BOT_TOKEN", token)
        .stdout(Stdio::from(log.try_clone().expect("log")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("the bot starts");
    BotProcess(child)
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

#[tokio::test]
async fn a_python_telegram_bot_runs_unchanged_across_restarts() {
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
    let log = std::env::temp_dir().join(format!("telegram-ptb-{}.log", std::process::id()));
    let bot = start_bot(&app, &token, &log);
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
    assert_eq!(
        edited["message"]["body"],
        "Tema: **Correu**. Explica'm què passa en un sol missatge."
    );
    assert!(
        edited["message"]["extras"].get("actions").is_none(),
        "{edited}"
    );
    assert!(note.to_string().contains("Has triat: Correu"), "{note}");

    // The description: a ticket, and the answer in the thread of Anna's message.
    send(&mut ws, &dm, "No rebo correus des d'ahir", "describe").await;
    let ack = next(&mut ws, |f| f["type"] == "ack" && f["ref"] == "describe").await;
    let described_seq = ack["seq"].as_i64().expect("seq");
    let reply = next(&mut ws, |f| from_bot(f, &bot_id, "message")).await["message"].clone();
    assert_eq!(reply["thread_root"], described_seq, "{reply}");
    assert!(
        reply["body"].as_str().expect("body").contains("tiquet #1"),
        "{reply}"
    );
    let (status, ticket) = app.get("/api/v1/tickets/1", &admin.token).await;
    assert_eq!(status, 200);
    assert!(
        ticket["description"]
            .as_str()
            .expect("description")
            .contains("No rebo correus des d'ahir"),
        "{ticket}"
    );

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
    // gets it once.
    drop(bot);
    send(&mut ws, &dm, "/start", "start-3").await;
    next(&mut ws, |f| f["type"] == "ack" && f["ref"] == "start-3").await;
    let _bot = start_bot(&app, &token, &log);
    let menu = next(&mut ws, |f| from_bot(f, &bot_id, "message")).await["message"].clone();
    assert!(
        menu["body"]
            .as_str()
            .expect("body")
            .contains("Amb què et puc ajudar?")
    );

    // Nothing was answered twice: three /start, three menus; one ticket, one answer.
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
    let answers = said
        .iter()
        .filter(|m| m["body"].as_str().is_some_and(|b| b.contains("tiquet #")))
        .count();
    assert_eq!((menus, answers), (3, 1), "{said:?}");
    drop(dir);
}
