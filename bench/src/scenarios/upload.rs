//! `upload`: many large uploads at once. Reports throughput and the server's memory, which
//! must stay bounded however many uploads are in flight (they are streamed to disk), and
//! checks that every upload was stored whole (size and SHA-256 as sent).

use std::time::Instant;

use clap::Args;
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::report::{Report, latency_histogram, latency_summary, mib};
use crate::server::{ProcSample, Sampler, Target};
use crate::setup::Admin;

#[derive(Debug, Clone, Args)]
pub struct Options {
    /// Uploads in flight at once.
    #[arg(long, default_value_t = 100)]
    pub concurrency: usize,
    /// Size of each file, in MiB.
    #[arg(long, default_value_t = 5)]
    pub size_mib: usize,
    /// How many files in all.
    #[arg(long, default_value_t = 200)]
    pub files: usize,
}

const BOUNDARY: &str = "xerrada-bench-upload-boundary";

pub async fn run(target: &Target, options: Options) -> Result<Report, String> {
    let mut report = Report::new(
        "upload",
        json!({"concurrency": options.concurrency, "size_mib": options.size_mib, "files": options.files}),
    );
    let admin = Admin::login(target).await?;
    let user = admin
        .create_users(target, 1)
        .await?
        .pop()
        .ok_or("no user")?;
    // Bytes that do not compress and are not an image: a document as far as the server knows.
    let mut content = Vec::with_capacity(options.size_mib << 20);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    while content.len() < options.size_mib << 20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        content.extend_from_slice(&state.to_le_bytes());
    }
    content.truncate(options.size_mib << 20);
    let expected: String = Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"informe.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let body = bytes::Bytes::from(body);

    let idle_rss = target
        .current_pid()
        .and_then(ProcSample::read)
        .map(|s| s.rss_bytes);
    let sampler = Sampler::start(target);
    let started = Instant::now();
    let answers: Vec<Result<(Value, u64), String>> = stream::iter(0..options.files)
        .map(|_| {
            let body = body.clone();
            let token = user.token.clone();
            async move {
                let sent = Instant::now();
                let response = target
                    .http
                    .post(target.url("/api/v1/files"))
                    .bearer_auth(&token)
                    .header(
                        "content-type",
                        format!("multipart/form-data; boundary={BOUNDARY}"),
                    )
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                let answer: Value = response.json().await.map_err(|e| e.to_string())?;
                if status.as_u16() != 201 {
                    return Err(format!("upload answered {status}: {answer}"));
                }
                Ok((answer, sent.elapsed().as_micros() as u64))
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    let (peak_rss, cpu) = sampler.finish();

    let mut latency = latency_histogram();
    let mut stored = 0;
    for answer in answers {
        match answer {
            Ok((file, micros)) => {
                let _ = latency.record(micros.max(1));
                if file["sha256"] == expected.as_str() && file["size"] == content.len() as u64 {
                    stored += 1;
                } else {
                    report.fail(format!("a file came back as {file}"));
                }
            }
            Err(e) => report.fail(e),
        }
    }
    let megabytes = (stored * options.size_mib) as f64;
    report.set("stored", stored as u64);
    report.set("mib_per_s", (megabytes / elapsed * 10.0).round() / 10.0);
    report.set("upload_latency", latency_summary(&latency));
    if let Some(idle) = idle_rss {
        report.set("rss_idle_mib", mib(idle));
    }
    if let Some(peak) = peak_rss {
        report.set("rss_peak_mib", mib(peak));
    }
    if let Some(cpu) = cpu {
        report.set("server_cpu_pct", cpu.round());
    }
    Ok(report)
}
