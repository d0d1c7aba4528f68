//! What `/metrics` reports, in the Prometheus text format.
//!
//! Two kinds of numbers. Events are counted where they happen, in the metric handles of
//! [`Metrics`] (cheap clones of shared atomics): posts committed, group commits and their
//! sizes, send→ack times, HTTP requests, failed logins. State is read at scrape time
//! ([`StateCollector`]): open sockets, people online, bytes waiting in outboxes, the hub's
//! counters, the bus. A scrape builds a registry over both and encodes it.
//!
//! No label carries a user or channel id: HTTP requests are labelled with the route's
//! template (`/api/v1/channels/{id}/messages`), never the path asked for.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::hub::Hub;

/// The labels of an HTTP request.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// The route's template, or `unmatched`.
    pub route: String,
    pub method: String,
    pub status: u16,
}

/// The counted events (see the module docs).
#[derive(Debug, Clone)]
pub struct Metrics {
    pub messages_posted: Counter,
    pub commits: Counter,
    pub commit_failures: Counter,
    pub commit_size: Histogram,
    pub commit_seconds: Histogram,
    pub send_ack_seconds: Histogram,
    pub http_requests: Family<HttpLabels, Counter>,
    pub failed_logins: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            messages_posted: Counter::default(),
            commits: Counter::default(),
            commit_failures: Counter::default(),
            // 1 to 4,096 operations per batch.
            commit_size: Histogram::new(exponential_buckets(1.0, 2.0, 13)),
            // 0.1 ms to about 3 s.
            commit_seconds: Histogram::new(exponential_buckets(0.000_1, 2.0, 16)),
            send_ack_seconds: Histogram::new(exponential_buckets(0.000_1, 2.0, 16)),
            http_requests: Family::default(),
            failed_logins: Counter::default(),
        }
    }
}

impl Metrics {
    /// Everything, in the Prometheus text format (version 0.0.4).
    pub fn render(&self, hub: &Arc<Hub>) -> Result<String, std::fmt::Error> {
        let mut registry = Registry::with_prefix("xerrada");
        registry.register(
            "messages_posted",
            "Messages committed (posts, webhook and bot messages)",
            self.messages_posted.clone(),
        );
        registry.register(
            "group_commits",
            "Transactions of the writer (each a batch of operations)",
            self.commits.clone(),
        );
        registry.register(
            "group_commit_failures",
            "Batches whose transaction failed (nothing in them was acknowledged)",
            self.commit_failures.clone(),
        );
        registry.register(
            "group_commit_operations",
            "Operations per committed batch",
            self.commit_size.clone(),
        );
        registry.register_with_unit(
            "group_commit_duration",
            "Time to commit one batch",
            Unit::Seconds,
            self.commit_seconds.clone(),
        );
        registry.register_with_unit(
            "send_ack_duration",
            "From a write reaching the writer's queue to its answer (ack) being sent",
            Unit::Seconds,
            self.send_ack_seconds.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            self.http_requests.clone(),
        );
        registry.register(
            "failed_logins",
            "Password logins refused (wrong username or password, or inactive account)",
            self.failed_logins.clone(),
        );
        registry.register_collector(Box::new(StateCollector { hub: hub.clone() }));
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &registry)?;
        Ok(text)
    }
}

/// The state read at scrape time.
struct StateCollector {
    hub: Arc<Hub>,
}

// The registry wants its collectors printable; the hub has nothing worth printing.
impl std::fmt::Debug for StateCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StateCollector")
    }
}

impl Collector for StateCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let census = self.hub.census();
        let stats = self.hub.stats();
        let gauges: [(&str, &str, i64); 4] = [
            (
                "sockets_open",
                "Authenticated WebSockets open on this node",
                census.sockets as i64,
            ),
            (
                "people_online",
                "People with a socket open on this node or another",
                census.people_online as i64,
            ),
            (
                "outbox_bytes",
                "Bytes waiting in this node's socket queues",
                census.outbox_bytes as i64,
            ),
            (
                "bus_up",
                "1 while the bus between nodes is connected, 0 when not, -1 on a single node",
                match self.hub.link().bus_connected() {
                    None => -1,
                    Some(true) => 1,
                    Some(false) => 0,
                },
            ),
        ];
        for (name, help, value) in gauges {
            let gauge = ConstGauge::new(value);
            let metric = encoder.encode_descriptor(name, help, None, gauge.metric_type())?;
            gauge.encode(metric)?;
        }
        let counters: [(&str, &str, u64); 2] = [
            (
                "deliveries",
                "Frames handed to sockets on this node",
                stats.deliveries.load(Ordering::Relaxed),
            ),
            (
                "slow_consumer_closes",
                "Sockets closed with 4008 for not reading fast enough",
                stats.slow_closes.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, value) in counters {
            let counter = ConstCounter::new(value);
            let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
            counter.encode(metric)?;
        }
        let (unavailable, internal) = crate::store::error_counts::read();
        let mut family = encoder.encode_descriptor(
            "store_errors",
            "Database errors: unavailable (unreachable, busy past its timeout) or internal",
            None,
            prometheus_client::metrics::MetricType::Counter,
        )?;
        for (kind, value) in [("unavailable", unavailable), ("internal", internal)] {
            let labels = [("kind", kind)];
            ConstCounter::new(value).encode(family.encode_family(&labels)?)?;
        }
        let mut info = encoder.encode_descriptor(
            "build_info",
            "Always 1; the labels say which build answers",
            None,
            prometheus_client::metrics::MetricType::Gauge,
        )?;
        let labels = [("version", env!("CARGO_PKG_VERSION"))];
        ConstGauge::new(1i64).encode(info.encode_family(&labels)?)?;
        Ok(())
    }
}
