//! Slack-compatible incoming webhooks, with payloads shaped like the tools councils run.

use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, spawn_app};

async fn new_hook(app: &TestApp, owner: &Session, channel: &str, name: &str) -> (String, String) {
    let (status, hook) = app
        .post(
            &format!("/api/v1/channels/{channel}/webhooks"),
            &owner.token,
            json!({"name": name}),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    let url = hook["url"].as_str().expect("url").to_owned();
    assert!(url.starts_with("/hooks/") && url.len() > 30, "{url}");
    (hook["id"].as_str().expect("id").to_owned(), url)
}

async fn post_json(app: &TestApp, url: &str, payload: &Value) -> (u16, String) {
    let response = app
        .http
        .post(app.url(url))
        .json(payload)
        .send()
        .await
        .expect("sent");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

#[tokio::test]
async fn monitoring_payloads_are_posted_with_their_attachments_and_blocks() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "alertes", "public").await;
    let (hook_id, url) = new_hook(&app, &anna, &channel, "Grafana").await;
    let mut ws = app.connect(&anna).await;

    // Grafana's Slack notifier.
    let grafana = json!({
        "username": "Grafana", "icon_url": "https://grafana.com/img/fav32.png",
        "attachments": [{
            "color": "#D63232", "title": "[Alerting] Disc ple",
            "title_link": "http://grafana.local:3000/d/abc",
            "text": "El disc de *srv-01* és al 97%",
            "fields": [{"title": "srv-01", "value": "97.1", "short": true}],
            "footer": "Grafana v10", "ts": 1732621234,
        }]
    });
    assert_eq!(post_json(&app, &url, &grafana).await, (200, "ok".into()));
    let frame = ws.next_of_type("message").await;
    let message = &frame["message"];
    assert_eq!(
        message["body"],
        "[Alerting] Disc ple\nEl disc de **srv-01** és al 97%\nsrv-01: 97.1"
    );
    let extras = &message["extras"];
    assert_eq!(
        (extras["username"].as_str(), extras["webhook_id"].as_str()),
        (Some("Grafana"), Some(hook_id.as_str()))
    );
    assert_eq!(extras["attachments"][0]["color"], "#D63232");
    assert_eq!(
        extras["attachments"][0]["title_link"],
        "http://grafana.local:3000/d/abc"
    );
    assert_eq!(
        extras["attachments"][0]["fields"][0],
        json!({"title": "srv-01", "value": "97.1", "short": true})
    );

    // Alertmanager's Slack receiver.
    let alertmanager = json!({
        "channel": "#alertes", "username": "Alertmanager",
        "text": "<!channel> *[FIRING:1]* InstanceDown <http://prometheus.local/alerts|(veure)>",
        "attachments": [{"fallback": "[FIRING:1] InstanceDown", "color": "danger", "title": "InstanceDown", "text": "srv-02 &amp; srv-03", "mrkdwn_in": ["text"]}]
    });
    assert_eq!(post_json(&app, &url, &alertmanager).await.0, 200);
    let message = ws.next_of_type("message").await["message"].clone();
    assert_eq!(
        message["channel_id"],
        channel.as_str(),
        "a payload naming the hook's own channel is posted"
    );
    assert_eq!(
        message["body"],
        "@channel **[FIRING:1]** InstanceDown [(veure)](http://prometheus.local/alerts)"
    );
    assert_eq!(
        message["extras"]["attachments"][0]["text"],
        "srv-02 & srv-03"
    );

    // GitLab's Slack integration with Block Kit, form-encoded like many scripts send it.
    let gitlab = json!({"blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "Pipeline #42 ok"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "<https://gitlab.local/p/-/pipelines/42|#42> a `main`"}},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "per _anna_"}]}
    ]});
    let form = app
        .http
        .post(app.url(&url))
        .form(&[("payload", gitlab.to_string())])
        .send()
        .await
        .expect("sent");
    assert_eq!(form.status().as_u16(), 200);
    let message = ws.next_of_type("message").await["message"].clone();
    assert_eq!(
        message["body"],
        "Pipeline #42 ok\n[#42](https://gitlab.local/p/-/pipelines/42) a `main`\nper _anna_"
    );
    let kinds: Vec<&str> = message["extras"]["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .map(|b| b["type"].as_str().expect("type"))
        .collect();
    assert_eq!(kinds, ["header", "section", "divider", "context"]);

    // A shell script: curl -d 'payload={"text": "..."}'.
    let script = app
        .http
        .post(app.url(&url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("payload=%7B%22text%22%3A%20%22backup%20ok%22%7D")
        .send()
        .await
        .expect("sent");
    assert_eq!(script.status().as_u16(), 200);
    let message = ws.next_of_type("message").await["message"].clone();
    assert_eq!(
        (
            message["body"].as_str(),
            message["extras"]["username"].as_str()
        ),
        (Some("backup ok"), Some("Grafana"))
    );
    let author = message["author_id"].as_str().expect("author");
    let (_, user) = app
        .get(&format!("/api/v1/users/{author}"), &anna.token)
        .await;
    assert_eq!(
        (user["username"].as_str(), user["kind"].as_str()),
        (Some("incoming-webhook"), Some("bot"))
    );
    let (_, directory) = app.get("/api/v1/users?q=webhook", &anna.token).await;
    assert_eq!(
        directory,
        serde_json::json!([]),
        "nobody can write to it: not offered in the directory"
    );
    let stored = app.all_messages(&anna, &channel).await;
    assert_eq!(stored.len(), 4, "stored as they were shown");
}

#[tokio::test]
async fn bad_webhook_requests_get_their_errors() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let channel = app.create_channel(&admin, "general", "public").await;
    let (hook_id, url) = new_hook(&app, &admin, &channel, "Script").await;
    let code = |body: String| {
        serde_json::from_str::<Value>(&body)
            .map(|v| v["code"].as_str().map(str::to_owned))
            .ok()
            .flatten()
    };

    let (status, body) = post_json(&app, &url, &json!({"text": ""})).await;
    assert_eq!((status, code(body)), (400, Some("invalid_request".into())));
    let (status, body) = post_json(&app, &url, &json!({"attachments": "nope"})).await;
    assert_eq!(
        (status, code(body.clone())),
        (400, Some("invalid_request".into())),
        "{body}"
    );
    let raw = app
        .http
        .post(app.url(&url))
        .header("content-type", "application/json")
        .body("{\"text\":")
        .send()
        .await
        .expect("sent");
    assert_eq!(raw.status().as_u16(), 400);
    let form = app
        .http
        .post(app.url(&url))
        .form(&[("text", "no payload field")])
        .send()
        .await
        .expect("sent");
    assert_eq!(form.status().as_u16(), 400);
    let (status, body) = post_json(&app, &url, &json!({"text": "x".repeat(16_385)})).await;
    assert_eq!((status, code(body)), (413, Some("too_large".into())));
    let huge = app
        .http
        .post(app.url(&url))
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .expect("sent");
    assert_eq!(huge.status().as_u16(), 413);
    let body: Value = huge
        .json()
        .await
        .expect("a JSON error body under /hooks too");
    assert_eq!(body["code"], "too_large");
    let (status, body) = post_json(&app, "/hooks/not-a-real-secret", &json!({"text": "hi"})).await;
    assert_eq!((status, code(body)), (404, Some("not_found".into())));
    let get = app.http.get(app.url(&url)).send().await.expect("sent");
    assert_eq!(get.status().as_u16(), 405);
    let body: Value = get.json().await.expect("json error");
    assert_eq!(body["code"], "invalid_request");
    assert_eq!(
        app.http
            .post(app.url("/hooks"))
            .send()
            .await
            .expect("sent")
            .status()
            .as_u16(),
        404
    );

    // Regenerating kills the old URL; deleting kills the hook.
    let (status, fresh) = app
        .post(
            &format!("/api/v1/webhooks/{hook_id}/regenerate"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let new_url = fresh["url"].as_str().expect("url").to_owned();
    assert_eq!(post_json(&app, &url, &json!({"text": "old"})).await.0, 404);
    assert_eq!(
        post_json(&app, &new_url, &json!({"text": "new"})).await.0,
        200
    );
    assert_eq!(
        app.delete(&format!("/api/v1/webhooks/{hook_id}"), &admin.token)
            .await
            .0,
        204
    );
    assert_eq!(
        post_json(&app, &new_url, &json!({"text": "gone"})).await.0,
        404
    );
    let stored = app.all_messages(&admin, &channel).await;
    assert_eq!(
        stored
            .iter()
            .map(|m| m["body"].as_str().expect("body"))
            .collect::<Vec<_>>(),
        ["new"],
        "refused payloads stored nothing"
    );
}

/// Anna is in #general (with pere), a private channel, a DM with marta and #tic; her hook lives
/// in #general. Nothing that holds the URL, and no member of #general, reaches the others.
struct Council {
    app: TestApp,
    admin: Session,
    anna: Session,
    pere: Session,
    general: String,
    private: String,
    dm: String,
    tic: String,
    hook_id: String,
    url: String,
}

async fn council() -> Council {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let anna = app.create_user_in(&admin, "anna", &[&tic.id]).await;
    let marta = app.create_user(&admin, "marta").await;
    let pere = app.create_user(&admin, "pere").await;
    let general = app.create_channel(&anna, "general", "public").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/channels/{general}/join"),
            &pere.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let private = app.create_channel(&anna, "personal", "private").await;
    let dm = app.open_dm(&anna, &[&marta.user.id]).await;
    let (hook_id, url) = new_hook(&app, &anna, &general, "Avisos").await;
    Council {
        app,
        admin,
        anna,
        pere,
        general,
        private,
        dm,
        tic: tic.channel_id,
        hook_id,
        url,
    }
}

impl Council {
    /// The message bodies of every conversation anna is in, to show nothing leaked.
    async fn bodies(&self) -> Vec<(String, Vec<String>)> {
        let mut all = Vec::new();
        for channel in [&self.general, &self.private, &self.dm, &self.tic] {
            let bodies = self
                .app
                .all_messages(&self.anna, channel)
                .await
                .iter()
                .map(|m| m["body"].as_str().expect("body").to_owned())
                .collect();
            all.push((channel.clone(), bodies));
        }
        all
    }

    async fn hook_list(&self, who: &Session) -> Value {
        let (status, hooks) = self
            .app
            .get(
                &format!("/api/v1/channels/{}/webhooks", self.general),
                &who.token,
            )
            .await;
        assert_eq!(status, 200, "{hooks}");
        hooks
    }
}

async fn patch(app: &TestApp, path: &str, who: &Session, body: Value) -> (u16, Value) {
    app.call(reqwest::Method::PATCH, path, Some(&who.token), Some(body))
        .await
}

#[tokio::test]
async fn a_channel_override_into_any_other_conversation_is_refused_and_stores_nothing() {
    let c = council().await;
    let targets = [
        c.dm.clone(),
        "anna, marta".to_owned(),
        c.private.clone(),
        "#personal".to_owned(),
        "personal".to_owned(),
        c.tic.clone(),
        "#tic".to_owned(),
        "#no-such-channel".to_owned(),
    ];
    for target in targets {
        let payload = json!({"text": "confidencial", "username": "User anna", "channel": target});
        let (status, body) = post_json(&c.app, &c.url, &payload).await;
        let error: Value = serde_json::from_str(&body).expect("a JSON error");
        assert_eq!(
            (status, error["code"].as_str()),
            (400, Some("invalid_request")),
            "channel {target}: {body}"
        );
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("only into its own channel")),
            "{body}"
        );
    }
    for own in [
        c.general.clone(),
        "#general".to_owned(),
        "general".to_owned(),
        String::new(),
    ] {
        let payload = json!({"text": format!("to [{own}]"), "channel": own});
        assert_eq!(post_json(&c.app, &c.url, &payload).await.0, 200, "{own}");
    }
    let bodies = c.bodies().await;
    let own_posts = vec![
        format!("to [{}]", c.general),
        "to [#general]".to_owned(),
        "to [general]".to_owned(),
        "to []".to_owned(),
    ];
    assert_eq!(bodies[0].1, own_posts);
    for (channel, stored) in &bodies[1..] {
        assert!(stored.is_empty(), "{channel} got {stored:?}");
    }
}

#[tokio::test]
async fn only_the_owner_or_an_admin_changes_a_hook_and_members_still_see_the_list() {
    let c = council().await;
    let hook = format!("/api/v1/webhooks/{}", c.hook_id);
    let regenerate = format!("{hook}/regenerate");

    let (status, body) = c.app.post(&regenerate, &c.pere.token, json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    let (status, _) = patch(&c.app, &hook, &c.pere, json!({"name": "Meu"})).await;
    assert_eq!(status, 403);
    assert_eq!(c.app.delete(&hook, &c.pere.token).await.0, 403);
    assert_eq!(
        post_json(&c.app, &c.url, &json!({"text": "still works"}))
            .await
            .0,
        200,
        "anna's URL survived pere's attempts"
    );

    let hooks = c.hook_list(&c.pere).await;
    assert_eq!(hooks[0]["name"], "Avisos", "pere still sees it");
    assert_eq!(hooks[0]["disabled"], false);
    assert!(hooks[0].get("url").is_none(), "the secret is never listed");

    let outsider = c.app.create_user(&c.admin, "oriol").await;
    assert_eq!(
        c.app.post(&regenerate, &outsider.token, json!({})).await.0,
        404
    );

    let (status, renamed) = patch(&c.app, &hook, &c.anna, json!({"name": "Avisos 2"})).await;
    assert_eq!((status, renamed["name"].as_str()), (200, Some("Avisos 2")));
    let (status, fresh) = c.app.post(&regenerate, &c.admin.token, json!({})).await;
    assert_eq!(status, 200, "an admin may, without being a member");
    assert_eq!(
        post_json(&c.app, &c.url, &json!({"text": "old"})).await.0,
        404
    );
    let url = fresh["url"].as_str().expect("url");
    assert_eq!(post_json(&c.app, url, &json!({"text": "new"})).await.0, 200);
}

#[tokio::test]
async fn a_hook_stops_when_its_owner_leaves_or_is_deactivated_until_a_member_takes_it_over() {
    let c = council().await;
    let app = &c.app;
    // A hook in the private channel, whose creator is then removed from it.
    let marta = app.login("marta", xerrada_tests::USER_PASSWORD).await;
    let (status, _) = app
        .put(
            &format!("/api/v1/channels/{}/members/{}", c.private, marta.user.id),
            &c.anna.token,
        )
        .await;
    assert!(status == 200 || status == 204, "add marta: {status}");
    let (private_hook, private_url) = new_hook(app, &c.anna, &c.private, "Nòmines").await;
    assert_eq!(
        post_json(app, &private_url, &json!({"text": "1"})).await.0,
        200
    );
    let (status, _) = app
        .delete(
            &format!("/api/v1/channels/{}/members/{}", c.private, c.anna.user.id),
            &c.admin.token,
        )
        .await;
    assert!(status == 200 || status == 204, "remove anna: {status}");
    let (status, body) = post_json(app, &private_url, &json!({"text": "2"})).await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("disabled"), "{body}");
    let (_, hooks) = app
        .get(
            &format!("/api/v1/channels/{}/webhooks", c.private),
            &marta.token,
        )
        .await;
    assert_eq!(hooks[0]["disabled"], true, "{hooks}");

    // Marta, still a member, takes it over: it works again, at the same URL.
    let take_over = format!("/api/v1/webhooks/{private_hook}/take-over");
    assert_eq!(
        app.post(&take_over, &c.pere.token, json!({})).await.0,
        404,
        "pere is not in the channel"
    );
    let (status, taken) = app.post(&take_over, &marta.token, json!({})).await;
    assert_eq!(status, 200, "{taken}");
    assert_eq!(
        (taken["created_by"].as_str(), taken["disabled"].as_bool()),
        (Some(marta.user.id.as_str()), Some(false))
    );
    assert_eq!(
        post_json(app, &private_url, &json!({"text": "3"})).await.0,
        200
    );
    let bodies: Vec<String> = app
        .all_messages(&marta, &c.private)
        .await
        .iter()
        .map(|m| m["body"].as_str().expect("body").to_owned())
        .collect();
    assert_eq!(bodies, ["1", "3"]);

    // A working hook is not taken over by another member.
    let general_take_over = format!("/api/v1/webhooks/{}/take-over", c.hook_id);
    let (status, body) = app.post(&general_take_over, &c.pere.token, json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );

    // Anna's #general hook stops when she is deactivated; pere, a member, takes it over.
    let (status, _) = app
        .post(
            &format!("/api/v1/users/{}/deactivate", c.anna.user.id),
            &c.admin.token,
            json!({}),
        )
        .await;
    assert!(status == 200 || status == 204);
    assert_eq!(post_json(app, &c.url, &json!({"text": "x"})).await.0, 404);
    assert_eq!(c.hook_list(&c.pere).await[0]["disabled"], true);
    assert_eq!(
        app.post(&general_take_over, &c.pere.token, json!({}))
            .await
            .0,
        200
    );
    assert_eq!(post_json(app, &c.url, &json!({"text": "y"})).await.0, 200);
    let general: Vec<String> = app
        .all_messages(&c.pere, &c.general)
        .await
        .iter()
        .map(|m| m["body"].as_str().expect("body").to_owned())
        .collect();
    assert_eq!(general, ["y"]);
}
