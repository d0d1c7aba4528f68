//! Cross-site WebSocket hijacking protection: a browser always sends `Origin`, and a page of
//! another site must not open a socket riding on the user's session.

use std::net::IpAddr;

use axum::http::{HeaderMap, header};

use crate::config::Config;

/// Whether a WebSocket upgrade with these headers, from `peer`, may proceed.
///
/// No `Origin`: not a browser (bots, scripts), allowed. Otherwise the origin must be the
/// request's own: `http://` and its `Host`, or, from a trusted proxy, `X-Forwarded-Proto` and
/// `X-Forwarded-Host`; or be listed in `allowed_origins`.
pub fn allowed(headers: &HeaderMap, peer: IpAddr, config: &Config) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/');
    if config
        .allowed_origins
        .iter()
        .any(|allowed| allowed.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let from_proxy = config.trusted_proxies.contains(&peer);
    let forwarded = |name: &str| {
        from_proxy
            .then(|| headers.get(name))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
    };
    let Some(host) = forwarded("x-forwarded-host")
        .or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok()))
    else {
        return false;
    };
    // This server speaks plain HTTP; TLS, when used, ends at a proxy that says so.
    let scheme = forwarded("x-forwarded-proto").unwrap_or("http");
    origin.eq_ignore_ascii_case(&format!("{scheme}://{}", host.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn same_origin_and_listed_origins_pass_others_do_not() {
        let mut config = Config::new("/tmp");
        let local: IpAddr = "127.0.0.1".parse().expect("ip");
        assert!(allowed(
            &headers(&[("host", "chat.ajuntament.cat")]),
            local,
            &config
        ));
        assert!(allowed(
            &headers(&[
                ("host", "chat.ajuntament.cat"),
                ("origin", "http://chat.ajuntament.cat")
            ]),
            local,
            &config
        ));
        assert!(
            !allowed(
                &headers(&[
                    ("host", "chat.ajuntament.cat"),
                    ("origin", "https://chat.ajuntament.cat")
                ]),
                local,
                &config
            ),
            "https is believed only from a trusted proxy"
        );
        assert!(!allowed(
            &headers(&[
                ("host", "chat.ajuntament.cat"),
                ("origin", "https://evil.example")
            ]),
            local,
            &config
        ));
        config.allowed_origins.push("http://localhost:5173".into());
        assert!(allowed(
            &headers(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://localhost:5173")
            ]),
            local,
            &config
        ));
    }

    #[test]
    fn forwarded_host_is_believed_only_from_trusted_proxies() {
        let mut config = Config::new("/tmp");
        let proxy: IpAddr = "10.0.0.5".parse().expect("ip");
        let h = headers(&[
            ("host", "10.0.0.9:8080"),
            ("x-forwarded-host", "chat.ajuntament.cat"),
            ("x-forwarded-proto", "https"),
            ("origin", "https://chat.ajuntament.cat"),
        ]);
        assert!(!allowed(&h, proxy, &config));
        config.trusted_proxies.push(proxy);
        assert!(allowed(&h, proxy, &config));
    }
}
