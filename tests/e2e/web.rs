//! The embedded web client and the security headers.

use xerrada_tests::spawn_app;

#[tokio::test]
async fn the_client_is_served_with_strict_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/channels/some-client-route"] {
        let response = app.http.get(app.url(path)).send().await.expect("sent");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers().clone();
        assert!(
            headers["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/html")
        );
        assert_eq!(headers["cache-control"], "no-cache");
        let body = response.text().await.expect("body");
        assert!(body.to_lowercase().contains("<!doctype html"), "{path}");
    }
    let response = app
        .http
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "connect-src 'self'",
    ] {
        assert!(csp.contains(directive), "{csp} lacks {directive}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");

    let missing = app
        .http
        .get(app.url("/assets/missing-file.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status().as_u16(), 404);
    let api = app
        .http
        .get(app.url("/api/v2/anything"))
        .send()
        .await
        .expect("sent");
    assert_eq!(api.status().as_u16(), 404);
    let body: serde_json::Value = api.json().await.expect("a JSON error under /api");
    assert_eq!(body["code"], "not_found");
    let post = app.http.post(app.url("/")).send().await.expect("sent");
    assert_eq!(post.status().as_u16(), 405);
}
