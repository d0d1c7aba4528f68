//! Noticing changes made by other processes: the admin CLI working on the same database while
//! the server runs (and, later, other nodes).
//!
//! Every `interval`, the task compares the store's membership version with the last one it
//! saw and, when it moved, reloads the channels whose members changed since (each channel
//! keeps the version of its last change), not every membership; it also ends, in memory and
//! on this node's sockets, sessions that were revoked elsewhere (a deactivation from the CLI).
//! Changes this node makes itself are already applied; the reload is then merely redundant,
//! and it is skipped when one of them lands while the store is being read (it could undo it).

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::task::JoinHandle;

use crate::context::Context;
use crate::ids;

/// Starts the sync task; it stops when `ctx` is the last reference left.
pub fn start(ctx: &Arc<Context>, interval: Duration) -> JoinHandle<()> {
    let weak = Arc::downgrade(ctx);
    tokio::spawn(async move {
        let mut version = None;
        let mut since = OffsetDateTime::now_utc();
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(ctx) = weak.upgrade() else { return };
            let checked_at = OffsetDateTime::now_utc();
            match (ctx.store.membership_version().await, version) {
                (Ok(current), None) => version = Some(current),
                (Ok(current), Some(last)) if last != current => {
                    // Counted before reading, so that a change this node applies meanwhile
                    // makes the read stale: it is then read again at the next tick. A change
                    // committed after `current` was read is read now or at the next tick.
                    let seen = ctx.memberships.changes();
                    match ctx.store.channel_members_changed_since(last).await {
                        Ok(channels) => {
                            if ctx.memberships.insert_all_if_unchanged(channels, seen) {
                                version = Some(current);
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "membership reload failed"),
                    }
                }
                (Ok(_), Some(_)) => {}
                (Err(e), _) => tracing::warn!(error = %e, "membership version check failed"),
            }
            // A little overlap so a revocation committed during the last check is not missed.
            let from = ids::format_time(since - time::Duration::seconds(5));
            match ctx.store.sessions_revoked_since(&from).await {
                Ok(revoked) => {
                    let fresh: Vec<String> = revoked
                        .into_iter()
                        .filter(|id| !ctx.auth.is_revoked(id))
                        .collect();
                    ctx.auth.end_local_sessions(&fresh);
                    since = checked_at;
                }
                Err(e) => tracing::warn!(error = %e, "revocation check failed"),
            }
        }
    })
}
