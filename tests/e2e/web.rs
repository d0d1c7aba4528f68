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

/// The bundle's files go out precompressed: brotli or gzip as the browser accepts, the same
/// bytes once decoded, and plain to a client that accepts neither.
#[tokio::test]
async fn the_client_is_sent_precompressed_as_the_browser_accepts() {
    use std::io::Read;
    let app = spawn_app().await;
    let index = app.http.get(app.url("/")).send().await.expect("sent");
    let html = index.text().await.expect("html");
    let Some(script) = html
        .split('"')
        .find(|part| part.starts_with("/assets/") && part.ends_with(".js"))
        .map(str::to_owned)
    else {
        // Only a build that skipped the web client (XERRADA_SKIP_WEB_BUILD) has no bundle.
        assert!(
            std::env::var_os("XERRADA_SKIP_WEB_BUILD").is_some(),
            "index.html names no script: {html}"
        );
        return;
    };
    let fetch = |encoding: &'static str| {
        let request = app.http.get(app.url(&script));
        async move {
            let request = if encoding.is_empty() {
                request
            } else {
                request.header("accept-encoding", encoding)
            };
            let response = request.send().await.expect("sent");
            assert_eq!(response.status().as_u16(), 200);
            let headers = response.headers().clone();
            let body = response.bytes().await.expect("body").to_vec();
            (headers, body)
        }
    };
    let (plain_headers, plain) = fetch("").await;
    assert!(plain_headers.get("content-encoding").is_none());
    assert_eq!(plain_headers["vary"], "Accept-Encoding");
    assert!(
        plain_headers["content-type"]
            .to_str()
            .expect("ascii")
            .contains("javascript")
    );
    assert_eq!(
        plain_headers["cache-control"],
        "public, max-age=31536000, immutable"
    );

    let (br_headers, br) = fetch("gzip, deflate, br, zstd").await;
    assert_eq!(br_headers["content-encoding"], "br");
    assert_eq!(br_headers["content-type"], plain_headers["content-type"]);
    assert_ne!(br_headers["etag"], plain_headers["etag"]);
    assert!(
        br.len() * 2 < plain.len(),
        "{} vs {} bytes",
        br.len(),
        plain.len()
    );
    let mut decoded = Vec::new();
    brotli_decompressor::Decompressor::new(br.as_slice(), 4096)
        .read_to_end(&mut decoded)
        .expect("brotli");
    assert_eq!(decoded, plain);

    let (gz_headers, gz) = fetch("gzip;q=1.0, br;q=0").await;
    assert_eq!(gz_headers["content-encoding"], "gzip");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut decoded)
        .expect("gzip");
    assert_eq!(decoded, plain);
}
