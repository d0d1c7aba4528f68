//! Names people see are names people can read: no invisible characters, no text-direction
//! tricks, and one spelling (NFC) for the same accents.

use serde_json::json;
use xerrada_tests::spawn_app;

#[tokio::test]
async fn invisible_and_bidi_display_names_are_refused_everywhere_a_name_is_set() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let me = format!("/api/v1/users/{}", anna.user.id);
    for hidden in [
        "\u{200B}",
        "\u{3164}",
        "Administrador\u{200B}",
        "\u{202E}rodartsinimdA",
        "Anna\u{2067}",
    ] {
        let (status, body) = app
            .call(
                reqwest::Method::PATCH,
                &me,
                Some(&anna.token),
                Some(json!({"display_name": hidden})),
            )
            .await;
        assert_eq!(status, 400, "renaming to {hidden:?}: {body}");
        assert_eq!(body["code"], "invalid_request");
        let (status, body) = app
            .post(
                "/api/v1/users",
                &admin.token,
                json!({"username": "x", "display_name": hidden, "password": "long-enough-1"}),
            )
            .await;
        assert_eq!(status, 400, "creating {hidden:?}: {body}");
        let (status, body) = app
            .post(
                "/api/v1/bots",
                &admin.token,
                json!({"username": "x_bot", "display_name": hidden}),
            )
            .await;
        assert_eq!(status, 400, "a bot named {hidden:?}: {body}");
        let (status, body) = app
            .post(
                "/api/v1/channels",
                &anna.token,
                json!({"name": hidden, "kind": "public"}),
            )
            .await;
        assert_eq!(status, 400, "a channel named {hidden:?}: {body}");
    }
    let (_, unchanged) = app.get(&me, &anna.token).await;
    assert_eq!(unchanged["display_name"], "User anna");

    let (status, renamed) = app
        .call(
            reqwest::Method::PATCH,
            &me,
            Some(&anna.token),
            Some(json!({"display_name": "Mo\u{0300}nica 👩\u{200D}💻"})),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    let (_, read) = app.get(&me, &admin.token).await;
    assert_eq!(
        read["display_name"], "M\u{00F2}nica 👩\u{200D}💻",
        "stored composed, emoji intact"
    );
}
