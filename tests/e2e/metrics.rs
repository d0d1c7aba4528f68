//! `/metrics`: served only with the configured token, in a format Prometheus parses, with
//! numbers that follow what people do and no user or channel id in any label.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use xerrada_tests::{spawn_app, spawn_app_with};

const TOKEN: &str = "scrape-token-0123456789";

/// The samples of a Prometheus text exposition, checked line by line as a parser would:
/// `name{labels} value`, every name declared by a `# TYPE` before its samples.
fn parse(text: &str) -> HashMap<String, f64> {
    let mut declared: HashSet<String> = HashSet::new();
    let mut samples = HashMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            let name = parts.next().expect("a name");
            let kind = parts.next().expect("a type");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            declared.insert(name.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") || line.is_empty() {
            continue;
        }
        assert!(!line.starts_with('#'), "unexpected comment: {line}");
        let (series, value) = line.rsplit_once(' ').expect("a value");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        let name = series.split('{').next().expect("a name");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "{line}"
        );
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .filter(|base| declared.contains(*base))
            .unwrap_or(name);
        assert!(declared.contains(family), "no # TYPE before {line}");
        if let Some(labels) = series.strip_prefix(name)
            && !labels.is_empty()
        {
            assert!(labels.starts_with('{') && labels.ends_with('}'), "{line}");
        }
        samples.insert(series.to_owned(), value);
    }
    samples
}

#[tokio::test]
async fn metrics_need_the_configured_token() {
    let closed = spawn_app().await;
    let (status, body) = closed
        .call(reqwest::Method::GET, "/metrics", None, None)
        .await;
    assert_eq!(status, 404, "no token configured: no metrics");
    assert_eq!(body["code"], "not_found");

    let app = spawn_app_with(|c| c.metrics.token = Some(TOKEN.into())).await;
    let response = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        response.headers()["www-authenticate"]
            .to_str()
            .expect("header"),
        "Bearer"
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "unauthorized");
    let (status, _) = app
        .call(
            reqwest::Method::GET,
            "/metrics",
            Some("not-the-token-at-all"),
            None,
        )
        .await;
    assert_eq!(status, 401);
    // A member's own session token is not the scrape token either.
    let admin = app.admin().await;
    let (status, _) = app
        .call(reqwest::Method::GET, "/metrics", Some(&admin.token), None)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn metrics_follow_what_people_do_without_naming_them() {
    let app = spawn_app_with(|c| c.metrics.token = Some(TOKEN.into())).await;
    let scrape = || async {
        let response = app
            .http
            .get(app.url("/metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("response");
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().expect("header"),
            "text/plain; version=0.0.4; charset=utf-8"
        );
        response.text().await.expect("text")
    };
    let before = parse(&scrape().await);
    assert_eq!(before["xerrada_bus_up"], -1.0, "a single node");

    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let channel = app.create_channel(&anna, "metriques", "private").await;
    let (status, _) = app
        .put(
            &format!("/api/v1/channels/{channel}/members/{}", bernat.user.id),
            &anna.token,
        )
        .await;
    assert!(status == 200 || status == 204);
    let mut bernat_ws = app.connect(&bernat).await;
    let (status, _) = app.send(&anna, &channel, "Bon dia").await;
    assert_eq!(status, 201);
    let mut anna_ws = app.connect(&anna).await;
    anna_ws
        .send_message("r1", &channel, "m-1", "Hola des del socket")
        .await;
    loop {
        let frame = anna_ws.next_significant().await;
        if frame["type"] == "ack" {
            break;
        }
    }
    let frame = bernat_ws.next_significant().await;
    assert_eq!(frame["type"], "message", "{frame}");
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "anna", "password": "wrong password"})),
        )
        .await;
    assert_eq!(status, 401);

    let text = scrape().await;
    let after = parse(&text);
    // And as a third-party Prometheus parser reads it.
    let scraped = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .expect("a Prometheus scrape");
    let families: HashSet<&str> = scraped.samples.iter().map(|s| s.metric.as_str()).collect();
    assert!(families.len() >= 14, "{families:?}");
    let value_of = |metric: &str| {
        &scraped
            .samples
            .iter()
            .find(|s| s.metric == metric)
            .unwrap_or_else(|| panic!("{metric} in {families:?}"))
            .value
    };
    assert!(matches!(
        value_of("xerrada_send_ack_duration_seconds"),
        prometheus_parse::Value::Histogram(buckets) if !buckets.is_empty()
    ));
    assert!(matches!(
        value_of("xerrada_messages_posted_total"),
        prometheus_parse::Value::Counter(n) if *n >= 2.0
    ));
    assert!(matches!(
        value_of("xerrada_people_online"),
        prometheus_parse::Value::Gauge(n) if *n >= 2.0
    ));
    assert_eq!(
        after.get(&format!(
            r#"xerrada_build_info{{version="{}"}}"#,
            env!("CARGO_PKG_VERSION")
        )),
        Some(&1.0)
    );
    for kind in ["unavailable", "internal"] {
        let name = format!(r#"xerrada_store_errors_total{{kind="{kind}"}}"#);
        assert!(after.contains_key(&name), "{name}");
    }
    let grew = |name: &str, by: f64| {
        let was = before.get(name).copied().unwrap_or(0.0);
        let now = after.get(name).copied().unwrap_or(0.0);
        assert!(now >= was + by, "{name}: {was} -> {now}");
    };
    grew("xerrada_messages_posted_total", 2.0);
    grew("xerrada_failed_logins_total", 1.0);
    grew("xerrada_group_commits_total", 1.0);
    grew("xerrada_group_commit_operations_count", 1.0);
    grew("xerrada_send_ack_duration_seconds_count", 2.0);
    grew("xerrada_deliveries_total", 2.0);
    grew(
        r#"xerrada_http_requests_total{route="/api/v1/channels/{id}/messages",method="POST",status="201"}"#,
        1.0,
    );
    grew(
        r#"xerrada_http_requests_total{route="/api/v1/auth/login",method="POST",status="401"}"#,
        1.0,
    );
    // Other sockets may be open (the support desk's bot holds one of its own): the count
    // must follow a socket that closes.
    assert!(after["xerrada_sockets_open"] >= 2.0);
    drop(bernat_ws);
    let mut closed = None;
    for _ in 0..100 {
        let now = parse(&scrape().await);
        if now["xerrada_sockets_open"] == after["xerrada_sockets_open"] - 1.0 {
            closed = Some(now);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let closed = closed.expect("the closed socket is no longer counted");
    assert_eq!(
        closed["xerrada_people_online"],
        after["xerrada_people_online"] - 1.0,
        "bernat went offline"
    );
    assert_eq!(after["xerrada_slow_consumer_closes_total"], 0.0);
    for id in [&anna.user.id, &bernat.user.id, &channel] {
        assert!(!text.contains(id.as_str()), "an id in the metrics: {id}");
    }
    // The dashboard in docs/ shows only metrics that exist.
    let dashboard = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/grafana-dashboard.json"),
    )
    .expect("docs/grafana-dashboard.json");
    let dashboard: serde_json::Value = serde_json::from_str(&dashboard).expect("JSON");
    let mut shown = 0;
    for panel in dashboard["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().expect("targets") {
            let expr = target["expr"].as_str().expect("expr");
            for word in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if word.starts_with("xerrada_") {
                    assert!(
                        text.contains(word),
                        "the dashboard shows {word}, which is not served"
                    );
                    shown += 1;
                }
            }
        }
    }
    assert!(shown >= 14, "{shown}");
}
