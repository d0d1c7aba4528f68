//! The OpenAPI document at `/api/v1/openapi.json`: served, well formed, and one entry per
//! route. That no route is registered outside the document is checked at its source (the
//! router registers handlers only with `routes!`, `server/src/api/openapi.rs`); here each
//! entry is checked to reach a handler, so the document never names a route that is not
//! there.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::Value;
use xerrada_tests::{spawn_app, spawn_app_with};

/// The access classes of `x-access` that the authorization matrix knows.
const ACCESS_CLASSES: &[&str] = &[
    "public",
    "signed_in",
    "channel_visible",
    "channel_member",
    "channel_settings",
    "channel_manager",
    "channel_membership",
    "file_reader",
    "message_author",
    "account_or_admin",
    "webhook_manager",
    "webhook_channel_member",
    "ticket_party",
    "support_team",
    "admin",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

/// The document a server serves.
pub async fn served_document(app: &xerrada_tests::TestApp) -> Value {
    app.http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("document")
        .json()
        .await
        .expect("JSON")
}

/// Every `(method, path, operation)` of the document.
pub fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let paths = document["paths"].as_object().expect("paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                found.push((method.to_string(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_unique_ids_access_and_security() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("document");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "served as JSON"
    );
    let document: Value = response.json().await.expect("JSON");
    assert_eq!(document["openapi"], "3.1.0");
    assert!(
        document["info"]["version"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let operations = operations(&document);
    assert!(
        operations.len() > 90,
        "only {} operations",
        operations.len()
    );
    let mut ids = HashSet::new();
    for (method, path, operation) in &operations {
        let name = format!("{} {path}", method.to_uppercase());
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{name} has no operationId");
        assert!(ids.insert(id.to_owned()), "{name}: operationId {id} twice");
        let access = operation["x-access"].as_str().unwrap_or_default();
        assert!(
            ACCESS_CLASSES.contains(&access),
            "{name} has x-access {access:?}, not one of {ACCESS_CLASSES:?}"
        );
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty());
        // Public routes take no token (the metrics scrape takes its own).
        let takes_token = access != "public";
        assert!(
            secured == takes_token || path == "/metrics",
            "{name}: security {secured} but access {access}"
        );
        let responses = operation["responses"].as_object().expect("responses");
        assert!(
            responses
                .keys()
                .any(|status| status.starts_with('2') || status == "101"),
            "{name} documents no success"
        );
        if path.starts_with("/api/v1/") && path != "/api/v1/ws" && path != "/api/v1/openapi.json" {
            for refusal in ["400", "401", "403", "404", "429"] {
                assert!(
                    responses.contains_key(refusal),
                    "{name} does not document {refusal}"
                );
            }
            assert_eq!(
                responses["429"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ApiError",
                "{name}: errors are {{code, message}}"
            );
        }
    }
}

/// A request for each documented operation, with made-up parameters and no token: whatever
/// the handler answers (401, 404 for an unknown id, 400), it must not be the router's own
/// "no such route" or "method not allowed", nor the web client's page.
#[tokio::test]
async fn every_documented_operation_reaches_a_handler() {
    // `/metrics` exists only with a token configured (404 otherwise, as for no route).
    let app = spawn_app_with(|config| config.metrics.token = Some("scrape".into())).await;
    let document = served_document(&app).await;
    let mut checked = 0;
    for (method, path, _) in operations(&document) {
        let concrete = path
            .replace("{token}", "1:nope")
            .replace("{method}", "getMe")
            .replace("{file_id}", "nope")
            .replace("{emoji}", "%F0%9F%91%8D")
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "made-up".to_owned()
                } else {
                    segment.replace("{", "").replace("}", "")
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let response = app
            .http
            .request(method.clone(), app.url(&concrete))
            .send()
            .await
            .expect("answer");
        let status = response.status().as_u16();
        let html = response
            .headers()
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/html"));
        assert!(!html, "{method} {concrete} fell through to the web client");
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(status, 405, "{method} {concrete}: {body}");
        assert_ne!(
            body["message"], "no such route",
            "{method} {concrete} is documented but not routed"
        );
        checked += 1;
    }
    assert!(checked > 90);
}
