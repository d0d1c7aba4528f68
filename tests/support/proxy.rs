//! A TCP proxy a test can cut and restore, to take a database or the bus away from a node
//! exactly as a network failure or a restarted server would, without touching the real
//! service other tests share.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, Notify};
use tokio::task::JoinSet;

pub struct Proxy {
    pub addr: SocketAddr,
    open: Arc<AtomicBool>,
    stalled: Arc<AtomicBool>,
    stall: Arc<Notify>,
    connections: Arc<Mutex<JoinSet<()>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards every connection to `target`.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let open = Arc::new(AtomicBool::new(true));
        let stalled = Arc::new(AtomicBool::new(false));
        let stall = Arc::new(Notify::new());
        let connections = Arc::new(Mutex::new(JoinSet::new()));
        let accept = tokio::spawn({
            let open = open.clone();
            let stalled = stalled.clone();
            let stall = stall.clone();
            let connections = connections.clone();
            async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if !open.load(Ordering::SeqCst) {
                        drop(inbound);
                        continue;
                    }
                    let stalled = stalled.clone();
                    let stall = stall.clone();
                    connections.lock().await.spawn(async move {
                        let stalling = stall.notified();
                        if stalled.load(Ordering::SeqCst) {
                            // Held open, never answered.
                            let _inbound = inbound;
                            return std::future::pending().await;
                        }
                        if let Ok(mut outbound) = TcpStream::connect(target).await {
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                                _ = stalling => std::future::pending().await,
                            }
                        }
                    });
                }
            }
        });
        Proxy {
            addr,
            open,
            stalled,
            stall,
            connections,
            accept,
        }
    }

    /// Drops every live connection and refuses new ones until [`Proxy::restore`].
    pub async fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.connections.lock().await.abort_all();
    }

    /// Keeps every connection open but forwards nothing more, and holds new ones the same
    /// way: a database that hangs (a host gone from the network) rather than one that refuses.
    pub fn stall(&self) {
        self.stalled.store(true, Ordering::SeqCst);
        self.stall.notify_waiters();
    }

    pub fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}
