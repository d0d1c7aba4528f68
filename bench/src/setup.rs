//! Creating the users and channels a scenario needs, fast.
//!
//! Users are bot accounts (`POST /api/v1/bots`, admin only): a bot's token authenticates a
//! socket directly, so no password is hashed and no login is needed for thousands of users.
//! This is the documented bulk path; everything goes through the public REST API, so it works
//! against any node. Names carry a run id, so runs can share a server.

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

use crate::server::Target;

/// Requests in flight while setting up.
const SETUP_CONCURRENCY: usize = 32;

/// A user of the run: its id and the token its sockets authenticate with.
#[derive(Debug, Clone)]
pub struct BenchUser {
    pub id: String,
    pub token: String,
}

pub struct Admin {
    token: String,
    run_id: String,
}

impl Admin {
    pub async fn login(target: &Target) -> Result<Admin, String> {
        let response = target
            .http
            .post(target.url("/api/v1/auth/login"))
            .json(&json!({"username": "admin", "password": target.admin_password}))
            .send()
            .await
            .map_err(|e| format!("login: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("admin login refused: {}", response.status()));
        }
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        let token = body["access_token"]
            .as_str()
            .ok_or("no access_token")?
            .to_owned();
        let run_id = format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() % 0xff_ffff)
                .unwrap_or(0)
        );
        Ok(Admin { token, run_id })
    }

    /// The admin's access token (valid for the scenario's short life).
    pub fn token(&self) -> &str {
        &self.token
    }

    async fn call(
        &self,
        target: &Target,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut attempt = 0;
        loop {
            let mut request = target
                .http
                .request(method.clone(), target.url(path))
                .bearer_auth(&self.token);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let outcome = request.send().await;
            match outcome {
                Ok(response) if response.status().is_success() => {
                    let text = response.text().await.map_err(|e| e.to_string())?;
                    return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
                }
                // A busy server may refuse for a moment: retry a few times.
                Ok(response) if response.status().as_u16() == 503 && attempt < 5 => {}
                Ok(response) => {
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    return Err(format!("{method} {path}: {status} {text}"));
                }
                Err(e) if attempt < 5 => {
                    eprintln!("{method} {path}: {e}; retrying");
                }
                Err(e) => return Err(format!("{method} {path}: {e}")),
            }
            attempt += 1;
            tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
        }
    }

    /// Creates `count` bot users.
    pub async fn create_users(
        &self,
        target: &Target,
        count: usize,
    ) -> Result<Vec<BenchUser>, String> {
        let started = Instant::now();
        let results: Vec<Result<BenchUser, String>> = stream::iter(0..count)
            .map(|n| async move {
                let created = self
                    .call(
                        target,
                        reqwest::Method::POST,
                        "/api/v1/bots",
                        Some(json!({
                            "username": format!("b{}-{n}", self.run_id),
                            "display_name": format!("Bench {n}"),
                        })),
                    )
                    .await?;
                Ok(BenchUser {
                    id: created["bot"]["id"].as_str().ok_or("no bot id")?.to_owned(),
                    token: created["token"].as_str().ok_or("no token")?.to_owned(),
                })
            })
            .buffered(SETUP_CONCURRENCY)
            .collect()
            .await;
        let users = results.into_iter().collect::<Result<Vec<_>, _>>()?;
        eprintln!(
            "created {count} users in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(users)
    }

    /// Creates a private channel holding `members` (the admin is its owner and a member too,
    /// but never connects).
    pub async fn create_channel(
        &self,
        target: &Target,
        name: &str,
        members: &[BenchUser],
    ) -> Result<String, String> {
        let created = self
            .call(
                target,
                reqwest::Method::POST,
                "/api/v1/channels",
                Some(json!({"name": format!("{name}-{}", self.run_id), "kind": "private"})),
            )
            .await?;
        let channel_id = created["id"].as_str().ok_or("no channel id")?.to_owned();
        let added: Vec<Result<Value, String>> = stream::iter(members)
            .map(|member| {
                let path = format!("/api/v1/channels/{channel_id}/members/{}", member.id);
                async move { self.call(target, reqwest::Method::PUT, &path, None).await }
            })
            .buffer_unordered(SETUP_CONCURRENCY)
            .collect()
            .await;
        for result in added {
            result?;
        }
        Ok(channel_id)
    }

    /// The channel's current last `seq` (where live delivery starts for the bench).
    pub async fn channel_head(&self, target: &Target, channel_id: &str) -> Result<i64, String> {
        let channel = self
            .call(
                target,
                reqwest::Method::GET,
                &format!("/api/v1/channels/{channel_id}"),
                None,
            )
            .await?;
        channel["last_seq"]
            .as_i64()
            .ok_or_else(|| "no last_seq".into())
    }
}
