//! A run's result: JSON for machines, one Markdown table row for `docs/benchmarks.md`.

use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::server::ServerInfo;

#[derive(Debug, Serialize)]
pub struct Report {
    pub scenario: &'static str,
    pub parameters: Value,
    /// Measured figures, in the order the Markdown line shows them.
    pub results: Map<String, Value>,
    /// Correctness failures (lost, duplicated or reordered messages, ...): any makes the run
    /// fail.
    pub failures: Vec<String>,
    pub server: ServerInfo,
}

impl Report {
    pub fn new(scenario: &'static str, parameters: Value) -> Report {
        Report {
            scenario,
            parameters,
            results: Map::new(),
            failures: Vec::new(),
            server: ServerInfo::default(),
        }
    }

    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.results.insert(key.to_owned(), value.into());
    }

    pub fn fail(&mut self, failure: String) {
        self.failures.push(failure);
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// `| scenario | parameters | key=value ... | ok/FAILED |`
    pub fn markdown_line(&self) -> String {
        let parameters = match &self.parameters {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| format!("{k}={}", plain(v)))
                .collect::<Vec<_>>()
                .join(" "),
            other => plain(other),
        };
        let results = self
            .results
            .iter()
            .map(|(k, v)| format!("{k}={}", plain(v)))
            .collect::<Vec<_>>()
            .join(" ");
        let verdict = if self.failures.is_empty() {
            "ok".to_owned()
        } else {
            format!("FAILED ({})", self.failures.len())
        };
        format!(
            "| {} | {parameters} | {results} | {verdict} |",
            self.scenario
        )
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.2}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// A latency histogram in microseconds, 1 µs .. 60 s, 3 significant digits.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// p50/p95/p99/max of a histogram in milliseconds.
pub fn latency_summary(histogram: &Histogram<u64>) -> Value {
    let ms = |us: u64| (us as f64 / 1000.0 * 1000.0).round() / 1000.0;
    serde_json::json!({
        "count": histogram.len(),
        "p50_ms": ms(histogram.value_at_quantile(0.50)),
        "p95_ms": ms(histogram.value_at_quantile(0.95)),
        "p99_ms": ms(histogram.value_at_quantile(0.99)),
        "max_ms": ms(histogram.max()),
    })
}

pub fn mib(bytes: u64) -> f64 {
    (bytes as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0
}
