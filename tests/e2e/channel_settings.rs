//! A channel's settings: topic and purpose by any member, renaming and archiving by its owner or
//! an admin (each a `channel_updated` event), read-only while archived, and a member's mute.

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, spawn_app};

async fn patch(app: &TestApp, who: &Session, channel: &str, body: Value) -> (u16, Value) {
    app.call(
        reqwest::Method::PATCH,
        &format!("/api/v1/channels/{channel}"),
        Some(&who.token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn owners_rename_and_archive_members_set_topics_and_mute() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    for who in [&bernat, &admin] {
        app.join(who, &channel).await;
    }
    let (_, view) = app
        .get(&format!("/api/v1/channels/{channel}"), &bernat.token)
        .await;
    assert_eq!(view["owner_id"], anna.user.id.as_str());
    assert_eq!(
        (view["archived"].as_bool(), view["muted"].as_bool()),
        (Some(false), Some(false))
    );
    let mut anna_ws = app.connect(&anna).await;

    // Any member sets the topic and purpose: one event each change.
    let (status, changed) = patch(
        &app,
        &bernat,
        &channel,
        json!({"topic": "Llicència del carrer Major", "purpose": "Obres municipals"}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["topic"], "Llicència del carrer Major");
    let event = anna_ws.next_of_type("channel_updated").await;
    assert_eq!(
        event,
        json!({"type": "channel_updated", "channel_id": channel, "seq": 3, "user_id": bernat.user.id,
               "name": "obres", "topic": "Llicència del carrer Major",
               "purpose": "Obres municipals", "archived": false})
    );
    let (status, same) = patch(
        &app,
        &bernat,
        &channel,
        json!({"topic": "Llicència del carrer Major"}),
    )
    .await;
    assert_eq!(
        (status, same["last_seq"].as_i64()),
        (200, Some(3)),
        "no change, no event"
    );

    // Renaming is the owner's or an admin's; bad input is refused.
    let (status, refused) = patch(&app, &bernat, &channel, json!({"name": "meu"})).await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));
    let (status, renamed) = patch(&app, &anna, &channel, json!({"name": "obres-2027"})).await;
    assert_eq!(
        (status, renamed["name"].as_str()),
        (200, Some("obres-2027"))
    );
    assert_eq!(
        anna_ws.next_of_type("channel_updated").await["name"],
        "obres-2027"
    );
    for (body, code) in [
        (json!({}), 400),
        (json!({"name": "   "}), 400),
        (json!({"name": "x".repeat(81)}), 400),
        (json!({"topic": "x".repeat(251)}), 400),
        (json!({"topic": "a\u{0007}b"}), 400),
        (json!({"colour": "red"}), 422),
    ] {
        let (status, error) = patch(&app, &anna, &channel, body.clone()).await;
        assert_eq!(status, code, "{body}: {error}");
        assert!(error["code"].is_string());
    }
    // A new channel's topic follows the same rule as a changed one.
    let (status, error) = app
        .post(
            "/api/v1/channels",
            &anna.token,
            json!({"name": "campanar", "kind": "public", "topic": "a\u{0007}b"}),
        )
        .await;
    assert_eq!(status, 400, "{error}");
    let dm = app.open_dm(&anna, &[&bernat.user.id]).await;
    assert_eq!(
        patch(&app, &anna, &dm, json!({"name": "nosaltres"}))
            .await
            .0,
        400
    );
    assert_eq!(
        patch(&app, &anna, &dm, json!({"topic": "pressupost"}))
            .await
            .0,
        200
    );

    // Archived: read-only for everyone, still readable, until unarchived.
    let archive = format!("/api/v1/channels/{channel}/archive");
    assert_eq!(app.post(&archive, &bernat.token, json!({})).await.0, 403);
    let (status, archived) = app.post(&archive, &anna.token, json!({})).await;
    assert_eq!((status, archived["archived"].as_bool()), (200, Some(true)));
    let event = loop {
        // The direct channel's topic change came in between.
        let event = anna_ws.next_of_type("channel_updated").await;
        if event["channel_id"] == channel.as_str() {
            break event;
        }
    };
    assert_eq!(event["archived"], true);
    let (status, refused) = app.send(&bernat, &channel, "encara hi sou?").await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));
    let (_, history) = app
        .get(
            &format!("/api/v1/channels/{channel}/messages"),
            &bernat.token,
        )
        .await;
    assert!(history["messages"].is_array());
    let (_, listed) = app.get("/api/v1/channels", &bernat.token).await;
    let listed = listed
        .as_array()
        .expect("channels")
        .iter()
        .find(|c| c["id"] == channel.as_str())
        .cloned()
        .expect("still listed");
    assert_eq!(listed["archived"], true);
    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{channel}/unarchive"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.send(&bernat, &channel, "tornem-hi").await.0, 201);

    // A mute is one's own, and one's other sockets hear of it.
    let mut bernat_ws = app.connect(&bernat).await;
    let mute = format!("/api/v1/channels/{channel}/mute");
    let (status, muted) = app.put(&mute, &bernat.token).await;
    assert_eq!((status, muted["muted"].as_bool()), (200, Some(true)));
    let frame = bernat_ws.next_of_type("channel").await;
    assert_eq!(frame["channel"]["muted"], true);
    let (_, theirs) = app
        .get(&format!("/api/v1/channels/{channel}"), &anna.token)
        .await;
    assert_eq!(theirs["muted"], false);
    let (status, unmuted) = app.delete(&mute, &bernat.token).await;
    assert_eq!((status, unmuted["muted"].as_bool()), (200, Some(false)));
    let outsider = app.create_user(&admin, "oriol").await;
    assert_eq!(app.put(&mute, &outsider.token).await.0, 403);

    // A socket resuming from before the changes sees them, with the channel as it is now.
    let mut late = app
        .connect_resuming(&bernat, json!({ channel.clone(): 2 }))
        .await;
    let first = late.next_of_type("channel_updated").await;
    assert_eq!(
        (first["seq"].as_i64(), first["name"].as_str()),
        (Some(3), Some("obres-2027"))
    );
}

/// The admin area manages every channel: an admin renames, sets the topic of and archives a
/// private channel it never joined, and its members see each change.
#[tokio::test]
async fn an_admin_manages_a_channel_it_has_not_joined() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let outsider = app.create_user(&admin, "oriol").await;
    let channel = app.create_channel(&anna, "pressupost", "private").await;
    let mut anna_ws = app.connect(&anna).await;

    let (status, renamed) = patch(
        &app,
        &admin,
        &channel,
        json!({"name": "pressupost-2027", "topic": "Esborrany"}),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(
        (renamed["name"].as_str(), renamed["topic"].as_str()),
        (Some("pressupost-2027"), Some("Esborrany"))
    );
    let event = anna_ws.next_of_type("channel_updated").await;
    assert_eq!(
        (event["name"].as_str(), event["user_id"].as_str()),
        (Some("pressupost-2027"), Some(admin.user.id.as_str()))
    );
    let archive = format!("/api/v1/channels/{channel}/archive");
    assert_eq!(app.post(&archive, &admin.token, json!({})).await.0, 200);
    assert_eq!(
        anna_ws.next_of_type("channel_updated").await["archived"],
        true
    );

    // Someone else outside the channel changes nothing.
    let (status, refused) = patch(&app, &outsider, &channel, json!({"topic": "meu"})).await;
    assert!(matches!(status, 403 | 404), "{status}: {refused}");
    // Nor does an admin touch a direct conversation it is not part of.
    let dm = app.open_dm(&anna, &[&outsider.user.id]).await;
    let (status, refused) = patch(&app, &admin, &dm, json!({"topic": "vist"})).await;
    assert!(matches!(status, 403 | 404), "{status}: {refused}");
    let (_, theirs) = app
        .get(&format!("/api/v1/channels/{dm}"), &anna.token)
        .await;
    assert_eq!(theirs["topic"], "");
    let (_, view) = app
        .get(&format!("/api/v1/channels/{channel}"), &anna.token)
        .await;
    assert_eq!(view["topic"], "Esborrany");
}

/// A profile card's status and time zone: one's own to set (or an admin's), everyone's to read.
#[tokio::test]
async fn people_set_their_status_and_time_zone() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let me = format!("/api/v1/users/{}", anna.user.id);
    let (status, updated) = app
        .call(
            reqwest::Method::PATCH,
            &me,
            Some(&anna.token),
            Some(
                json!({"status_text": "  De vacances fins dilluns ", "timezone": "Europe/Madrid"}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (
            updated["status_text"].as_str(),
            updated["timezone"].as_str()
        ),
        (Some("De vacances fins dilluns"), Some("Europe/Madrid"))
    );
    let (_, seen) = app.get(&me, &bernat.token).await;
    assert_eq!(seen["status_text"], "De vacances fins dilluns");
    for body in [
        json!({"status_text": "x".repeat(101)}),
        json!({"timezone": "Europe Madrid"}),
    ] {
        let (status, error) = app
            .call(reqwest::Method::PATCH, &me, Some(&anna.token), Some(body))
            .await;
        assert_eq!(
            (status, error["code"].as_str()),
            (400, Some("invalid_request"))
        );
    }
    let (status, _) = app
        .call(
            reqwest::Method::PATCH,
            &me,
            Some(&bernat.token),
            Some(json!({"status_text": "hack"})),
        )
        .await;
    assert_eq!(status, 403, "someone else's profile");
    let (_, cleared) = app
        .call(
            reqwest::Method::PATCH,
            &me,
            Some(&anna.token),
            Some(json!({"status_text": ""})),
        )
        .await;
    assert!(cleared.get("status_text").is_none(), "{cleared}");
    assert_eq!(cleared["timezone"], "Europe/Madrid", "left as it was");
}

/// The member list a channel panel shows: for members, and for anyone of a public channel.
#[tokio::test]
async fn a_channel_lists_its_members_to_those_who_can_see_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let oriol = app.create_user(&admin, "oriol").await;
    let public = app.create_channel(&bernat, "general", "public").await;
    let private = app.create_channel(&bernat, "privat", "private").await;
    app.join(&anna, &public).await;
    let (status, members) = app
        .get(&format!("/api/v1/channels/{public}/members"), &oriol.token)
        .await;
    assert_eq!(status, 200, "a public channel shows its members");
    let names: Vec<&str> = members
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["anna", "bernat"]);
    let (status, error) = app
        .get(&format!("/api/v1/channels/{private}/members"), &oriol.token)
        .await;
    assert_eq!((status, error["code"].as_str()), (404, Some("not_found")));
    let (status, members) = app
        .get(
            &format!("/api/v1/channels/{private}/members"),
            &bernat.token,
        )
        .await;
    assert_eq!((status, members.as_array().map(Vec::len)), (200, Some(1)));
}
