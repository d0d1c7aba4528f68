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
        "channel": "#no-such-channel", "username": "Alertmanager",
        "text": "<!channel> *[FIRING:1]* InstanceDown <http://prometheus.local/alerts|(veure)>",
        "attachments": [{"fallback": "[FIRING:1] InstanceDown", "color": "danger", "title": "InstanceDown", "text": "srv-02 &amp; srv-03", "mrkdwn_in": ["text"]}]
    });
    assert_eq!(post_json(&app, &url, &alertmanager).await.0, 200);
    let message = ws.next_of_type("message").await["message"].clone();
    assert_eq!(
        message["channel_id"],
        channel.as_str(),
        "an unknown channel override is ignored"
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

#[tokio::test]
async fn channel_members_manage_hooks_and_overrides_need_the_creators_membership() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let outsider = app.create_user(&admin, "oriol").await;
    let ops = app.create_channel(&anna, "operacions", "private").await;
    let other = app.create_channel(&anna, "guardies", "private").await;
    let foreign = app.create_channel(&outsider, "secret", "private").await;
    let (hook_id, url) = new_hook(&app, &anna, &ops, "Zabbix").await;

    assert_eq!(
        app.get(&format!("/api/v1/channels/{ops}/webhooks"), &outsider.token)
            .await
            .0,
        404
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/channels/{ops}/webhooks"),
            &outsider.token,
            json!({"name": "x"})
        )
        .await
        .0,
        404
    );
    let rename = |token: String, name: &'static str| {
        let path = format!("/api/v1/webhooks/{hook_id}");
        let app = &app;
        async move {
            app.call(
                reqwest::Method::PATCH,
                &path,
                Some(&token),
                Some(json!({"name": name})),
            )
            .await
        }
    };
    assert_eq!(rename(outsider.token.clone(), "hijack").await.0, 404);
    let (status, renamed) = rename(anna.token.clone(), "Zabbix 7").await;
    assert_eq!((status, renamed["name"].as_str()), (200, Some("Zabbix 7")));
    let (_, hooks) = app
        .get(&format!("/api/v1/channels/{ops}/webhooks"), &anna.token)
        .await;
    assert_eq!(hooks.as_array().map(Vec::len), Some(1));
    assert!(hooks[0].get("url").is_none(), "the secret is never listed");

    // The creator is in #guardies: the override works. Not in #secret: ignored.
    assert_eq!(
        post_json(
            &app,
            &url,
            &json!({"text": "a guàrdies", "channel": "#guardies"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post_json(&app, &url, &json!({"text": "a secret", "channel": foreign}))
            .await
            .0,
        200
    );
    let in_other = app.all_messages(&anna, &other).await;
    assert_eq!(in_other.len(), 1);
    let in_ops = app.all_messages(&anna, &ops).await;
    assert_eq!(
        in_ops[0]["body"], "a secret",
        "the refused override fell back to the hook's channel"
    );
    assert!(app.all_messages(&outsider, &foreign).await.is_empty());
}
