//! The authorization matrix: every operation of the OpenAPI document, called by each kind of
//! caller, gets the answer its `x-access` class gives that caller (docs/protocol.md, "Who may
//! call what"). The operations are read from the served document, so a new route is in the
//! matrix at once: one with an unknown class, or a body this file has no example of, fails.
//!
//! Each cell gets objects of its own (a private channel with a message, a webhook, a ticket,
//! an account...), made only as its path needs them, so that one caller's delete or
//! deactivation never changes what the next one meets.

use reqwest::Method;
use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, spawn_app_with};

/// The kinds of caller.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    Anonymous,
    /// The access token of an account deactivated after it signed in.
    Deactivated,
    /// A member of the cell's private channel (not its owner), in the department `tic`.
    Member,
    /// In the same department, not a member of the channel.
    NonMember,
    /// In another department, not a member of the channel.
    OtherDepartment,
    /// A bot's token (not a member of the channel).
    Bot,
    /// An admin who is not a member of the channel.
    Admin,
}

const ROLES: [Role; 7] = [
    Role::Anonymous,
    Role::Deactivated,
    Role::Member,
    Role::NonMember,
    Role::OtherDepartment,
    Role::Bot,
    Role::Admin,
];

/// What a caller must be answered.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Answer {
    /// 2xx: the call does what it says.
    Done,
    /// 401: no valid token.
    Unauthenticated,
    /// 403, or 404 where the object is hidden from the caller.
    Refused,
}

/// The answer a class gives a role (the table in docs/protocol.md). `public` operations are
/// checked apart: a token must change nothing there.
fn expected(class: &str, role: Role) -> Answer {
    use Answer::*;
    use Role::*;
    if matches!(role, Anonymous | Deactivated) {
        return Unauthenticated;
    }
    let allowed: &[Role] = match class {
        "signed_in" => &[Member, NonMember, OtherDepartment, Bot, Admin],
        // The cell's channel is private: only its members (and admins) see it.
        "channel_visible" => &[Member],
        "channel_member" => &[Member],
        // A topic change: the channel's members, and admins from the admin area.
        "channel_settings" => &[Member, Admin],
        // Archiving is the owner's or an admin's; the member is not the owner.
        "channel_manager" => &[Admin],
        // The channel is private: its members change its members, as admins do.
        "channel_membership" => &[Member, Admin],
        // The file is posted in the private channel.
        "file_reader" => &[Member],
        "message_author" => &[Member],
        // The account in the path is none of the callers.
        "account_or_admin" => &[Admin],
        "webhook_manager" => &[Member, Admin],
        // The hook works and is the member's; the admin is not in its channel.
        "webhook_channel_member" => &[Member],
        "ticket_party" => &[Member, Admin],
        "support_team" => &[Admin],
        "admin" => &[Admin],
        other => panic!("x-access {other:?} has no row in the matrix"),
    };
    if allowed.contains(&role) {
        Done
    } else {
        Refused
    }
}

/// The accounts the cells are called as, and the fixtures they share.
struct Callers {
    admin: Session,
    owner: Session,
    member: Session,
    non_member: Session,
    other_department: Session,
    deactivated: Session,
    /// Neither a caller nor an owner: the account a membership route adds or removes.
    extra: Session,
    bot_token: String,
    /// A bot that posts messages with a button (and is online, so that clicks reach it).
    buttons: (String, String),
    department: String,
}

impl Callers {
    fn token(&self, role: Role) -> Option<&str> {
        match role {
            Role::Anonymous => None,
            Role::Deactivated => Some(&self.deactivated.token),
            Role::Member => Some(&self.member.token),
            Role::NonMember => Some(&self.non_member.token),
            Role::OtherDepartment => Some(&self.other_department.token),
            Role::Bot => Some(&self.bot_token),
            Role::Admin => Some(&self.admin.token),
        }
    }
}

async fn callers(app: &TestApp) -> Callers {
    let admin = app.admin().await;
    // Not `tic`: the support desk's team is that department's, and no caller here is on it.
    let urbanisme = app.create_department(&admin, "urbanisme").await;
    let oac = app.create_department(&admin, "oac").await;
    let owner = app.create_user_in(&admin, "owner", &[&urbanisme.id]).await;
    let member = app.create_user_in(&admin, "member", &[&urbanisme.id]).await;
    let non_member = app
        .create_user_in(&admin, "nonmember", &[&urbanisme.id])
        .await;
    let other_department = app.create_user_in(&admin, "other", &[&oac.id]).await;
    let deactivated = app.create_user_in(&admin, "gone", &[&urbanisme.id]).await;
    let extra = app.create_user_in(&admin, "extra", &[&urbanisme.id]).await;
    // What the support settings' route names as the team's department: no caller is in it,
    // so that the route changes nothing the later cells meet.
    app.create_department(&admin, "suport").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/users/{}/deactivate", deactivated.user.id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, bot) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "robot", "display_name": "Robot"}),
        )
        .await;
    assert_eq!(status, 201, "{bot}");
    let (status, buttons) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "botons", "display_name": "Botons"}),
        )
        .await;
    assert_eq!(status, 201, "{buttons}");
    Callers {
        buttons: (
            buttons["bot"]["id"].as_str().expect("id").to_owned(),
            buttons["token"].as_str().expect("token").to_owned(),
        ),
        admin,
        owner,
        member,
        non_member,
        other_department,
        deactivated,
        extra,
        bot_token: bot["token"].as_str().expect("bot token").to_owned(),
        department: urbanisme.id,
    }
}

/// A new session of the role's account (a new token of the bot), for a call that ends it.
async fn fresh_token(app: &TestApp, callers: &Callers, role: Role) -> Option<String> {
    let username = match role {
        Role::Member => "member",
        Role::NonMember => "nonmember",
        Role::OtherDepartment => "other",
        Role::Admin => return Some(app.admin().await.token),
        Role::Bot => {
            let bots = ok(
                app,
                Method::GET,
                "/api/v1/bots",
                &callers.admin.token,
                Value::Null,
            )
            .await;
            let robot = bots
                .as_array()
                .and_then(|bots| bots.iter().find(|b| b["username"] == "robot"))
                .expect("the robot bot");
            let token = ok(
                app,
                Method::POST,
                &format!("/api/v1/bots/{}/tokens", robot["id"].as_str().expect("id")),
                &callers.admin.token,
                json!({"label": "one call"}),
            )
            .await;
            return Some(token["token"].as_str().expect("token").to_owned());
        }
        Role::Anonymous | Role::Deactivated => return None,
    };
    Some(
        app.login(username, xerrada_tests::USER_PASSWORD)
            .await
            .token,
    )
}

/// The objects one cell's path names.
#[derive(Default)]
struct Objects {
    channel: String,
    message: String,
    root_seq: String,
    webhook: String,
    secret: String,
    user: String,
    bot: String,
    bot_token_id: String,
    command: String,
    ticket: String,
    topic: String,
    file: String,
}

async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let body = (!body.is_null()).then_some(body);
    let (status, answer) = app.call(method.clone(), path, Some(token), body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {answer}"
    );
    answer
}

/// Makes what `path` names, fresh for cell `n`.
async fn objects(
    app: &TestApp,
    callers: &Callers,
    method: &Method,
    path: &str,
    n: usize,
) -> Objects {
    let method = method.clone();
    let mut made = Objects::default();
    let admin = &callers.admin.token;
    let member = &callers.member.token;
    if path.contains("/channels/{id}")
        || path.contains("{message_id}")
        || path.contains("/files/{id}")
        || path.contains("/webhooks/{id}")
        || path.contains("/hooks/{secret}")
    {
        let channel = ok(
            app,
            Method::POST,
            "/api/v1/channels",
            &callers.owner.token,
            json!({"name": format!("cel-{n}"), "kind": "private"}),
        )
        .await;
        made.channel = channel["id"].as_str().expect("id").to_owned();
        ok(
            app,
            Method::PUT,
            &format!(
                "/api/v1/channels/{}/members/{}",
                made.channel, callers.member.user.id
            ),
            &callers.owner.token,
            json!({}),
        )
        .await;
        let message = ok(
            app,
            Method::POST,
            &format!("/api/v1/channels/{}/messages", made.channel),
            member,
            json!({"body": "un missatge"}),
        )
        .await;
        made.message = message["id"].as_str().expect("id").to_owned();
        made.root_seq = message["seq"].to_string();
        ok(
            app,
            Method::POST,
            &format!("/api/v1/channels/{}/messages", made.channel),
            &callers.owner.token,
            json!({"body": "una resposta", "thread_root": message["seq"]}),
        )
        .await;
    }
    if path.ends_with("/actions") {
        let (bot_id, bot_token) = &callers.buttons;
        ok(
            app,
            Method::PUT,
            &format!("/api/v1/channels/{}/members/{bot_id}", made.channel),
            &callers.owner.token,
            Value::Null,
        )
        .await;
        let message = ok(
            app,
            Method::POST,
            &format!("/api/v1/channels/{}/messages", made.channel),
            bot_token,
            json!({"body": "tria", "extras": {"actions": [{"id": "ok", "label": "D'acord"}]}}),
        )
        .await;
        made.message = message["id"].as_str().expect("id").to_owned();
    }
    if path.contains("/webhooks/{id}") || path.contains("/hooks/{secret}") {
        let hook = ok(
            app,
            Method::POST,
            &format!("/api/v1/channels/{}/webhooks", made.channel),
            member,
            json!({"name": "avisos"}),
        )
        .await;
        made.webhook = hook["id"].as_str().expect("id").to_owned();
        made.secret = hook["url"]
            .as_str()
            .and_then(|url| url.rsplit('/').next())
            .expect("secret")
            .to_owned();
    }
    if path.starts_with("/api/v1/users/{id}") {
        let user = ok(
            app,
            Method::POST,
            "/api/v1/users",
            admin,
            json!({"username": format!("target{n}"), "display_name": "Target"}),
        )
        .await;
        made.user = user["id"].as_str().expect("id").to_owned();
    }
    if path.contains("{user_id}") {
        made.user = callers.extra.user.id.clone();
        if path.starts_with("/api/v1/channels/") && method == Method::DELETE {
            ok(
                app,
                Method::PUT,
                &format!("/api/v1/channels/{}/members/{}", made.channel, made.user),
                &callers.owner.token,
                Value::Null,
            )
            .await;
        }
    }
    if path.starts_with("/api/v1/bots/{id}") {
        let bot = ok(
            app,
            Method::POST,
            "/api/v1/bots",
            admin,
            json!({"username": format!("bot{n}"), "display_name": "Bot"}),
        )
        .await;
        made.bot = bot["bot"]["id"].as_str().expect("id").to_owned();
        let token = ok(
            app,
            Method::POST,
            &format!("/api/v1/bots/{}/tokens", made.bot),
            admin,
            json!({"label": "spare"}),
        )
        .await;
        made.bot_token_id = token["id"].as_str().expect("id").to_owned();
    }
    if path.starts_with("/api/v1/commands/{id}") {
        let command = ok(
            app,
            Method::POST,
            "/api/v1/commands",
            admin,
            json!({"name": format!("ordre{n}"), "url": "http://127.0.0.1:9/"}),
        )
        .await;
        made.command = command["id"].as_str().expect("id").to_owned();
    }
    if path.starts_with("/api/v1/tickets/{number}") {
        let ticket = ok(
            app,
            Method::POST,
            "/api/v1/tickets",
            member,
            json!({"description": "la impressora no imprimeix"}),
        )
        .await;
        made.ticket = ticket["number"].to_string();
    }
    if path.starts_with("/api/v1/info/{topic}") {
        made.topic = format!("tema{n}");
        ok(
            app,
            Method::PUT,
            &format!("/api/v1/info/{}", made.topic),
            admin,
            json!({"title": "Tema", "body": "Com es fa"}),
        )
        .await;
    }
    if path.starts_with("/api/v1/files/{id}") {
        let file = upload(app, member, path.ends_with("/thumbnail")).await;
        ok(
            app,
            Method::POST,
            &format!("/api/v1/channels/{}/messages", made.channel),
            member,
            json!({"body": "adjunt", "file_ids": [file]}),
        )
        .await;
        made.file = file;
    }
    made
}

const BOUNDARY: &str = "matrix-boundary";

fn multipart_note() -> Vec<u8> {
    multipart("nota.txt", b"una nota")
}

fn multipart(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A 2×2 PNG, so that the file has a preview.
fn small_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(2, 2, image::Rgb([200, 30, 30]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("a PNG");
    bytes
}

async fn upload(app: &TestApp, token: &str, image: bool) -> String {
    let response = app
        .http
        .post(app.url("/api/v1/files"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(if image {
            multipart("plànol.png", &small_png())
        } else {
            multipart_note()
        })
        .send()
        .await
        .expect("upload");
    let body: Value = response.json().await.expect("file");
    body["id"].as_str().expect("file id").to_owned()
}

/// The path with the cell's objects in it.
fn concrete(path: &str, made: &Objects, callers: &Callers) -> String {
    let id = if path.contains("{id}") {
        id_for(path, made, callers)
    } else {
        String::new()
    };
    path.replace("{id}", &id)
        .replace("{message_id}", &made.message)
        .replace("{root_seq}", &made.root_seq)
        .replace("{emoji}", ":thumbsup:")
        .replace("{user_id}", &made.user)
        .replace("{token_id}", &made.bot_token_id)
        .replace("{number}", &made.ticket)
        .replace("{topic}", &made.topic)
        .replace("{secret}", &made.secret)
        .replace("{token}", "1:unknown")
        .replace("{method}", "getMe")
        .replace("{file_id}", "unknown")
}

fn id_for(path: &str, made: &Objects, callers: &Callers) -> String {
    let under = |prefix: &str| path.starts_with(prefix);
    if under("/api/v1/channels/") {
        made.channel.clone()
    } else if under("/api/v1/users/") {
        made.user.clone()
    } else if under("/api/v1/departments/") {
        callers.department.clone()
    } else if under("/api/v1/webhooks/") {
        made.webhook.clone()
    } else if under("/api/v1/bots/") {
        made.bot.clone()
    } else if under("/api/v1/commands/") {
        made.command.clone()
    } else if under("/api/v1/files/") {
        made.file.clone()
    } else {
        panic!("{path}: which object is its {{id}}? add it to the matrix")
    }
}

/// A valid body for each operation that reads one, by operation id.
fn body(operation_id: &str, n: usize, made: &Objects, callers: &Callers) -> Option<Value> {
    Some(match operation_id {
        "auth_login" => json!({"username": "member", "password": xerrada_tests::USER_PASSWORD}),
        "auth_refresh" => json!({"refresh_token": "not-a-token"}),
        "users_create" => json!({"username": format!("new{n}"), "display_name": "Nou"}),
        "users_update" => json!({"display_name": format!("Nom {n}")}),
        "users_reset_password" => json!({}),
        "departments_create_department" => {
            json!({"slug": format!("d{n}"), "name": format!("D {n}")})
        }
        "departments_rename_department" => json!({"name": format!("TIC {n}")}),
        "channels_create" => json!({"name": format!("nou-{n}"), "kind": "public"}),
        "channels_update" => json!({"topic": "Tema nou"}),
        "channels_open_dm" => json!({"user_ids": [callers.owner.user.id]}),
        "messages_post" => json!({"body": "hola"}),
        "messages_edit" => json!({"body": "editat"}),
        "messages_mark_unread" => json!({"seq": made.root_seq.parse::<i64>().unwrap_or(1)}),
        "messages_click" => json!({"action_id": "ok"}),
        "threads_read" | "threads_unread" => {
            json!({"seq": made.root_seq.parse::<i64>().unwrap_or(1)})
        }
        "webhooks_create" => json!({"name": "nou"}),
        "webhooks_rename" => json!({"name": "reanomenat"}),
        "commands_register" => json!({"name": format!("nova{n}"), "url": "http://127.0.0.1:9/"}),
        "tickets_open" => json!({"description": "no funciona"}),
        "tickets_update" => json!({"comment": "ho miro"}),
        "info_set" => json!({"title": "Tema", "body": "Com es fa"}),
        "bots_create" => json!({"username": format!("nou{n}"), "display_name": "Nou"}),
        "bots_add_token" => json!({"label": "un altre"}),
        "bots_set_telegram" => json!({"privacy": true}),
        "admin_update_support" => json!({"department": "suport", "categories": ["maquinari"]}),
        "admin_import" => json!({"csv": "username,display_name\n", "dry_run": true}),
        "hooks_deliver" => json!({"text": "desplegat"}),
        "hooks_late_reply" => json!({"text": "fet"}),
        _ => return None,
    })
}

async fn call(
    app: &TestApp,
    method: &Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    upload: bool,
) -> (u16, Value) {
    if upload {
        let mut request = app
            .http
            .post(app.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart_note());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("answer");
        let status = response.status().as_u16();
        return (status, response.json().await.unwrap_or(Value::Null));
    }
    app.call(method.clone(), path, token, body).await
}

fn kind(status: u16) -> Option<Answer> {
    match status {
        200..=299 => Some(Answer::Done),
        401 => Some(Answer::Unauthenticated),
        403 | 404 => Some(Answer::Refused),
        _ => None,
    }
}

#[tokio::test]
async fn every_operation_answers_each_kind_of_caller_as_its_access_class_says() {
    let app = spawn_app_with(|config| {
        config.rate_limits.enabled = false;
        config.metrics.token = Some("scrape".into());
    })
    .await;
    let callers = callers(&app).await;
    // The bot of the buttons is online, so that a click reaches it.
    let _buttons_online =
        xerrada_tests::WsClient::connect_authed(app.addr, &callers.buttons.1, None).await;
    let document = crate::openapi::served_document(&app).await;
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (n_op, (method, path, operation)) in crate::openapi::operations(&document)
        .into_iter()
        .enumerate()
    {
        let class = operation["x-access"].as_str().expect("x-access").to_owned();
        let id = operation["operationId"]
            .as_str()
            .expect("operationId")
            .to_owned();
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let is_upload = id == "files_upload";
        let mut public_answers = Vec::new();
        for (n_role, role) in ROLES.into_iter().enumerate() {
            let n = n_op * ROLES.len() + n_role;
            let made = objects(&app, &callers, &method, &path, n).await;
            let mut url = concrete(&path, &made, &callers);
            if id == "search_search" {
                url.push_str("?q=missatge");
            }
            let body = body(&id, n, &made, &callers);
            if operation.get("requestBody").is_some() && body.is_none() && !is_upload {
                panic!("{id}: no example body; add one to the matrix");
            }
            // Signing out ends the session it is called with: give it one of its own.
            let own_session = if id == "auth_logout" {
                fresh_token(&app, &callers, role).await
            } else {
                None
            };
            let token = own_session.as_deref().or(callers.token(role));
            let (status, answer) = call(&app, &method, &url, token, body, is_upload).await;
            cells += 1;
            if class == "public" {
                public_answers.push((role, status));
                continue;
            }
            let want = expected(&class, role);
            if kind(status) != Some(want) {
                wrong.push(format!(
                    "{method} {path} [{class}] as {role:?}: {status}, want {want:?} ({answer})"
                ));
            }
        }
        // A public operation answers every caller alike: a token changes nothing.
        if let Some(&(_, first)) = public_answers.first()
            && public_answers.iter().any(|&(_, status)| status != first)
        {
            wrong.push(format!(
                "{method} {path} [public] answers differ by caller: {public_answers:?}"
            ));
        }
    }
    assert!(cells > 600, "only {cells} cells");
    assert!(
        wrong.is_empty(),
        "{} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
