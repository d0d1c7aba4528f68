//! The address a request really comes from, for per-address limits.
//!
//! Behind a reverse proxy every request arrives from the proxy, so a limit per TCP peer would
//! lump every user together. `X-Forwarded-For` is believed only when the peer is one of
//! `trusted_proxies`, and then only up to the first hop that is not trusted: anything to the
//! left of it was written by the client and could be anything.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::context::Context;
use crate::http_error::HttpError;

/// The client's address: the TCP peer, or what trusted proxies say it is.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<Arc<Context>> for ClientAddr {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        ctx: &Arc<Context>,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        Ok(ClientAddr(client_ip(
            peer,
            &parts.headers,
            &ctx.config.trusted_proxies,
        )))
    }
}

/// Walks `X-Forwarded-For` from the right while the hop is a trusted proxy; the first hop that
/// is not is the client. A hop that does not parse ends the walk at the last trusted one.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    if !trusted_proxies.contains(&peer) {
        return client;
    }
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted_proxies.contains(&ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().expect("header"));
        }
        headers
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(
            client_ip(ip("198.51.100.1"), &headers, &[]),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_hops_are_ignored() {
        let proxy = ip("127.0.0.1");
        let headers = forwarded(&["6.6.6.6, 203.0.113.9"]);
        assert_eq!(client_ip(proxy, &headers, &[proxy]), ip("203.0.113.9"));
        let chained = forwarded(&["6.6.6.6", "203.0.113.9, 192.0.2.10"]);
        let inner = ip("192.0.2.10");
        assert_eq!(
            client_ip(proxy, &chained, &[proxy, inner]),
            ip("203.0.113.9")
        );
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
        assert_eq!(client_ip(proxy, &forwarded(&["junk"]), &[proxy]), proxy);
    }
}
