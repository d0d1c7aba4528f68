//! Files on tickets: the screenshot sent with a request (in the bot's DM or with `/suport`)
//! or with a comment reaches the team; the team's reaches the requester; files of internal
//! notes stay with the team; nobody else may read any of them.

use serde_json::{Value, json};
use xerrada_tests::Session;

use crate::files::{PNG, download, post_files, uploaded};
use crate::helpdesk::{Client, ticket};
use crate::helpdesk_dm::{Desk, body, button_ids, desk};

/// The ids of a ticket's files, as its detail lists them for `who`.
async fn ticket_file_ids(desk: &Desk, who: &Session, number: i64) -> Vec<String> {
    let (status, detail) = ticket(&desk.app, who, number).await;
    assert_eq!(status, 200, "{detail}");
    detail["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect()
}

fn file_ids(message: &Value) -> Vec<String> {
    message["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .map(|f| f["id"].as_str().expect("id").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn patch_ticket(desk: &Desk, who: &Session, number: i64, change: Value) -> (u16, Value) {
    desk.app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/tickets/{number}"),
            Some(&who.token),
            Some(change),
        )
        .await
}

#[tokio::test]
async fn a_screenshot_sent_in_the_dm_goes_with_the_request_and_its_comments() {
    let desk = desk().await;
    let app = &desk.app;
    let outsider = app.create_user(&desk.admin, "oriol").await;
    let mut anna_ws = Client::connect(app, &desk.anna).await;
    let mut tech_ws = Client::connect(app, &desk.tech).await;

    // A message with a screenshot to the bot, then "open a request with this message".
    let shot = uploaded(app, &desk.anna, "error.png", PNG).await;
    let (status, sent) = post_files(
        app,
        &desk.anna,
        &desk.dm,
        "El programa de padró dona aquest error",
        &[&shot],
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    let menu = desk
        .next_from_bot(&mut anna_ws, |m| button_ids(m).contains(&"open".to_owned()))
        .await;
    let click = format!(
        "/api/v1/channels/{}/messages/{}/actions",
        desk.dm,
        menu["id"].as_str().expect("id")
    );
    let (status, answer) = app
        .post(&click, &desk.anna.token, json!({"action_id": "open"}))
        .await;
    assert_eq!(status, 204, "{answer}");

    // The card in the team's channel shows the screenshot, and the team may read it.
    let card = tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["channel_id"] == desk.tic_channel.as_str()
                && f["message"]["thread_root"].is_null()
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("padró"))
        })
        .await["message"]
        .clone();
    assert_eq!(file_ids(&card), std::slice::from_ref(&shot), "{card}");
    let number = 1;
    assert_eq!(
        ticket_file_ids(&desk, &desk.tech, number).await,
        std::slice::from_ref(&shot)
    );
    assert_eq!(
        ticket_file_ids(&desk, &desk.anna, number).await,
        std::slice::from_ref(&shot)
    );
    let (status, _, bytes) = download(app, &desk.tech, &shot, None).await;
    assert_eq!((status, bytes.as_slice()), (200, PNG));
    let (status, _, _) = download(app, &outsider, &shot, None).await;
    assert_eq!(status, 404, "not the team, not the requester");

    // A reply in the ticket's thread with another screenshot: a comment with its file, shown
    // in the card's thread.
    let about = desk
        .next_from_bot(&mut anna_ws, |m| body(m).contains("**#1**"))
        .await;
    let second = uploaded(app, &desk.anna, "despres.png", PNG).await;
    let (status, reply) = app
        .post(
            &format!("/api/v1/channels/{}/messages", desk.dm),
            &desk.anna.token,
            json!({
                "body": "Després de reiniciar surt això",
                "thread_root": about["seq"],
                "file_ids": [second],
            }),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    let entry = tech_ws
        .next_matching(|f| {
            f["type"] == "message"
                && f["message"]["thread_root"].is_i64()
                && f["message"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("reiniciar"))
        })
        .await["message"]
        .clone();
    assert_eq!(file_ids(&entry), std::slice::from_ref(&second), "{entry}");
    assert_eq!(
        ticket_file_ids(&desk, &desk.tech, number).await,
        [shot.clone(), second.clone()]
    );
    let (_, detail) = ticket(app, &desk.tech, number).await;
    assert!(
        Desk::history(&detail).contains(&("files".into(), "despres.png".into())),
        "{detail}"
    );

    // Anna deletes her DM message: the ticket keeps the screenshot, and the team still reads it.
    let (status, _) = app
        .delete(
            &format!(
                "/api/v1/channels/{}/messages/{}",
                desk.dm,
                sent["id"].as_str().expect("id")
            ),
            &desk.anna.token,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(download(app, &desk.tech, &shot, None).await.0, 200);
}

#[tokio::test]
async fn the_teams_files_reach_the_requester_and_a_notes_files_do_not() {
    let desk = desk().await;
    let app = &desk.app;
    let mut anna_ws = Client::connect(app, &desk.anna).await;
    let number = desk.open("No puc imprimir en color").await;

    // A comment with a file: Anna gets it in the DM and may read it.
    let guide = uploaded(app, &desk.tech, "guia.png", PNG).await;
    let (status, answer) = patch_ticket(
        &desk,
        &desk.tech,
        number,
        json!({"comment": "Segueix aquesta guia", "file_ids": [guide]}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let told = desk
        .next_from_bot(&mut anna_ws, |m| body(m).contains("Segueix aquesta guia"))
        .await;
    assert_eq!(file_ids(&told), std::slice::from_ref(&guide), "{told}");
    assert_eq!(download(app, &desk.anna, &guide, None).await.0, 200);

    // A note with a file: the team's only.
    let log = uploaded(app, &desk.tech, "registre.png", PNG).await;
    let (status, answer) = patch_ticket(
        &desk,
        &desk.tech,
        number,
        json!({"note": "El registre del servidor", "file_ids": [log]}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(download(app, &desk.anna, &log, None).await.0, 404);
    assert_eq!(download(app, &desk.admin, &log, None).await.0, 200);
    assert_eq!(
        ticket_file_ids(&desk, &desk.anna, number).await,
        std::slice::from_ref(&guide)
    );
    assert_eq!(
        ticket_file_ids(&desk, &desk.tech, number).await,
        [guide.clone(), log.clone()]
    );
    let (_, detail) = ticket(app, &desk.anna, number).await;
    assert!(
        !detail.to_string().contains("registre"),
        "the note and its file stay with the team: {detail}"
    );
    let (_, dm) = app
        .get(
            &format!("/api/v1/channels/{}/messages?limit=100", desk.dm),
            &desk.anna.token,
        )
        .await;
    assert!(!dm.to_string().contains(&log), "{dm}");

    // Attached files are posted: they cannot go into a message or onto another ticket.
    let (status, _) = post_files(app, &desk.tech, &desk.tic_channel, "i aquí", &[&guide]).await;
    assert_eq!(status, 400);
    let other = desk.open("Tampoc escaneja").await;
    let (status, refused) = patch_ticket(
        &desk,
        &desk.tech,
        other,
        json!({"comment": "la mateixa guia", "file_ids": [guide]}),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("invalid_request"))
    );
    // Someone else's upload is refused, and nothing changes.
    let annas = uploaded(app, &desk.anna, "meu.png", PNG).await;
    let (status, _) = patch_ticket(
        &desk,
        &desk.tech,
        other,
        json!({"comment": "no és meu", "file_ids": [annas]}),
    )
    .await;
    assert_eq!(status, 400);
    let (_, detail) = ticket(app, &desk.tech, other).await;
    assert!(
        !Desk::history(&detail)
            .iter()
            .any(|(kind, _)| kind == "comment"),
        "{detail}"
    );
    let eleven: Vec<String> = std::iter::repeat_n(annas.clone(), 11).collect();
    let (status, _) = patch_ticket(
        &desk,
        &desk.anna,
        other,
        json!({"comment": "massa", "file_ids": eleven}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn suport_with_a_file_attaches_it_and_other_commands_refuse_files() {
    let desk = desk().await;
    let app = &desk.app;
    let general = app.create_channel(&desk.admin, "general", "public").await;
    app.join(&desk.anna, &general).await;
    let shot = uploaded(app, &desk.anna, "vpn.png", PNG).await;
    let (status, answer) = post_files(
        app,
        &desk.anna,
        &general,
        "/suport La VPN no connecta des de casa",
        &[&shot],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["type"], "ephemeral", "{answer}");
    assert_eq!(
        ticket_file_ids(&desk, &desk.tech, 1).await,
        std::slice::from_ref(&shot)
    );
    // Never posted in a channel, so the requester gets it in the DM too.
    let (_, dm) = app
        .get(
            &format!("/api/v1/channels/{}/messages?limit=100", desk.dm),
            &desk.anna.token,
        )
        .await;
    assert!(dm.to_string().contains(&shot), "{dm}");

    let other = uploaded(app, &desk.anna, "altre.png", PNG).await;
    for command in ["/help", "/tickets", "/ticket 1", "/ticket 1 tanca"] {
        let (status, refused) = post_files(app, &desk.anna, &general, command, &[&other]).await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (400, Some("invalid_request")),
            "{command}: {refused}"
        );
    }
    // Refused, the upload is still Anna's to post.
    let (status, _) = post_files(app, &desk.anna, &general, "aquí", &[&other]).await;
    assert_eq!(status, 201);
}
