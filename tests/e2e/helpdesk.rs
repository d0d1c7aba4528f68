//! The IT support desk: a ticket's whole life with a requester, two support-team members and
//! an outsider, through commands, buttons, DMs and REST.

use serde_json::{Value, json};
use xerrada::texts::Lang;
use xerrada_tests::{Session, TestApp, WsClient, spawn_app, spawn_app_with};

/// A socket that keeps the frames a helper skipped, so no frame is lost between helpers.
pub(crate) struct Client {
    pub(crate) ws: WsClient,
    backlog: std::collections::VecDeque<Value>,
}

impl Client {
    pub(crate) async fn connect(app: &TestApp, who: &Session) -> Client {
        Client {
            ws: app.connect(who).await,
            backlog: Default::default(),
        }
    }

    /// A socket whose `auth` frame says the client's UI language.
    pub(crate) async fn connect_in(app: &TestApp, who: &Session, lang: &str) -> Client {
        let mut ws = WsClient::connect(app.addr).await;
        ws.send_json(&json!({"type": "auth", "token": who.token, "lang": lang}))
            .await;
        assert_eq!(ws.next_frame().await["type"], "ready");
        Client {
            ws,
            backlog: Default::default(),
        }
    }

    /// The first frame (backlog first) matching `wanted`; others are kept for later.
    pub(crate) async fn next_matching(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i).expect("position is valid");
        }
        loop {
            let frame = self.ws.next_frame().await;
            if wanted(&frame) {
                return frame;
            }
            self.backlog.push_back(frame);
        }
    }

    /// Sends a command and returns its private answer (or error frame).
    pub(crate) async fn command(&mut self, channel: &str, text: &str) -> Value {
        let reference = format!("cmd-{}-{}", text.len(), self.backlog.len());
        self.ws
            .send_message(&reference, channel, &format!("k-{text}-{reference}"), text)
            .await;
        self.next_matching(|f| {
            f["ref"] == reference.as_str()
                && matches!(f["type"].as_str(), Some("ephemeral" | "error"))
        })
        .await
    }

    /// The next message from the support bot that mentions a ticket.
    pub(crate) async fn next_dm(&mut self) -> Value {
        self.next_matching(|f| {
            f["type"] == "message"
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains('#'))
        })
        .await["message"]
            .clone()
    }

    pub(crate) async fn next_of_type(&mut self, kind: &str) -> Value {
        self.next_matching(|f| f["type"] == kind).await
    }
}

pub(crate) async fn ticket(app: &TestApp, who: &Session, number: i64) -> (u16, Value) {
    app.get(&format!("/api/v1/tickets/{number}"), &who.token)
        .await
}

#[tokio::test]
async fn a_ticket_goes_from_open_to_closed_and_back_with_everyone_told() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let tech1 = app.create_user_in(&admin, "tecnic1", &[&tic.id]).await;
    let tech2 = app.create_user_in(&admin, "tecnic2", &[&tic.id]).await;
    let anna = app.create_user(&admin, "anna").await;
    let oriol = app.create_user(&admin, "oriol").await;
    let general = app.create_channel(&anna, "general", "public").await;
    app.post(
        &format!("/api/v1/channels/{general}/join"),
        &oriol.token,
        json!({}),
    )
    .await;
    let mut anna_ws = Client::connect(&app, &anna).await;
    let mut tech1_ws = Client::connect(&app, &tech1).await;
    let mut tech2_ws = Client::connect(&app, &tech2).await;
    let mut oriol_ws = Client::connect(&app, &oriol).await;

    // Opened by command from any channel.
    let answer = anna_ws
        .command(
            &general,
            "/suport La impressora de la 2a planta no imprimeix",
        )
        .await;
    assert_eq!(answer["type"], "ephemeral", "{answer}");
    assert!(answer["text"].as_str().expect("text").contains("#1"));
    let dm = anna_ws.next_dm().await;
    assert!(
        dm["body"]
            .as_str()
            .expect("body")
            .contains("He obert el tiquet **#1**")
    );
    let card = tech1_ws.next_of_type("message").await["message"].clone();
    assert_eq!(
        card["channel_id"],
        tic.channel_id.as_str(),
        "the card lands in the support channel"
    );
    let fields = &card["extras"]["attachments"][0]["fields"];
    assert_eq!(
        fields[0],
        json!({"title": "Sol·licitant", "value": "User anna", "short": true})
    );
    let actions: Vec<&str> = card["extras"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        actions,
        ["assign", "in_progress", "waiting", "resolved", "comment"]
    );
    let card_id = card["id"].as_str().expect("id").to_owned();

    // Assigned by a button click (the card's own action), then worked by command.
    let click = format!(
        "/api/v1/channels/{}/messages/{card_id}/actions",
        tic.channel_id
    );
    assert_eq!(
        app.post(&click, &tech1.token, json!({"action_id": "assign"}))
            .await
            .0,
        204
    );
    let updated = tech2_ws.next_of_type("message_updated").await;
    assert_eq!(updated["message"]["id"], card_id.as_str());
    assert_eq!(
        updated["message"]["extras"]["attachments"][0]["fields"][4]["value"],
        "User tecnic1"
    );
    let buttons: Vec<&str> = updated["message"]["extras"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        buttons,
        ["in_progress", "waiting", "resolved", "comment"],
        "no 'assign it to me' once someone has it"
    );
    assert!(
        anna_ws.next_dm().await["body"]
            .as_str()
            .expect("body")
            .contains("User tecnic1 s'ocupa del tiquet #1")
    );
    // Words typed in Spanish or English work as well as the Catalan ones and wire names.
    let answer = tech2_ws
        .command(&tic.channel_id, "/ticket 1 status en curso")
        .await;
    assert_eq!(answer["type"], "ephemeral", "{answer}");
    assert!(
        anna_ws.next_dm().await["body"]
            .as_str()
            .expect("body")
            .contains("**en curs**")
    );
    let answer = tech2_ws
        .command(&tic.channel_id, "/ticket 1 priority high")
        .await;
    assert_eq!(answer["type"], "ephemeral");
    assert!(
        anna_ws.next_dm().await["body"]
            .as_str()
            .expect("body")
            .contains("**alta**")
    );

    // The outsider sees nothing and changes nothing; the requester may not do the team's work.
    let refused = oriol_ws
        .command(&general, "/ticket 1 status resolved")
        .await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("not_found"))
    );
    assert_eq!(ticket(&app, &oriol, 1).await.0, 404);
    let (status, _) = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/tickets/1",
            Some(&oriol.token),
            Some(json!({"status": "closed"})),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        app.post(&click, &oriol.token, json!({"action_id": "resolved"}))
            .await
            .0,
        404,
        "outsiders cannot even see the card"
    );
    let refused = anna_ws.command(&general, "/ticket 1 priority urgent").await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("forbidden"))
    );

    // Comments reach the requester; internal notes stay inside the team.
    let answer = anna_ws
        .command(&general, "/ticket 1 comment És la HP del passadís")
        .await;
    assert_eq!(answer["type"], "ephemeral");
    // Every change is in the DM, the requester's own too.
    assert!(
        anna_ws.next_dm().await["body"]
            .as_str()
            .expect("body")
            .contains("És la HP del passadís")
    );
    let (status, _) = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/tickets/1",
            Some(&tech1.token),
            Some(json!({"note": "Cal tòner nou", "comment": "Hi passo ara"})),
        )
        .await;
    assert_eq!(status, 200);
    let dm = anna_ws.next_dm().await;
    assert!(dm["body"].as_str().expect("body").contains("Hi passo ara"));
    assert!(
        !dm["body"].as_str().expect("body").contains("tòner"),
        "notes never reach the requester"
    );
    let (_, seen_by_anna) = ticket(&app, &anna, 1).await;
    let (_, seen_by_team) = ticket(&app, &tech2, 1).await;
    let kinds = |detail: &Value| -> Vec<String> {
        detail["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|e| e["kind"].as_str().expect("kind").to_owned())
            .collect()
    };
    assert_eq!(
        kinds(&seen_by_team),
        [
            "opened", "assigned", "status", "priority", "comment", "comment", "note"
        ]
    );
    assert_eq!(
        kinds(&seen_by_anna),
        [
            "opened", "assigned", "status", "priority", "comment", "comment"
        ]
    );
    assert_eq!(
        seen_by_team["history"][1]["actor_id"],
        tech1.user.id.as_str(),
        "who did what is kept"
    );

    // Resolved by button; closed and reopened by the requester.
    assert_eq!(
        app.post(&click, &tech1.token, json!({"action_id": "resolved"}))
            .await
            .0,
        204
    );
    assert!(
        anna_ws.next_dm().await["body"]
            .as_str()
            .expect("body")
            .contains("**resolt**")
    );
    let satisfaction = anna_ws.next_dm().await;
    assert!(
        satisfaction["body"]
            .as_str()
            .expect("body")
            .contains("Com ha anat la resolució del tiquet **#1**"),
        "resolved by the team: the requester is asked how it went"
    );
    let closed = anna_ws.command(&general, "/ticket 1 close").await;
    assert!(
        closed["text"].as_str().expect("text").contains("tancat"),
        "{closed}"
    );
    assert!(
        anna_ws.next_dm().await["body"]
            .as_str()
            .expect("body")
            .contains("**tancat**")
    );
    let closed_card = tech1_ws
        .next_matching(|f| {
            f["type"] == "message_updated"
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("tancat"))
        })
        .await;
    assert!(
        closed_card["message"]["extras"].get("actions").is_none(),
        "a closed ticket has no buttons"
    );
    assert_eq!(
        anna_ws.command(&general, "/ticket 1 reopen").await["type"],
        "ephemeral"
    );
    let (_, reopened) = ticket(&app, &anna, 1).await;
    assert_eq!(reopened["status"], "open");

    // Listing and filtering.
    let mine = anna_ws.command(&general, "/tickets").await;
    assert!(mine["text"].as_str().expect("text").contains("#1"));
    let (_, listed) = app.get("/api/v1/tickets?status=open", &tech2.token).await;
    assert_eq!(listed["tickets"].as_array().map(Vec::len), Some(1));
    let (_, none) = app
        .get("/api/v1/tickets?status=resolved", &tech2.token)
        .await;
    assert_eq!(none["tickets"].as_array().map(Vec::len), Some(0));
    let (_, assigned) = app
        .get(
            &format!("/api/v1/tickets?assignee_id={}", tech1.user.id),
            &tech2.token,
        )
        .await;
    assert_eq!(assigned["tickets"][0]["number"], 1);
    let (_, outsider_list) = app.get("/api/v1/tickets", &oriol.token).await;
    assert_eq!(
        outsider_list["tickets"].as_array().map(Vec::len),
        Some(0),
        "members see only their own"
    );
    let refused = oriol_ws.command(&general, "/tickets all").await;
    assert_eq!(refused["code"], "forbidden");
    // Assigned by command, only to someone on the team.
    let handed = tech1_ws
        .command(&tic.channel_id, "/ticket 1 assign @tecnic2")
        .await;
    assert_eq!(handed["type"], "ephemeral", "{handed}");
    let (_, now) = ticket(&app, &anna, 1).await;
    assert_eq!(now["assignee_id"], tech2.user.id.as_str());
    let told = anna_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("s'ocupa"))
        })
        .await;
    assert!(
        told["message"]["body"]
            .as_str()
            .expect("body")
            .starts_with("User tecnic2 s'ocupa del tiquet #1"),
        "the DM names the assignee: {told}"
    );
    let (status, listed) = app
        .get(
            "/api/v1/tickets?status=&assignee_id=&category=&mine=true",
            &anna.token,
        )
        .await;
    assert_eq!(
        (status, listed["tickets"].as_array().map(Vec::len)),
        (200, Some(1)),
        "empty filters mean any"
    );
    let (_, by_category) = app
        .get("/api/v1/tickets?category=ALTRES", &tech1.token)
        .await;
    assert_eq!(
        by_category["tickets"].as_array().map(Vec::len),
        Some(1),
        "categories compare regardless of case"
    );
    let refused = tech1_ws
        .command(&tic.channel_id, "/ticket 1 assign @oriol")
        .await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("invalid_request"))
    );
    assert_eq!(app.get("/api/v1/tickets/abc", &tech1.token).await.0, 404);
    assert_eq!(
        app.get("/api/v1/tickets?status=nonsense", &tech1.token)
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn writing_to_the_support_bot_opens_a_ticket_from_its_menu() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let tech = app.create_user_in(&admin, "tecnic", &[&tic.id]).await;
    let anna = app.create_user(&admin, "anna").await;
    let mut tech_ws = app.connect(&tech).await;
    let mut anna_ws = app.connect(&anna).await;
    let (_, users) = app.get("/api/v1/users?q=suport", &anna.token).await;
    let bot_id = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["username"] == "suport")
        .map(|u| u["id"].as_str().expect("id").to_owned());
    let bot_id = match bot_id {
        Some(id) => id,
        None => {
            // The bot account is created with the server; it must be in the directory.
            panic!("the @suport bot is not in the directory: {users}");
        }
    };
    let (_, dm) = app
        .post("/api/v1/dms", &anna.token, json!({"user_ids": [bot_id]}))
        .await;
    let dm_id = dm["id"].as_str().expect("dm").to_owned();
    let (_, request) = app
        .send(&anna, &dm_id, "No puc connectar a la VPN des de casa")
        .await;
    let menu = loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["author_id"] == bot_id.as_str() {
            break frame["message"].clone();
        }
    };
    assert_eq!(menu["extras"]["actions"][0]["id"], "open");
    assert_eq!(menu["extras"]["actions"][0]["value"], request["id"]);
    let click = format!(
        "/api/v1/channels/{dm_id}/messages/{}/actions",
        menu["id"].as_str().expect("id")
    );
    assert_eq!(
        app.post(&click, &anna.token, json!({"action_id": "open"}))
            .await
            .0,
        204
    );
    let spent = anna_ws.next_of_type("message_updated").await;
    assert!(
        spent["message"]["extras"].get("actions").is_none(),
        "the menu is spent once used"
    );
    assert_eq!(
        app.post(&click, &anna.token, json!({"action_id": "open"}))
            .await
            .0,
        404,
        "no second ticket from the same click"
    );
    let card = tech_ws.next_of_type("message").await;
    assert!(
        card["message"]["body"]
            .as_str()
            .expect("body")
            .contains("No puc connectar a la VPN")
    );
    let (status, detail) = app.get("/api/v1/tickets/1", &anna.token).await;
    assert_eq!(
        (status, detail["requester_id"].as_str()),
        (200, Some(anna.user.id.as_str()))
    );
    // With a request open, a new message gets the question: a comment on #1, or a new request;
    // its last button lists the requests.
    app.send(&anna, &dm_id, "Hola").await;
    let menu = loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["author_id"] == bot_id.as_str()
            && frame["message"]["extras"]["actions"].is_array()
        {
            break frame["message"].clone();
        }
    };
    let buttons: Vec<&str> = menu["extras"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(buttons, ["comment_on_1", "open", "mine"]);
    let click = format!(
        "/api/v1/channels/{dm_id}/messages/{}/actions",
        menu["id"].as_str().expect("id")
    );
    assert_eq!(
        app.post(&click, &anna.token, json!({"action_id": "mine"}))
            .await
            .0,
        204
    );
    let listing = loop {
        let frame = anna_ws.next_of_type("message").await;
        if frame["message"]["body"]
            .as_str()
            .is_some_and(|b| b.contains("peticions obertes"))
        {
            break frame;
        }
    };
    assert!(
        listing["message"]["body"]
            .as_str()
            .expect("body")
            .contains("**#1**")
    );
    assert_eq!(
        app.post(&click, &anna.token, json!({"action_id": "nope"}))
            .await
            .0,
        404,
        "only the buttons it shows"
    );
}

#[tokio::test]
async fn info_answers_from_the_knowledge_base_in_the_ui_language() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "general", "public").await;
    let put = |topic: &str, body: Value| {
        let (app, token, path) = (&app, admin.token.clone(), format!("/api/v1/info/{topic}"));
        async move {
            app.call(reqwest::Method::PUT, &path, Some(&token), Some(body))
                .await
        }
    };
    let (status, saved) = put(
        "vpn",
        json!({"title": "Connexió VPN", "body": "Obre **FortiClient** i entra amb el teu usuari."}),
    )
    .await;
    assert_eq!((status, saved["lang"].as_str()), (200, Some("ca")));
    assert_eq!(
        put(
            "vpn",
            json!({"title": "Conexión VPN", "body": "Abre **FortiClient**.", "lang": "es"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        put(
            "impressores",
            json!({"title": "Impressores", "body": "Les impressores són a cada planta."})
        )
        .await
        .0,
        200
    );
    assert_eq!(put("x y", json!({"title": "t", "body": "b"})).await.0, 400);
    assert_eq!(
        put("vpn", json!({"title": "t", "body": "b", "lang": "fr"}))
            .await
            .0,
        400
    );
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/info/vpn",
            Some(&anna.token),
            Some(json!({"title": "t", "body": "b"})),
        )
        .await;
    assert_eq!(status, 403, "only admins maintain articles");

    // Catalan by default; the socket's UI language when the article has that translation.
    let mut ws = app.connect(&anna).await;
    ws.send_message("i1", &channel, "i1", "/info vpn").await;
    assert!(
        ws.next_of_type("ephemeral").await["text"]
            .as_str()
            .expect("text")
            .starts_with("**Connexió VPN**")
    );
    let mut spanish = WsClient::connect(app.addr).await;
    spanish
        .send_json(&json!({"type": "auth", "token": anna.token, "lang": "es"}))
        .await;
    assert_eq!(spanish.next_frame().await["type"], "ready");
    spanish
        .send_message("i2", &channel, "i2", "/info vpn")
        .await;
    assert!(
        spanish.next_of_type("ephemeral").await["text"]
            .as_str()
            .expect("text")
            .starts_with("**Conexión VPN**")
    );
    spanish
        .send_message("i3", &channel, "i3", "/info impressores")
        .await;
    let fallback = spanish.next_of_type("ephemeral").await;
    assert!(
        fallback["text"]
            .as_str()
            .expect("text")
            .starts_with("**Impressores**"),
        "no translation: Catalan"
    );

    // A list, and close matches for a typo.
    ws.send_message("i4", &channel, "i4", "/info").await;
    let listing = ws.next_of_type("ephemeral").await["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert!(
        listing.contains("`vpn`: Connexió VPN") && listing.contains("`impressores`"),
        "{listing}"
    );
    ws.send_message("i5", &channel, "i5", "/info impresores")
        .await;
    let suggestion = ws.next_of_type("ephemeral").await["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert!(
        suggestion.contains("Potser volies dir `/info impressores`"),
        "{suggestion}"
    );

    let (_, all) = app.get("/api/v1/info", &anna.token).await;
    assert_eq!(all.as_array().map(Vec::len), Some(3));
    assert_eq!(
        app.delete("/api/v1/info/vpn?lang=ES", &admin.token).await.0,
        204,
        "languages regardless of case"
    );
    assert_eq!(
        app.delete("/api/v1/info/vpn?lang=fr", &admin.token).await.0,
        400
    );
    assert_eq!(
        app.delete("/api/v1/info/nothing", &admin.token).await.0,
        404
    );
    // Topic keys are ASCII (they are typed after /info and are part of a URL), any case.
    let article = json!({"title": "Correu", "body": "Com llegir el correu"});
    for refused in ["correu-electrònic", "%20correu", "a".repeat(41).as_str()] {
        let (status, body) = app
            .call(
                reqwest::Method::PUT,
                &format!("/api/v1/info/{refused}"),
                Some(&admin.token),
                Some(article.clone()),
            )
            .await;
        assert_eq!(status, 400, "{refused}: {body}");
    }
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/info/Correu_2",
            Some(&admin.token),
            Some(article),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["topic"], "correu_2");
}

/// Everyone reads the desk in their own language: an answer in the language of the one who
/// asked, the bot's direct messages in the language the addressee's client last said, and the
/// card, which the whole team reads, in the installation's.
#[tokio::test]
async fn the_desk_speaks_each_persons_language() {
    let app = spawn_app_with(|config| config.default_lang = Lang::En).await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let tech = app.create_user_in(&admin, "tecnic", &[&tic.id]).await;
    let anna = app.create_user(&admin, "anna").await;
    let bob = app.create_user(&admin, "bob").await;
    let general = app.create_channel(&anna, "general", "public").await;
    let mut anna_ws = Client::connect_in(&app, &anna, "es-ES").await;
    let mut tech_ws = Client::connect_in(&app, &tech, "ca").await;

    // Anna asks in Spanish: her answer and her DM are in Spanish...
    let answer = anna_ws
        .command(&general, "/suport La impresora no imprime")
        .await;
    assert!(
        answer["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Has abierto el ticket **#1**")),
        "{answer}"
    );
    let dm = anna_ws.next_dm().await;
    assert!(
        dm["body"]
            .as_str()
            .is_some_and(|b| b.starts_with("He abierto el ticket **#1**")),
        "{dm}"
    );
    // ...and the card, for the whole team, in the installation's language.
    let card = tech_ws.next_of_type("message").await["message"].clone();
    assert_eq!(card["body"], "Ticket #1 (open): La impresora no imprime");
    let attachment = &card["extras"]["attachments"][0];
    let titles: Vec<&str> = attachment["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        ["Requester", "Status", "Priority", "Category", "Assigned to"]
    );
    let labels: Vec<&str> = card["extras"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["label"].as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "Assign to me",
            "In progress",
            "Waiting",
            "Resolved",
            "Comment"
        ]
    );

    // The technician works in Catalan; Anna hears of it in Spanish.
    let answer = tech_ws
        .command(&tic.channel_id, "/ticket 1 status resolta")
        .await;
    assert_eq!(
        answer["text"], "Tiquet **#1** actualitzat: resolt · prioritat normal.",
        "{answer}"
    );
    let dm = anna_ws.next_dm().await;
    assert_eq!(
        dm["body"],
        "El ticket #1 ahora está **resuelto** (por User tecnic)."
    );
    let answer = tech_ws
        .command(&tic.channel_id, "/ticket 1 priority altissima")
        .await;
    assert_eq!(answer["type"], "error");
    assert_eq!(
        answer["message"],
        "prioritat desconeguda \"altissima\": escriu baixa, normal, alta o urgent"
    );

    // A refusal is in the language of the one refused; its code does not change.
    let refused = anna_ws.command(&general, "/ticket 1 priority alta").await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("forbidden"))
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("solo el equipo de soporte puede cambiar la prioridad")),
        "{refused}"
    );
    let help = anna_ws.command(&general, "/help").await;
    let help = help["text"].as_str().expect("text");
    assert!(
        help.starts_with("**Comandos disponibles**")
            && help.contains("`/suport <descripción>` abre una petición de soporte a TIC"),
        "{help}"
    );

    // Over REST: Accept-Language, else the installation's language.
    let missing = |lang: Option<&'static str>| {
        let mut request = app
            .http
            .get(app.url("/api/v1/tickets/99"))
            .bearer_auth(&anna.token);
        if let Some(lang) = lang {
            request = request.header("Accept-Language", lang);
        }
        async move {
            let response = request.send().await.expect("sent");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("json");
            (status, body["message"].as_str().map(str::to_owned))
        }
    };
    assert_eq!(
        missing(Some("ca-ES,ca;q=0.9")).await,
        (404, Some("no s'ha trobat el tiquet #99".into()))
    );
    assert_eq!(
        missing(Some("fr, es;q=0.5")).await,
        (404, Some("no se ha encontrado el ticket #99".into()))
    );
    assert_eq!(
        missing(None).await,
        (404, Some("ticket #99 not found".into()))
    );

    // Someone whose client never said a language is greeted in the installation's.
    let (_, dm_channel) = app
        .post(
            "/api/v1/dms",
            &bob.token,
            json!({"user_ids": [card["author_id"]]}),
        )
        .await;
    let mut bob_ws = Client::connect(&app, &bob).await;
    let dm_id = dm_channel["id"].as_str().expect("dm id").to_owned();
    app.send(&bob, &dm_id, "Hola").await;
    let greeting = bob_ws
        .next_matching(|f| f["type"] == "message" && f["message"]["author_id"] == card["author_id"])
        .await;
    assert!(
        greeting["message"]["body"]
            .as_str()
            .is_some_and(|b| b.starts_with("Hello! I am the IT support bot.")),
        "{greeting}"
    );
    let labels: Vec<&str> = greeting["message"]["extras"]["actions"]
        .as_array()
        .expect("menu")
        .iter()
        .filter_map(|a| a["label"].as_str())
        .collect();
    assert_eq!(labels, ["Open a request with this message", "My requests"]);
}
