//! The embedded web client and the security headers every response carries.
//!
//! Any GET outside `/api` and the probes is the client: a file of the bundle when it exists,
//! else `index.html` so that client-side routes survive a reload. Hashed assets are cached
//! for a year; the HTML, the service worker and the manifest are revalidated every time so a
//! new release reaches users at once.
//!
//! The build writes a brotli (`.br`) and a gzip (`.gz`) copy next to each compressible file
//! (`web-client/scripts/precompress.mjs`); the best one the browser accepts is sent, with
//! `Content-Encoding` and `Vary: Accept-Encoding`, so nothing is compressed per request.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use xerrada_protocol::ErrorCode;

use crate::http_error::HttpError;

#[derive(rust_embed::Embed)]
#[folder = "../web-client/dist"]
struct Bundle;

/// Only this origin, no inline script or style, never framed: nothing leaves the building.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
     worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Adds the security headers to every response of `router`.
pub fn with_security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let headers: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    headers.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}

/// Tells browsers to come back over HTTPS only, for a year: for a server that serves TLS
/// itself (behind a proxy, the proxy says it).
pub fn with_hsts<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(SetResponseHeaderLayer::if_not_present(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    ))
}

/// Serves the web client for any path the API does not own.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let accepted = Encodings::accepted(&headers);
    let path = uri.path().trim_start_matches('/');
    let owned_by_server = ["api", "hooks"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")));
    if owned_by_server {
        return HttpError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such route")
            .into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return HttpError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::InvalidRequest,
            "method not allowed on this route",
        )
        .into_response();
    }
    let path = if path.is_empty() { "index.html" } else { path };
    if Bundle::get(path).is_some() {
        return file_response(path, accepted);
    }
    // A client-side route (no file extension): the app decides what to show.
    let looks_like_a_file = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    match Bundle::get("index.html") {
        Some(_) if !looks_like_a_file => file_response("index.html", accepted),
        _ => HttpError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such file")
            .into_response(),
    }
}

/// The content codings a request accepts, of those the build makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Encodings {
    brotli: bool,
    gzip: bool,
}

impl Encodings {
    /// Reads `Accept-Encoding`: a coding counts unless its `q` is 0; `*` accepts both.
    fn accepted(headers: &HeaderMap) -> Self {
        let mut accepted = Encodings::default();
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                match coding.as_str() {
                    "br" => accepted.brotli = true,
                    "gzip" | "x-gzip" => accepted.gzip = true,
                    "*" => {
                        accepted.brotli = true;
                        accepted.gzip = true;
                    }
                    _ => {}
                }
            }
        }
        accepted
    }
}

/// `path` of the bundle, as the best encoding the client accepts that the build made.
fn file_response(path: &str, accepted: Encodings) -> Response {
    let Some(file) = Bundle::get(path) else {
        return HttpError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such file")
            .into_response();
    };
    let mime = file.metadata.mimetype().to_owned();
    let etag_base = hex(&file.metadata.sha256_hash()[..16]);
    let brotli = accepted
        .brotli
        .then(|| Bundle::get(&format!("{path}.br")))
        .flatten();
    let gzip = accepted
        .gzip
        .then(|| Bundle::get(&format!("{path}.gz")))
        .flatten();
    let has_variants = Bundle::get(&format!("{path}.gz")).is_some()
        || Bundle::get(&format!("{path}.br")).is_some();
    let (body, encoding) = match (brotli, gzip) {
        (Some(br), _) => (br, Some("br")),
        (None, Some(gz)) => (gz, Some("gzip")),
        (None, None) => (file, None),
    };
    let immutable = path.starts_with("assets/");
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    // Each encoding is a different representation, so it has its own validator.
    let etag = match encoding {
        Some(coding) => format!("\"{etag_base}-{coding}\""),
        None => format!("\"{etag_base}\""),
    };
    let mut response = Response::new(Body::from(body.data.into_owned()));
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&mime) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(coding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    if has_variants {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    response
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> Encodings {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("ascii"),
        );
        Encodings::accepted(&headers)
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let both = Encodings {
            brotli: true,
            gzip: true,
        };
        assert_eq!(accepting("gzip, deflate, br, zstd"), both);
        assert_eq!(accepting("*"), both);
        assert_eq!(
            accepting("br;q=0, gzip;q=0.8"),
            Encodings {
                brotli: false,
                gzip: true
            }
        );
        assert_eq!(accepting("identity"), Encodings::default());
        assert_eq!(Encodings::accepted(&HeaderMap::new()), Encodings::default());
    }
}
