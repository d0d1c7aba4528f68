//! The scenarios: each sets up what it needs, runs within its time bound, and checks what it
//! can check exactly.

pub mod burst;
pub mod connections;
pub mod fanout;
pub mod search;
pub mod upload;

use std::time::Instant;

use futures_util::{StreamExt, stream};

use crate::ClientArgs;
use crate::client::{self, Ws};
use crate::server::Target;
use crate::setup::BenchUser;

/// Opens one socket per `(user index)` in `assignments`, `clients.connect_concurrency` at a
/// time, spreading them over the source addresses. Returns the sockets in the same order and
/// how long it took until the last one was `ready`.
pub async fn open_sockets(
    target: &Target,
    users: &[BenchUser],
    assignments: &[usize],
    clients: &ClientArgs,
) -> Result<(Vec<Ws>, std::time::Duration), String> {
    let started = Instant::now();
    let sockets: Vec<Result<Ws, String>> = stream::iter(assignments.iter().enumerate())
        .map(|(n, user)| {
            let token = users[*user].token.clone();
            let source = client::source_for(n, clients.sources);
            let addr = target.ws_addrs[n % target.ws_addrs.len()];
            async move {
                // A refused connection (the server's accept queue overflowing) is retried.
                let mut last = String::new();
                for attempt in 0..5u64 {
                    match client::connect(addr, source, &token).await {
                        Ok(ws) => return Ok(ws),
                        Err(e) => last = e,
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100 * (attempt + 1))).await;
                }
                Err(last)
            }
        })
        .buffered(clients.connect_concurrency.max(1))
        .collect()
        .await;
    let elapsed = started.elapsed();
    let sockets = sockets.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok((sockets, elapsed))
}
