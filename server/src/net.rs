//! The HTTP listener: accepting connections, and the defences of a server on the open network.
//!
//! axum's own `serve` accepts every connection and keeps it for as long as the client likes.
//! 19,985 connections that sent nothing once took every descriptor of the process: `/healthz`
//! stopped answering, and a slowloris client (a request head sent a byte every few seconds)
//! was never closed. So this module runs the accept loop itself, with hyper underneath:
//!
//! - **`TCP_NODELAY`** on every connection. Frames and API answers are small and often written
//!   one right after another; with Nagle's algorithm on, the second small segment waits until
//!   the first is acknowledged, and the client delays that acknowledgement by up to 40 ms (a
//!   p50 of 1 ms with a p95 of 40 ms at a low rate).
//! - **A header-read timeout** (`http.header_read_timeout_ms`): a request head must be complete
//!   within it, counted from when the connection opens or finishes its previous answer, so it
//!   also closes idle keep-alive connections. Request bodies have a timeout between two pieces
//!   (`http.body_read_timeout_ms`, applied in the router).
//! - **A cap on unauthenticated connections per client address**
//!   (`http.max_unauthenticated_per_ip`): a connection counts from its accept until a request
//!   on it carries a valid token (a bearer token, or a bot's in a Bot API path), or its
//!   WebSocket authenticates. One address cannot hold more
//!   than the cap in that state; the next ones are closed as soon as they are accepted. The
//!   addresses of `trusted_proxies` are exempt (every user arrives through them; the proxy
//!   must limit by the real address itself).
//! - **Back-off on accept errors**: when the process runs out of descriptors anyway, the loop
//!   waits (10 ms, doubling to 1 s) instead of spinning, and logs once per second at most.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use crate::config::HttpSettings;

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, lets every
/// connection finish its request in flight, and returns once they are all closed (upgraded
/// WebSockets are not waited for: the hub closes those).
pub async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    router: Router,
    settings: &HttpSettings,
    trusted_proxies: &[IpAddr],
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let gate = Arc::new(ConnectionGate::new(
        settings.max_unauthenticated_per_ip,
        trusted_proxies.to_vec(),
    ));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_millis(settings.header_read_timeout_ms));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut accepting = AcceptErrors::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => {
                    accepting.recovered();
                    accepted
                }
                Err(e) => {
                    accepting.failed(&e).await;
                    continue;
                }
            },
        };
        let Some(ticket) = gate.admit(peer.ip()) else {
            // Dropping the stream closes it: no answer costs less than one.
            continue;
        };
        set_nodelay(&stream);
        let service =
            router
                .clone()
                .map_request(move |mut request: axum::extract::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request.extensions_mut().insert(ticket.clone());
                    request.map(axum::body::Body::new)
                });
        let service = TowerToHyperService::new(service);
        let stop = stop_rx.clone();
        let http = http.clone();
        match tls.clone() {
            None => {
                tokio::spawn(serve_connection(http, stream, service, stop, peer));
            }
            Some(tls) => {
                // The handshake is part of the head: it gets the same time.
                let handshake_timeout = Duration::from_millis(settings.header_read_timeout_ms);
                tokio::spawn(async move {
                    match tokio::time::timeout(handshake_timeout, tls.accept(stream)).await {
                        Ok(Ok(stream)) => serve_connection(http, stream, service, stop, peer).await,
                        Ok(Err(e)) => tracing::debug!(error = %e, %peer, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(stop_rx);
    // Each connection task holds a receiver until it is done.
    stop_tx.closed().await;
}

/// Serves one connection (plain or TLS) until it closes, or, once `stop` turns true, until its
/// request in flight is answered.
async fn serve_connection<I, S>(
    http: hyper::server::conn::http1::Builder,
    io: I,
    service: S,
    mut stop: watch::Receiver<bool>,
    peer: SocketAddr,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    S: hyper::service::Service<
            hyper::Request<Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Send
        + 'static,
    S::Future: Send + 'static,
{
    let connection = http
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            return;
        }
        _ = stop.wait_for(|stop| *stop) => {}
    }
    connection.as_mut().graceful_shutdown();
    if let Err(e) = connection.await {
        tracing::debug!(error = %e, %peer, "connection ended with an error");
    }
}

fn set_nodelay(stream: &TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::warn!(error = %e, "could not set TCP_NODELAY on an accepted connection");
    }
}

/// Counts each client address's unauthenticated connections.
struct ConnectionGate {
    max_per_ip: usize,
    exempt: Vec<IpAddr>,
    pending: Mutex<HashMap<IpAddr, usize>>,
}

impl ConnectionGate {
    fn new(max_per_ip: usize, exempt: Vec<IpAddr>) -> ConnectionGate {
        ConnectionGate {
            max_per_ip,
            exempt,
            pending: Mutex::default(),
        }
    }

    /// The ticket of a new connection from `ip`, or `None` when that address already holds
    /// the most unauthenticated connections it may.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Unauthenticated> {
        let counted = !self.exempt.contains(&ip);
        if counted {
            let mut pending = self.lock();
            let count = pending.entry(ip).or_insert(0);
            if *count >= self.max_per_ip {
                return None;
            }
            *count += 1;
        }
        Some(Unauthenticated(Arc::new(Ticket {
            gate: self.clone(),
            ip,
            counted: AtomicBool::new(counted),
        })))
    }

    fn release(&self, ip: IpAddr) {
        let mut pending = self.lock();
        if let Some(count) = pending.get_mut(&ip) {
            *count -= 1;
            if *count == 0 {
                pending.remove(&ip);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A connection not yet known to be someone's, in every request's extensions. It stops
/// counting against its address when [`Unauthenticated::authenticated`] is called, or when the
/// connection (and every copy of the ticket) is gone.
#[derive(Clone)]
pub struct Unauthenticated(Arc<Ticket>);

struct Ticket {
    gate: Arc<ConnectionGate>,
    ip: IpAddr,
    counted: AtomicBool,
}

impl Unauthenticated {
    /// The connection carried a valid token: it no longer counts against its address.
    pub fn authenticated(&self) {
        if self.0.counted.swap(false, Ordering::AcqRel) {
            self.0.gate.release(self.0.ip);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if *self.counted.get_mut() {
            self.gate.release(self.ip);
        }
    }
}

/// Failed accepts in a row, for the back-off and the log.
#[derive(Default)]
struct AcceptErrors {
    in_a_row: u32,
    /// When the last error was logged: once per second at most.
    logged_at: Option<Instant>,
    since_log: u64,
}

impl AcceptErrors {
    fn recovered(&mut self) {
        if self.in_a_row > 0 {
            tracing::info!(
                failures = self.in_a_row,
                "accepting connections again after errors"
            );
        }
        self.in_a_row = 0;
    }

    async fn failed(&mut self, e: &std::io::Error) {
        // A client that gave up before its connection was accepted is not our problem.
        if matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
        ) {
            return;
        }
        self.in_a_row += 1;
        self.since_log += 1;
        if self
            .logged_at
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(1))
        {
            tracing::error!(
                error = %e,
                failures = self.since_log,
                "cannot accept connections (out of file descriptors?); backing off"
            );
            self.logged_at = Some(Instant::now());
            self.since_log = 0;
        }
        let backoff_ms = 10u64 << self.in_a_row.min(7);
        tokio::time::sleep(Duration::from_millis(backoff_ms.min(1_000))).await;
    }
}

/// The timeouts and the per-address cap are shown end to end in `tests/e2e/connections.rs`.
#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    fn settings(max_per_ip: usize, header_ms: u64) -> HttpSettings {
        HttpSettings {
            header_read_timeout_ms: header_ms,
            body_read_timeout_ms: 30_000,
            max_unauthenticated_per_ip: max_per_ip,
        }
    }

    async fn start(settings: HttpSettings) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = Router::new().route("/", axum::routing::get(|| async { "hi" }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            serve(listener, None, router, &settings, &[], async {
                let _ = stopped.await;
            })
            .await;
        });
        (addr, stop)
    }

    #[tokio::test]
    async fn accepted_connections_have_nodelay_and_are_served() {
        let (addr, _stop) = start(settings(4, 5_000)).await;
        let mut client = TcpStream::connect(addr).await.expect("connect");
        client
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut answer = String::new();
        client.read_to_string(&mut answer).await.expect("read");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("hi"), "{answer}");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let connecting = tokio::spawn(TcpStream::connect(addr));
        let (accepted, _) = listener.accept().await.expect("accept");
        set_nodelay(&accepted);
        assert!(accepted.nodelay().expect("read the option"));
        connecting.await.expect("join").expect("connect");
    }

    #[test]
    fn an_authenticated_connection_stops_counting_and_exempt_addresses_never_count() {
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let client: IpAddr = "10.0.0.2".parse().expect("ip");
        let gate = Arc::new(ConnectionGate::new(1, vec![proxy]));
        let first = gate.admit(client).expect("first");
        assert!(gate.admit(client).is_none(), "over the cap");
        first.authenticated();
        let second = gate.admit(client).expect("the slot is free");
        first.authenticated();
        assert!(
            gate.admit(client).is_none(),
            "authenticating twice frees one slot"
        );
        drop(second);
        assert!(
            gate.admit(client).is_some(),
            "a closed connection frees its slot"
        );
        let through_proxy: Vec<_> = (0..10).filter_map(|_| gate.admit(proxy)).collect();
        assert_eq!(through_proxy.len(), 10);
    }
}
