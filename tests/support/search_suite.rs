//! The search suite every backend must pass end to end: `tests/e2e/search.rs` runs it on an
//! in-process server (SQLite), `tests/cluster/search.rs` on a node on PostgreSQL.

use serde_json::{Value, json};

use crate::{Client, Session};

pub async fn search(app: &Client, who: &Session, query: &str) -> (u16, Value) {
    let path = format!("/api/v1/search?{query}");
    app.get(&path, &who.token).await
}

pub fn q(text: &str) -> String {
    format!("q={}", urlencode(text))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn bodies(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["message"]["body"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// What people find, and never find, on a running server (SQLite in-process, or a node on
/// PostgreSQL): the same checks for both backends.
pub async fn people_find_what_they_may_read_and_nothing_else(app: &Client) {
    let admin = app.admin().await;
    let marta = app.create_user(&admin, "marta").await;
    let pau = app.create_user(&admin, "pau").await;
    let obres = app.create_channel(&marta, "obres", "public").await;
    let secret = app.create_channel(&marta, "personal", "private").await;
    let open = app.create_channel(&marta, "cafeteria", "public").await;
    app.join(&pau, &obres).await;
    for body in [
        "On vam parlar de la llicència d'obres?",
        "La llicència de la plaça està aprovada",
        "Reunió amb l'Ajuntament dijous",
    ] {
        assert_eq!(app.send(&marta, &obres, body).await.0, 201);
    }
    assert_eq!(app.send(&marta, &secret, "llicència secreta").await.0, 201);
    assert_eq!(app.send(&marta, &open, "llicència del bar").await.0, 201);

    let (status, answer) = search(app, &pau, &q("llicencia")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        bodies(&answer),
        [
            "La llicència de la plaça està aprovada",
            "On vam parlar de la llicència d'obres?"
        ]
    );
    assert_eq!(answer["results"][0]["channel_id"], obres.as_str());
    assert_eq!(
        answer["results"][0]["highlight"],
        "La <mark>llicència</mark> de la plaça està aprovada"
    );
    assert_eq!(answer["next_cursor"], Value::Null);
    let (_, answer) = search(app, &pau, &format!("{}&scope=public", q("llicencia"))).await;
    assert_eq!(
        bodies(&answer).len(),
        3,
        "and the public channel not joined: {answer}"
    );
    let (_, answer) = search(app, &marta, &q("llicencia")).await;
    assert_eq!(
        bodies(&answer).len(),
        4,
        "marta's own channels, the private one included"
    );
    let (status, _) = search(
        app,
        &pau,
        &format!("{}&channel_id={secret}", q("llicencia")),
    )
    .await;
    assert_eq!(status, 404, "a private channel pau is not in");
    let (status, _) = search(app, &pau, &format!("{}&channel_id={open}", q("llicencia"))).await;
    assert_eq!(status, 403, "a public channel pau has not joined");

    // Filters typed in the box.
    let (_, answer) = search(app, &marta, &q("llicencia in:#personal")).await;
    assert_eq!(bodies(&answer), ["llicència secreta"]);
    let (_, answer) = search(app, &marta, &q("from:@pau")).await;
    assert!(bodies(&answer).is_empty());
    let (_, answer) = search(app, &pau, &q("ajuntament from:@marta")).await;
    assert_eq!(bodies(&answer), ["Reunió amb l'Ajuntament dijous"]);
    let (_, answer) = search(app, &pau, &q("llicencia before:2000-01-01")).await;
    assert!(bodies(&answer).is_empty());
    let (_, answer) = search(app, &pau, &q("llicencia after:2000-01-01")).await;
    assert_eq!(bodies(&answer).len(), 2);

    // Paging, newest first.
    let (_, page) = search(app, &pau, &format!("{}&limit=1", q("llicencia"))).await;
    assert_eq!(bodies(&page), ["La llicència de la plaça està aprovada"]);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let (_, page) = search(
        app,
        &pau,
        &format!("{}&limit=1&cursor={cursor}", q("llicencia")),
    )
    .await;
    assert_eq!(bodies(&page), ["On vam parlar de la llicència d'obres?"]);
    // A cursor is the client's: the extremes find nothing, and nothing breaks.
    for cursor in [i64::MIN, 0, -1] {
        let (status, page) =
            search(app, &pau, &format!("{}&cursor={cursor}", q("llicencia"))).await;
        assert_eq!((status, bodies(&page).len()), (200, 0), "{cursor}: {page}");
    }

    // Opening a result: the messages around it.
    let seq = page["results"][0]["message"]["seq"].as_i64().expect("seq");
    let (status, around) = app
        .get(
            &format!("/api/v1/channels/{obres}/messages?around={seq}&limit=3"),
            &pau.token,
        )
        .await;
    assert_eq!(status, 200, "{around}");
    let seqs: Vec<i64> = around["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["seq"].as_i64())
        .collect();
    // The oldest message: itself, then the newer ones (a channel's first seq is the join).
    assert_eq!(seqs, [seq, seq + 1], "{around}");

    // Leaving a channel takes its messages out of one's results.
    assert_eq!(
        app.post(
            &format!("/api/v1/channels/{obres}/leave"),
            &pau.token,
            json!({})
        )
        .await
        .0,
        204
    );
    let (_, answer) = search(app, &pau, &q("llicencia")).await;
    assert!(bodies(&answer).is_empty(), "{answer}");
}
