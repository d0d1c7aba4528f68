//! The support desk as a conversation: replies in the bot's DM become comments on the right
//! ticket, comments flow both ways through the DM and the card's thread, notes stay with the
//! team, and the commands are typed in each person's language.

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, spawn_app};

use crate::helpdesk::{Client, ticket};

/// The team's channel, a technician, a requester, and the bot's DM with the requester.
pub(crate) struct Desk {
    pub(crate) app: TestApp,
    pub(crate) admin: Session,
    pub(crate) tic_channel: String,
    pub(crate) tech: Session,
    pub(crate) anna: Session,
    pub(crate) dm: String,
    pub(crate) bot_id: String,
}

pub(crate) async fn desk() -> Desk {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let tech = app.create_user_in(&admin, "tecnic", &[&tic.id]).await;
    let anna = app.create_user(&admin, "anna").await;
    let (_, bots) = app.get("/api/v1/bots", &anna.token).await;
    let bot_id = bots
        .as_array()
        .expect("bots")
        .iter()
        .find(|u| u["username"] == "suport")
        .and_then(|u| u["id"].as_str())
        .expect("the @suport bot")
        .to_owned();
    let (_, dm) = app
        .post("/api/v1/dms", &anna.token, json!({"user_ids": [bot_id]}))
        .await;
    let dm = dm["id"].as_str().expect("dm").to_owned();
    Desk {
        tic_channel: tic.channel_id,
        admin,
        app,
        tech,
        anna,
        dm,
        bot_id,
    }
}

impl Desk {
    pub(crate) async fn open(&self, description: &str) -> i64 {
        let (status, ticket) = self
            .app
            .post(
                "/api/v1/tickets",
                &self.anna.token,
                json!({"description": description}),
            )
            .await;
        assert_eq!(status, 201, "{ticket}");
        ticket["number"].as_i64().expect("number")
    }

    /// The next message of the bot seen on `ws` that satisfies `wanted`.
    pub(crate) async fn next_from_bot(
        &self,
        ws: &mut Client,
        wanted: impl Fn(&Value) -> bool,
    ) -> Value {
        let bot = self.bot_id.clone();
        ws.next_matching(move |f| {
            f["type"] == "message"
                && f["message"]["author_id"] == bot.as_str()
                && wanted(&f["message"])
        })
        .await["message"]
            .clone()
    }

    pub(crate) fn history(detail: &Value) -> Vec<(String, String)> {
        detail["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().expect("kind").to_owned(),
                    e["detail"].as_str().expect("detail").to_owned(),
                )
            })
            .collect()
    }
}

pub(crate) fn body(message: &Value) -> &str {
    message["body"].as_str().expect("body")
}

pub(crate) fn button_ids(message: &Value) -> Vec<String> {
    message["extras"]["actions"]
        .as_array()
        .map(|actions| {
            actions
                .iter()
                .map(|a| a["id"].as_str().expect("id").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_dm_to_the_bot_becomes_a_comment_on_the_ticket_the_requester_picks() {
    let desk = desk().await;
    let app = &desk.app;
    let mut anna_ws = Client::connect(app, &desk.anna).await;
    let mut tech_ws = Client::connect(app, &desk.tech).await;

    // One open ticket: the question offers it, a new request, and the list.
    let first = desk
        .open("La impressora de la 2a planta no imprimeix")
        .await;
    let (_, written) = app.send(&desk.anna, &desk.dm, "Encara no imprimeix").await;
    let question = desk
        .next_from_bot(&mut anna_ws, |m| m["extras"]["actions"].is_array())
        .await;
    assert_eq!(
        button_ids(&question),
        [format!("comment_on_{first}"), "open".into(), "mine".into()]
    );
    assert!(body(&question).contains("peticions obertes"), "{question}");

    // Two open tickets: one button each, newest first.
    let second = desk.open("No puc entrar al portal de l'empleat").await;
    app.send(&desk.anna, &desk.dm, "Ja funciona, gràcies!")
        .await;
    let question = desk
        .next_from_bot(&mut anna_ws, |m| {
            m["extras"]["actions"]
                .as_array()
                .is_some_and(|a| a.len() == 4)
        })
        .await;
    let actions = question["extras"]["actions"].as_array().expect("actions");
    assert!(
        actions[0]["label"]
            .as_str()
            .expect("label")
            .contains(&format!("#{second}"))
    );
    assert!(
        actions[1]["label"]
            .as_str()
            .expect("label")
            .contains(&format!("#{first}"))
    );
    // "Ja funciona" is about the printer: the second button.
    let click = format!(
        "/api/v1/channels/{}/messages/{}/actions",
        desk.dm,
        question["id"].as_str().expect("id")
    );
    let printer = actions[1]["id"].as_str().expect("id").to_owned();
    assert_eq!(printer, format!("comment_on_{first}"));
    let (status, answer) = app
        .post(&click, &desk.anna.token, json!({"action_id": printer}))
        .await;
    assert_eq!(status, 204, "{answer}");
    let spent = anna_ws
        .next_matching(|f| f["type"] == "message_updated" && f["message"]["id"] == question["id"])
        .await;
    assert!(
        spent["message"]["extras"].get("actions").is_none(),
        "{spent}"
    );
    assert!(
        body(&spent["message"]).contains(&format!("#{first}")),
        "{spent}"
    );
    let (_, detail) = ticket(app, &desk.anna, first).await;
    assert!(
        Desk::history(&detail).contains(&("comment".into(), "Ja funciona, gràcies!".into())),
        "{detail}"
    );
    let (_, other) = ticket(app, &desk.anna, second).await;
    assert!(
        !Desk::history(&other)
            .iter()
            .any(|(kind, _)| kind == "comment")
    );
    // The same click again comments nothing more.
    let (status, _) = app
        .post(&click, &desk.anna.token, json!({"action_id": printer}))
        .await;
    assert_eq!(status, 404);

    // The team reads it in the thread of the printer's card.
    let reply = tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["channel_id"] == desk.tic_channel.as_str()
                && f["message"]["thread_root"].is_i64()
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("Ja funciona"))
        })
        .await["message"]
        .clone();
    assert!(body(&reply).contains("(sol·licitant)"), "{reply}");
    let _ = written;
}

#[tokio::test]
async fn a_reply_in_a_tickets_thread_is_a_comment_and_the_team_answers_in_the_dm() {
    let desk = desk().await;
    let app = &desk.app;
    let mut anna_ws = Client::connect(app, &desk.anna).await;
    let mut tech_ws = Client::connect(app, &desk.tech).await;
    let first = desk.open("El correu no sincronitza al mòbil").await;
    let second = desk.open("Necessito accés a la carpeta d'Urbanisme").await;
    let about_first = desk
        .next_from_bot(&mut anna_ws, |m| body(m).contains(&format!("**#{first}**")))
        .await;
    desk.next_from_bot(&mut anna_ws, |m| {
        body(m).contains(&format!("**#{second}**"))
    })
    .await;

    // A reply in the thread of the bot's message about the first ticket: no question.
    let root = about_first["seq"].as_i64().expect("seq");
    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{}/messages", desk.dm),
            &desk.anna.token,
            json!({"body": "Ara em demana la contrasenya cada cinc minuts", "thread_root": root}),
        )
        .await;
    assert_eq!(status, 201);
    // Told in the DM like every change, and no question with buttons was asked.
    let told = desk
        .next_from_bot(&mut anna_ws, |m| body(m).contains("cada cinc minuts"))
        .await;
    assert!(button_ids(&told).is_empty(), "{told}");
    let (_, detail) = ticket(app, &desk.anna, first).await;
    let comment = (
        "comment".to_owned(),
        "Ara em demana la contrasenya cada cinc minuts".to_owned(),
    );
    assert!(Desk::history(&detail).contains(&comment), "{detail}");
    let (_, detail) = ticket(app, &desk.anna, second).await;
    assert!(!Desk::history(&detail).contains(&comment));
    tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["thread_root"].is_i64()
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("cada cinc minuts"))
        })
        .await;

    // The team comments in Catalan words; the requester reads it in the DM and the team in the
    // card's thread. A note goes only to the thread.
    let answer = tech_ws
        .command(
            &desk.tic_channel,
            &format!("/ticket {first} comenta Prova de tornar a afegir el compte"),
        )
        .await;
    assert_eq!(answer["type"], "ephemeral", "{answer}");
    desk.next_from_bot(&mut anna_ws, |m| {
        body(m).contains("tornar a afegir el compte")
    })
    .await;
    let answer = tech_ws
        .command(
            &desk.tic_channel,
            &format!("/ticket {first} nota Té el mòbil sense actualitzar"),
        )
        .await;
    assert_eq!(answer["type"], "ephemeral", "{answer}");
    let note = tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["thread_root"].is_i64()
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("sense actualitzar"))
        })
        .await;
    assert!(body(&note["message"]).contains("Nota interna"));
    // Whatever reached Anna so far, the note is not in it.
    let (_, dm_history) = app
        .get(
            &format!("/api/v1/channels/{}/messages?limit=100", desk.dm),
            &desk.anna.token,
        )
        .await;
    let everything = dm_history.to_string();
    assert!(everything.contains("tornar a afegir el compte"));
    assert!(
        !everything.contains("sense actualitzar"),
        "notes never reach the requester"
    );
}

#[tokio::test]
async fn ticket_commands_are_typed_in_catalan_spanish_or_english() {
    let desk = desk().await;
    let app = &desk.app;
    let mut tech_ws = Client::connect(app, &desk.tech).await;
    let number = desk.open("La pantalla parpelleja").await;
    let tic = desk.tic_channel.clone();
    for (command, kind, detail) in [
        (
            format!("/ticket {number} assigna jo"),
            "assigned",
            desk.tech.user.id.clone(),
        ),
        (
            format!("/ticket {number} estat en espera"),
            "status",
            "waiting".to_owned(),
        ),
        (
            format!("/ticket {number} estado en curso"),
            "status",
            "in_progress".to_owned(),
        ),
        (
            format!("/ticket {number} prioritat urgent"),
            "priority",
            "urgent".to_owned(),
        ),
        (
            format!("/ticket {number} prioridad baja"),
            "priority",
            "baixa".to_owned(),
        ),
        (
            format!("/ticket {number} categoria maquinari"),
            "category",
            "maquinari".to_owned(),
        ),
        (
            format!("/ticket {number} comentario Cambio el cable"),
            "comment",
            "Cambio el cable".to_owned(),
        ),
        (
            format!("/ticket {number} desassigna"),
            "assigned",
            String::new(),
        ),
        (
            format!("/ticket {number} asigna yo"),
            "assigned",
            desk.tech.user.id.clone(),
        ),
        (
            format!("/ticket {number} status resolved"),
            "status",
            "resolved".to_owned(),
        ),
        (
            format!("/ticket {number} tanca"),
            "status",
            "closed".to_owned(),
        ),
        (
            format!("/ticket {number} reabre"),
            "status",
            "open".to_owned(),
        ),
        (
            format!("/ticket {number} cierra"),
            "status",
            "closed".to_owned(),
        ),
        (
            format!("/ticket {number} reobre"),
            "status",
            "open".to_owned(),
        ),
    ] {
        let answer = tech_ws.command(&tic, &command).await;
        assert_eq!(answer["type"], "ephemeral", "{command}: {answer}");
        let (_, detail_now) = ticket(app, &desk.tech, number).await;
        let last = Desk::history(&detail_now).pop().expect("history");
        assert_eq!(last, (kind.to_owned(), detail), "{command}");
    }
    // The usage line shows the Catalan words to a Catalan reader.
    let usage = tech_ws
        .command(&tic, &format!("/ticket {number} esborra-ho"))
        .await;
    assert!(
        usage["text"]
            .as_str()
            .expect("text")
            .contains("comenta <text>"),
        "{usage}"
    );
    let listed = tech_ws.command(&tic, "/tickets tots estat:obert").await;
    assert!(
        listed["text"]
            .as_str()
            .expect("text")
            .contains(&format!("**#{number}**")),
        "{listed}"
    );
    let listed = tech_ws.command(&tic, "/tickets asignado:yo").await;
    assert!(
        listed["text"]
            .as_str()
            .expect("text")
            .contains(&format!("**#{number}**")),
        "{listed}"
    );
}

#[tokio::test]
async fn a_resolved_ticket_asks_for_satisfaction_and_the_team_sees_its_figures() {
    let desk = desk().await;
    let app = &desk.app;
    let mut anna_ws = Client::connect(app, &desk.anna).await;
    let mut tech_ws = Client::connect(app, &desk.tech).await;
    let number = desk.open("No em funciona el certificat digital").await;
    let tic = desk.tic_channel.clone();
    for command in [
        format!("/ticket {number} comenta Quin navegador fas servir?"),
        format!("/ticket {number} estat resolta"),
    ] {
        let answer = tech_ws.command(&tic, &command).await;
        assert_eq!(answer["type"], "ephemeral", "{command}: {answer}");
    }
    let question = desk
        .next_from_bot(&mut anna_ws, |m| !button_ids(m).is_empty())
        .await;
    assert_eq!(button_ids(&question), ["rate_up", "rate_down"]);
    assert!(body(&question).contains(&format!("**#{number}**")));
    let click = format!(
        "/api/v1/channels/{}/messages/{}/actions",
        desk.dm,
        question["id"].as_str().expect("id")
    );
    let (status, _) = app
        .post(&click, &desk.anna.token, json!({"action_id": "rate_down"}))
        .await;
    assert_eq!(status, 204);
    anna_ws
        .next_matching(|f| f["type"] == "message_updated" && f["message"]["id"] == question["id"])
        .await;
    // The team hears of it in the card's thread, at once.
    let told = tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["channel_id"] == tic.as_str()
                && f["message"]["thread_root"].is_i64()
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.starts_with("👎"))
        })
        .await;
    assert!(
        body(&told["message"]).contains("no n'està satisfet"),
        "{told}"
    );
    // The thank-you is still the ticket's: a reply in its thread is a comment.
    let root = question["seq"].as_i64().expect("seq");
    app.post(
        &format!("/api/v1/channels/{}/messages", desk.dm),
        &desk.anna.token,
        json!({"body": "Ha trigat massa", "thread_root": root}),
    )
    .await;
    desk.next_from_bot(&mut anna_ws, |m| body(m).contains("Ha trigat massa"))
        .await;
    let (_, detail) = ticket(app, &desk.tech, number).await;
    let history = Desk::history(&detail);
    assert!(
        history.contains(&("rating".into(), "down".into())),
        "{history:?}"
    );
    assert!(history.contains(&("comment".into(), "Ha trigat massa".into())));

    let (status, stats) = app.get("/api/v1/tickets/stats", &desk.tech.token).await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["opened"], 1);
    assert_eq!(stats["first_response"]["count"], 1);
    assert_eq!(stats["resolution"]["count"], 1);
    assert!(stats["resolution"]["median_secs"].as_i64().is_some());
    assert_eq!(stats["satisfaction"], json!({"up": 0, "down": 1}));
    assert_eq!(
        stats["backlog_by_status"],
        json!([{"key": "resolved", "count": 1}])
    );
    assert_eq!(stats["by_assignee"], json!([]), "nobody was assigned");
    let weeks = stats["weeks"].as_array().expect("weeks");
    assert_eq!(
        weeks
            .iter()
            .map(|w| w["opened"].as_i64().expect("n"))
            .sum::<i64>(),
        1
    );
    // Outside the period, nothing; the requester may not see the figures; bad input is 400.
    let (_, old) = app
        .get(
            "/api/v1/tickets/stats?from=2020-01-01&to=2020-01-31",
            &desk.tech.token,
        )
        .await;
    assert_eq!(old["opened"], 0);
    assert_eq!(
        app.get("/api/v1/tickets/stats", &desk.anna.token).await.0,
        403
    );
    for bad in [
        "from=ahir",
        "from=2026-12-10&to=2026-12-01",
        "from=2020-01-01&to=2026-01-01",
        "format=xml",
    ] {
        let (status, answer) = app
            .get(&format!("/api/v1/tickets/stats?{bad}"), &desk.tech.token)
            .await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("invalid_request")),
            "{bad}"
        );
    }
    let response = reqwest::Client::new()
        .get(app.client.url("/api/v1/tickets/stats?format=csv"))
        .bearer_auth(&desk.tech.token)
        .send()
        .await
        .expect("csv");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "number,title,status,priority,category,assignee_id,created_at,first_response_secs,resolution_secs,rating"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{number},No em funciona el certificat digital,resolved,"
        )),
        "{text}"
    );
    assert!(lines[1].ends_with(",down"), "{text}");
    // A rating is the requester's, on a resolved or closed ticket only.
    let (status, _) = app
        .post(&click, &desk.anna.token, json!({"action_id": "rate_up"}))
        .await;
    assert_eq!(status, 404, "the question is spent");
}

#[tokio::test]
async fn a_new_request_is_offered_the_info_articles_that_answer_it() {
    let desk = desk().await;
    let app = &desk.app;
    for (topic, title, body) in [
        (
            "vpn",
            "VPN des de casa",
            "Obre FortiClient i entra amb el teu usuari de Windows per connectar des de casa.",
        ),
        (
            "impressores",
            "Impressores",
            "Per afegir una impressora, obre el gestor d'impressió.",
        ),
    ] {
        let (status, _) = app
            .call(
                reqwest::Method::PUT,
                &format!("/api/v1/info/{topic}"),
                Some(&desk.admin.token),
                Some(json!({"title": title, "body": body})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let mut anna_ws = Client::connect(app, &desk.anna).await;
    let number = desk.open("No puc connectar a la VPN des de casa").await;
    let offer = desk
        .next_from_bot(&mut anna_ws, |m| body(m).contains("potser t'ajuda"))
        .await;
    assert_eq!(
        button_ids(&offer),
        ["read_vpn", "solved_vpn"],
        "only the article that answers it"
    );
    assert!(body(&offer).contains("VPN des de casa"));
    let click = format!(
        "/api/v1/channels/{}/messages/{}/actions",
        desk.dm,
        offer["id"].as_str().expect("id")
    );
    assert_eq!(
        app.post(&click, &desk.anna.token, json!({"action_id": "read_vpn"}))
            .await
            .0,
        204
    );
    let article = desk
        .next_from_bot(&mut anna_ws, |m| body(m).contains("FortiClient"))
        .await;
    assert_eq!(
        article["thread_root"], offer["seq"],
        "the article opens in the offer's thread"
    );

    assert_eq!(
        app.post(&click, &desk.anna.token, json!({"action_id": "solved_vpn"}))
            .await
            .0,
        204
    );
    let spent = anna_ws
        .next_matching(|f| f["type"] == "message_updated" && f["message"]["id"] == offer["id"])
        .await;
    assert!(
        body(&spent["message"]).contains("He tancat el tiquet"),
        "{spent}"
    );
    let (_, detail) = ticket(app, &desk.anna, number).await;
    assert_eq!(detail["status"], "closed");
    assert!(Desk::history(&detail).contains(&("solved_by".into(), "vpn".into())));
    let (_, stats) = app.get("/api/v1/tickets/stats", &desk.admin.token).await;
    assert_eq!(
        stats["solved_by_article"],
        json!([{"key": "vpn", "count": 1}])
    );
    // A request nothing answers gets no offer.
    let other = desk.open("El teclat no funciona").await;
    let opened = desk
        .next_from_bot(&mut anna_ws, |m| body(m).contains(&format!("**#{other}**")))
        .await;
    assert!(button_ids(&opened).is_empty());
    assert!(
        anna_ws
            .ws
            .quiet_for("message", std::time::Duration::from_millis(500))
            .await,
        "nothing more"
    );
}

#[tokio::test]
async fn urgent_and_unanswered_tickets_reach_the_team_and_out_of_hours_requesters_are_told() {
    // The team works one day a week, three days from today (Madrid): now is out of hours.
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let madrid_today = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .weekday()
        .number_days_from_monday() as usize;
    let working_day = names[(madrid_today + 3) % 7];
    let app = xerrada_tests::spawn_app_with(|config| {
        config.support.hours = Some("08:00-15:00".into());
        config.support.days = vec![working_day.to_owned()];
        config.support.escalate_after_minutes = 30;
    })
    .await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let tech = app.create_user_in(&admin, "tecnic", &[&tic.id]).await;
    let anna = app.create_user(&admin, "anna").await;
    let mut anna_ws = Client::connect(&app, &anna).await;
    let mut tech_ws = Client::connect(&app, &tech).await;

    let (_, first) = app
        .post(
            "/api/v1/tickets",
            &anna.token,
            json!({"description": "No m'arriba el correu"}),
        )
        .await;
    let first = first["number"].as_i64().expect("number");
    let told = anna_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("l'equip de suport no hi és"))
        })
        .await;
    assert!(
        told["message"]["body"]
            .as_str()
            .expect("body")
            .contains("a les 08:00"),
        "{told}"
    );

    // Urgent: the team's channel at once, everyone mentioned.
    let (_, urgent) = app
        .post(
            "/api/v1/tickets",
            &anna.token,
            json!({"description": "No funciona cap ordinador de l'OAC", "priority": "urgent"}),
        )
        .await;
    let urgent = urgent["number"].as_i64().expect("number");
    let alert = tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains(&format!("urgent #{urgent}")))
        })
        .await;
    assert_eq!(alert["message"]["channel_id"], tic.channel_id.as_str());
    assert!(
        alert["message"]["mentions"]
            .as_array()
            .expect("mentions")
            .iter()
            .any(|m| m == tech.user.id.as_str()),
        "{alert}"
    );

    // The first ticket is answered; eight days later only the other one has waited too long.
    let answer = tech_ws
        .command(&tic.channel_id, &format!("/ticket {first} comenta Ho miro"))
        .await;
    assert_eq!(answer["type"], "ephemeral");
    let before = time::OffsetDateTime::now_utc();
    assert_eq!(
        xerrada::helpdesk::escalation::sweep(&app.ctx, before)
            .await
            .expect("sweep"),
        0,
        "nothing has waited 30 working minutes yet"
    );
    let later = before + time::Duration::days(8);
    assert_eq!(
        xerrada::helpdesk::escalation::sweep(&app.ctx, later)
            .await
            .expect("sweep"),
        1
    );
    let reminder = tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("primera resposta"))
        })
        .await;
    let body = reminder["message"]["body"].as_str().expect("body");
    assert!(body.contains(&format!("**#{urgent}**")), "{body}");
    assert!(
        body.contains("420 minuts"),
        "one working day of 7 hours: {body}"
    );
    // Once per ticket.
    assert_eq!(
        xerrada::helpdesk::escalation::sweep(&app.ctx, later)
            .await
            .expect("sweep"),
        0
    );
    let (_, detail) = ticket(&app, &tech, urgent).await;
    assert!(
        Desk::history(&detail)
            .iter()
            .any(|(kind, _)| kind == "escalated")
    );
}
