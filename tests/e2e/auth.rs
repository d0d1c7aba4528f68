//! Login, refresh rotation, logout and deactivation, over HTTP and their effect on sockets.

use serde_json::json;
use xerrada_tests::{USER_PASSWORD, spawn_app, spawn_app_with};

#[tokio::test]
async fn wrong_credentials_get_the_same_answer_whether_or_not_the_user_exists() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_user(&admin, "anna").await;
    let login = |username: &'static str, password: &'static str| {
        app.call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
    };
    let wrong_password = login("anna", "not-her-password").await;
    let unknown_user = login("nobody", "not-her-password").await;
    assert_eq!(wrong_password.0, 401);
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password.1["code"], "unauthorized");
    let (status, me) = app.get("/api/v1/me", &admin.token).await;
    assert_eq!(
        (status, me["username"].as_str(), me["role"].as_str()),
        (200, Some("admin"), Some("admin"))
    );
    let (status, body) = app
        .call(reqwest::Method::GET, "/api/v1/me", None, None)
        .await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_retry_after() {
    let app = spawn_app_with(|c| c.auth.max_failed_logins = 3).await;
    for _ in 0..3 {
        let (status, _) = app
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "admin", "password": "guess-guess"})),
            )
            .await;
        assert_eq!(status, 401);
    }
    let response = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": xerrada_tests::ADMIN_PASSWORD}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        response.status().as_u16(),
        429,
        "even the right password waits"
    );
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(retry_after >= 1);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "rate_limited");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_session() {
    // Without the grace, so that the immediate reuse below counts as one.
    let app = spawn_app_with(|config| config.auth.refresh_reuse_grace_secs = 0).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let refresh = |token: String| {
        app.call(
            reqwest::Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
    };
    let (status, rotated) = refresh(anna.refresh_token.clone()).await;
    assert_eq!(status, 200, "{rotated}");
    assert_eq!(rotated["token_type"], "Bearer");
    assert!(rotated["expires_in"].as_u64().expect("expires_in") <= 900);
    let new_access = rotated["access_token"].as_str().expect("token").to_owned();
    let new_refresh = rotated["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    assert_ne!(new_refresh, anna.refresh_token);
    assert_eq!(app.get("/api/v1/me", &new_access).await.0, 200);

    // The old refresh token again: theft is assumed, the session ends for everyone holding it.
    let (status, body) = refresh(anna.refresh_token.clone()).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    assert_eq!(app.get("/api/v1/me", &new_access).await.0, 401);
    assert_eq!(app.get("/api/v1/me", &anna.token).await.0, 401);
    assert_eq!(refresh(new_refresh).await.0, 401);
    // Another session of the same user is untouched.
    let again = app.login("anna", USER_PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &again.token).await.0, 200);
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_refresh_whose_answer_was_lost_can_be_retried_with_the_same_token() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let refresh = |token: String| {
        app.call(
            reqwest::Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
    };
    // The phone went into a tunnel: the server rotated, the answer never arrived.
    let (status, lost) = refresh(anna.refresh_token.clone()).await;
    assert_eq!(status, 200, "{lost}");
    let mut ws = app.connect(&anna).await;
    let (status, retried) = refresh(anna.refresh_token.clone()).await;
    assert_eq!(
        status, 200,
        "the retry within the grace rotates again: {retried}"
    );
    let access = retried["access_token"].as_str().expect("token");
    assert_eq!(app.get("/api/v1/me", access).await.0, 200);
    let next = retried["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    assert_ne!(next, anna.refresh_token);
    // The session lives on: its socket stays open and its refresh chain goes on.
    assert_eq!(app.get("/api/v1/me", &anna.token).await.0, 200);
    ws.send_json(&json!({"type": "ping", "ref": "still-here"}))
        .await;
    assert_eq!(ws.next_of_type("pong").await["ref"], "still-here");
    assert_eq!(refresh(next).await.0, 200);
}

#[tokio::test]
async fn logout_refuses_the_token_and_closes_the_sessions_sockets_with_4003() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let other_session = app.login("anna", USER_PASSWORD).await;
    let mut ws = app.connect(&anna).await;
    let mut other_ws = app.connect(&other_session).await;
    let (status, _) = app
        .post("/api/v1/auth/logout", &anna.token, json!({}))
        .await;
    assert_eq!(status, 204);
    assert_eq!(ws.expect_close().await, Some(4003));
    assert_eq!(app.get("/api/v1/me", &anna.token).await.0, 401);
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": anna.refresh_token})),
        )
        .await;
    assert_eq!(status, 401, "a logged-out session cannot be refreshed");
    // Logging out one session leaves the user's other session alone.
    other_ws
        .send_json(&json!({"type": "ping", "ref": "still-here"}))
        .await;
    assert_eq!(other_ws.next_of_type("pong").await["ref"], "still-here");
    // A token of an ended session cannot open a socket.
    let mut late = xerrada_tests::WsClient::connect(app.addr).await;
    late.send_json(&json!({"type": "auth", "token": anna.token}))
        .await;
    let refused = late.next_frame().await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("unauthorized"))
    );
    assert_eq!(late.expect_close().await, Some(4001));
}

#[tokio::test]
async fn deactivation_ends_every_session_and_socket_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let anna_phone = app.login("anna", USER_PASSWORD).await;
    let mut ws1 = app.connect(&anna).await;
    let mut ws2 = app.connect(&anna_phone).await;
    let (status, body) = app
        .post(
            &format!("/api/v1/users/{}/deactivate", anna.user.id),
            &anna.token,
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "members cannot deactivate"
    );
    let (status, _) = app
        .post(
            &format!("/api/v1/users/{}/deactivate", anna.user.id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(ws1.expect_close().await, Some(4003));
    assert_eq!(ws2.expect_close().await, Some(4003));
    assert_eq!(app.get("/api/v1/me", &anna.token).await.0, 401);
    assert_eq!(app.get("/api/v1/me", &anna_phone.token).await.0, 401);
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "anna", "password": USER_PASSWORD})),
        )
        .await;
    assert_eq!(status, 401);
    let (_, user) = app
        .get(&format!("/api/v1/users/{}", anna.user.id), &admin.token)
        .await;
    assert_eq!(user["active"], false);
}

async fn patch(
    app: &xerrada_tests::TestApp,
    token: &str,
    id: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    app.call(
        reqwest::Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn members_change_their_own_profile_and_only_admins_change_roles() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let (status, user) = patch(
        &app,
        &anna.token,
        &anna.user.id,
        json!({"display_name": "Anna Puig i Soler"}),
    )
    .await;
    assert_eq!(
        (status, user["display_name"].as_str()),
        (200, Some("Anna Puig i Soler"))
    );
    assert_eq!(
        patch(
            &app,
            &anna.token,
            &bernat.user.id,
            json!({"display_name": "x"})
        )
        .await
        .0,
        403
    );
    assert_eq!(
        patch(&app, &anna.token, &anna.user.id, json!({"role": "admin"}))
            .await
            .0,
        403
    );
    let (status, _) = patch(
        &app,
        &anna.token,
        &anna.user.id,
        json!({"password": "a-new-password", "current_password": "wrong"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = patch(
        &app,
        &anna.token,
        &anna.user.id,
        json!({"password": "a-new-password", "current_password": USER_PASSWORD}),
    )
    .await;
    assert_eq!(status, 200);
    app.login("anna", "a-new-password").await;
    let (status, user) = patch(
        &app,
        &admin.token,
        &bernat.user.id,
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!((status, user["role"].as_str()), (200, Some("admin")));
    let (status, _) = app
        .post(
            "/api/v1/users",
            &anna.token,
            json!({"username": "x", "display_name": "x", "password": "password-1"}),
        )
        .await;
    assert_eq!(status, 403, "members cannot create accounts");
    let (status, body) = app
        .post(
            "/api/v1/users",
            &admin.token,
            json!({"username": "ANNA", "display_name": "x", "password": "password-1"}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")));
    let (status, directory) = app.get("/api/v1/users?q=bern", &anna.token).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = directory
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["username"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["bernat"]);
    assert!(directory[0].get("password_hash").is_none());
}

#[tokio::test]
async fn browsers_keep_the_refresh_token_in_an_http_only_cookie() {
    let app = spawn_app_with(|config| config.auth.refresh_reuse_grace_secs = 0).await;
    let login = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": xerrada_tests::ADMIN_PASSWORD, "cookie": true}))
        .send()
        .await
        .expect("sent");
    assert_eq!(login.status().as_u16(), 200);
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.starts_with("xerrada_refresh="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let pair = cookie.split(';').next().expect("name=value").to_owned();
    let refreshed = app
        .http
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", &pair)
        .json(&json!({}))
        .send()
        .await
        .expect("sent");
    assert_eq!(refreshed.status().as_u16(), 200);
    let rotated = refreshed.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(
        rotated.split(';').next(),
        Some(pair.as_str()),
        "the cookie rotates"
    );
    let body: serde_json::Value = refreshed.json().await.expect("json");
    let token = body["access_token"].as_str().expect("token").to_owned();
    // The old cookie again is a reuse: the session ends.
    let reused = app
        .http
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", &pair)
        .json(&json!({}))
        .send()
        .await
        .expect("sent");
    assert_eq!(reused.status().as_u16(), 401);
    assert_eq!(app.get("/api/v1/me", &token).await.0, 401);
}

/// A login attempt as if from `client` (the test server trusts 127.0.0.1 as its proxy).
async fn login_from(
    app: &xerrada_tests::TestApp,
    client: &str,
    username: &str,
    password: &str,
) -> (u16, serde_json::Value) {
    let response = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", client)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

fn behind_local_proxy(config: &mut xerrada::Config) {
    config.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    // The production default: two hashes at a time.
    config.auth.max_concurrent_hashes = 2;
}

#[tokio::test]
async fn a_thousand_parallel_guesses_evaluate_only_the_limit() {
    let app = spawn_app_with(behind_local_proxy).await;
    let admin = app.admin().await;
    app.create_user(&admin, "anna").await;
    // Each guess from another address, so only the per-username limit can stop them.
    let guesses = (0..1_000).map(|i| {
        let client = format!("2001:db8:{i:x}::1");
        let app = &app;
        async move { login_from(app, &client, "anna", &format!("guess-{i}")).await }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let count = |code: u16| answers.iter().filter(|(s, _)| *s == code).count();
    assert_eq!(
        (count(401), count(429)),
        (10, 990),
        "exactly max_failed_logins guesses were evaluated"
    );
    let (status, body) = login_from(&app, "2001:db8:ffff::1", "anna", USER_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "the right password after the flood waits like any other: {body}"
    );
}

#[tokio::test]
async fn one_address_guessing_many_usernames_is_stopped_but_others_go_on() {
    let app = spawn_app_with(|c| {
        behind_local_proxy(c);
        c.auth.max_failed_logins_per_ip = 20;
    })
    .await;
    let admin = app.admin().await;
    app.create_user(&admin, "anna").await;
    let attacker = "203.0.113.66";
    let mut statuses = Vec::new();
    for i in 0..30 {
        let (status, body) = login_from(&app, attacker, &format!("user{i}"), "guess").await;
        if status == 429 {
            assert!(
                body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("address")),
                "{body}"
            );
        }
        statuses.push(status);
    }
    assert_eq!(statuses[..20], [401; 20]);
    assert_eq!(statuses[20..], [429; 10]);
    assert_eq!(
        login_from(&app, attacker, "anna", USER_PASSWORD).await.0,
        429,
        "the address is stopped, whatever it tries"
    );
    assert_eq!(
        login_from(&app, "198.51.100.20", "anna", USER_PASSWORD)
            .await
            .0,
        200,
        "anna at her own address is not"
    );
}

#[tokio::test]
async fn a_real_login_is_not_queued_behind_a_flood_from_another_address() {
    let app = spawn_app_with(behind_local_proxy).await;
    let admin = app.admin().await;
    app.create_user(&admin, "anna").await;
    let flood = (0..500).map(|i| {
        let app = &app;
        async move { login_from(app, "203.0.113.7", &format!("nobody{i}"), "guess").await }
    });
    let legitimate = async {
        // Let the flood arrive first.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        let (status, _) = login_from(&app, "198.51.100.20", "anna", USER_PASSWORD).await;
        (status, started.elapsed())
    };
    let (answers, (status, waited)) =
        tokio::join!(futures_util::future::join_all(flood), legitimate);
    assert_eq!(status, 200);
    let evaluated = answers.iter().filter(|(s, _)| *s == 401).count();
    let refused = answers.iter().filter(|(s, _)| *s == 429).count();
    assert_eq!(evaluated + refused, 500);
    assert!(
        evaluated <= 50,
        "at most max_failed_logins_per_ip hashes from one address, got {evaluated}"
    );
    eprintln!("legitimate login answered in {waited:?} beside {evaluated} hashed guesses");
}

#[tokio::test]
async fn bots_and_the_servers_own_accounts_never_take_a_password() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, bot) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "monitor", "display_name": "Monitor"}),
        )
        .await;
    assert_eq!(status, 201, "{bot}");
    let (_, bots) = app.get("/api/v1/bots", &admin.token).await;
    let suport = bots
        .as_array()
        .expect("bots")
        .iter()
        .find(|b| b["username"] == "suport")
        .expect("the support bot")
        .clone();
    for (username, id) in [
        ("monitor", bot["bot"]["id"].clone()),
        ("suport", suport["id"].clone()),
    ] {
        let id = id.as_str().expect("id");
        let (status, body) =
            patch(&app, &admin.token, id, json!({"password": "chosen-pass-1"})).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_request")),
            "{username}: {body}"
        );
        let (status, _) = app
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": "chosen-pass-1"})),
            )
            .await;
        assert_eq!(status, 401, "{username} cannot log in with a password");
    }
}
