//! `GET /api/v1/search` end to end on SQLite: the shared suite (`support/search_suite.rs`,
//! also run on PostgreSQL by the cluster tests), and bad input.

use xerrada_tests::search_suite::{q, search};
use xerrada_tests::spawn_app;

#[tokio::test]
async fn people_find_what_they_may_read_and_nothing_else() {
    let app = spawn_app().await;
    xerrada_tests::search_suite::people_find_what_they_may_read_and_nothing_else(&app).await;
}

#[tokio::test]
async fn bad_searches_get_clear_errors() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let marta = app.create_user(&admin, "marta").await;
    for (query, status) in [
        (q(""), 400),
        (q("   "), 400),
        (q("obres before:ahir"), 400),
        (q("obres color:blau"), 400),
        (q("in:#no-existeix obres"), 400),
        (q("from:@ningu obres"), 400),
        (format!("{}&limit=0", q("obres")), 400),
        (format!("{}&limit=101", q("obres")), 400),
        (format!("{}&cursor=abc", q("obres")), 400),
        (format!("{}&scope=tot", q("obres")), 400),
        (q(&"obres ".repeat(300)), 413),
    ] {
        let (got, body) = search(&app, &marta, &query).await;
        assert_eq!(got, status, "{query}: {body}");
        assert!(
            body["code"].is_string() && body["message"].is_string(),
            "{body}"
        );
    }
    // Punctuation alone finds nothing, and is no error of the server's.
    let (status, body) = search(&app, &marta, &q("\"* ' · (")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    let (status, body) = search(&app, &marta, &q("obres \" ( ) * : NEAR AND OR NOT")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.call(reqwest::Method::GET, "/api/v1/search?q=obres", None, None)
            .await
            .0,
        401
    );
}
