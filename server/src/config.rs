//! Configuration: one typed struct, filled in layers.
//!
//! Precedence is flag > `XERRADA_*` environment variable > `xerrada.toml` > default. clap
//! resolves the first two (each flag has an env name); the file and defaults fill the rest.
//! Tuning knobs that operators rarely touch live only in the file (`[limits]`, `[auth]`,
//! `[realtime]` tables) and in [`Config`] for tests.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use xerrada_protocol::limits;

use crate::texts::Lang;

/// Everything the server needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; `None` means `xerrada.db` in the data dir.
    pub database_url: Option<String>,
    /// `nats://...`: run as one of several nodes sharing the database, with NATS carrying
    /// live events between them. `None`: a single node with its in-process hub.
    pub nats_url: Option<String>,
    /// Logs as JSON lines instead of human text.
    pub log_json: bool,
    /// Password of the `admin` account created on first start; random and printed if unset.
    pub admin_password: Option<String>,
    /// Browser origins allowed to open WebSockets besides the server's own.
    pub allowed_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-Proto`/`X-Forwarded-Host` are believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// The address users and integrations reach this server at (for `response_url`s);
    /// default `http://<bind address>`.
    pub public_url: Option<String>,
    /// The installation's language: what a whole channel reads (ticket cards), and what
    /// people whose language is not known yet are told. `ca`, `es` or `en`.
    pub default_lang: Lang,
    pub limits: Limits,
    pub auth: AuthSettings,
    pub realtime: RealtimeSettings,
    pub integrations: IntegrationSettings,
    pub support: SupportSettings,
    pub files: FileSettings,
    pub metrics: MetricsSettings,
    pub backup: BackupSettings,
    pub rate_limits: crate::rate_limits::RateLimitSettings,
    pub http: HttpSettings,
    /// HTTPS on the listener itself (installs without a reverse proxy); `None`: plain HTTP.
    pub tls: Option<TlsSettings>,
}

/// `[tls]`: the listener's certificate chain and private key, PEM files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSettings {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The HTTP listener's defences against connections that hold descriptors without making
/// requests (see `net.rs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// A connection must deliver a whole request head within this time of opening, and of its
    /// previous answer (so this is also how long an idle keep-alive connection is kept). Not
    /// shorter: a client reusing a pooled connection just as the server closes it sees an
    /// error, and clients keep idle connections for a minute or more.
    pub header_read_timeout_ms: u64,
    /// Most time between two pieces of a request body: a body trickled slower fails and its
    /// connection is closed.
    pub body_read_timeout_ms: u64,
    /// Connections one client address may hold open before any of them has authenticated;
    /// more are closed as soon as they are accepted. An office behind one NAT address opens
    /// many at once after a restart; one address alone still cannot take the 20,000 or so
    /// descriptors of the process. Addresses in `trusted_proxies` are
    /// exempt: behind a reverse proxy, the proxy must apply its own.
    pub max_unauthenticated_per_ip: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            header_read_timeout_ms: 30_000,
            body_read_timeout_ms: 30_000,
            max_unauthenticated_per_ip: 1024,
        }
    }
}

/// Backups the server takes by itself (`xerrada backup` on a schedule), single node only.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    /// Where archives go; `None`: no scheduled backups.
    pub dir: Option<PathBuf>,
    /// Hours between two backups (fractions allowed); the first is taken one period after
    /// start.
    pub every_hours: f64,
    /// Archives kept in `dir`; older ones are removed after each backup.
    pub keep: usize,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            dir: None,
            every_hours: 24.0,
            keep: 7,
        }
    }
}

/// `/metrics`, for Prometheus. Not public: served only with a token, which every scrape must
/// send as `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// At least 16 characters; `None`: `/metrics` answers 404.
    pub token: Option<String>,
}

/// Uploaded files.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileSettings {
    /// The largest upload, in bytes (413 above).
    pub max_bytes: u64,
    /// Where the bytes are kept; default `files` in the data dir. With several nodes, every
    /// node must see the same folder (a shared mount), as they share the database.
    pub dir: Option<PathBuf>,
    /// How long a file no message references (never posted, or its message deleted) is kept
    /// before it is removed.
    pub unreferenced_grace_secs: u64,
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            max_bytes: 100 * 1024 * 1024,
            dir: None,
            unreferenced_grace_secs: 24 * 3600,
        }
    }
}

/// The support desk (the defaults: an admin's change in the admin area is stored and wins).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportSettings {
    /// Slug of the department whose channel is the support team's (its members are the team).
    pub department: String,
    /// Ticket categories; the last one is the default.
    pub categories: Vec<String>,
    /// The team's working hours, `08:00-15:00`; none: always in.
    pub hours: Option<String>,
    /// The days the team works (`mon` … `sun`).
    pub days: Vec<String>,
    /// The IANA zone of `hours`.
    pub timezone: String,
    /// Working minutes a ticket may wait for a first answer before the team is reminded in its
    /// channel; 0: never.
    pub escalate_after_minutes: u32,
}

impl Default for SupportSettings {
    fn default() -> Self {
        SupportSettings {
            department: "tic".into(),
            categories: [
                "maquinari",
                "programari",
                "xarxa/VPN",
                "accessos",
                "telefonia",
                "altres",
            ]
            .map(String::from)
            .to_vec(),
            hours: None,
            days: ["mon", "tue", "wed", "thu", "fri"]
                .map(String::from)
                .to_vec(),
            timezone: "Europe/Madrid".into(),
            escalate_after_minutes: 0,
        }
    }
}

/// Outbound calls of integrations (slash commands, Telegram webhooks), over HTTP or HTTPS.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntegrationSettings {
    /// Hosts (`host` or `host:port`) slash commands may call. Empty: no outbound call at all.
    pub outbound_allowlist: Vec<String>,
    /// How long an external command has to answer.
    pub command_timeout_ms: u64,
    /// A PEM file of CA certificates trusted for `https://` calls besides the system's (a
    /// council's internal CA).
    pub ca_bundle: Option<PathBuf>,
}

impl Default for IntegrationSettings {
    fn default() -> Self {
        IntegrationSettings {
            outbound_allowlist: Vec::new(),
            command_timeout_ms: 3_000,
            ca_bundle: None,
        }
    }
}

/// Size limits of requests and frames.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_ws_frame_bytes: usize,
    pub max_http_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: limits::MAX_BODY_BYTES,
            max_ws_frame_bytes: limits::MAX_WS_FRAME_BYTES,
            max_http_body_bytes: limits::MAX_HTTP_BODY_BYTES,
        }
    }
}

/// Token lifetimes and login pacing.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Access token lifetime; the contract caps it at 15 minutes.
    pub access_ttl_secs: u64,
    /// How long a session can be kept alive by refreshing.
    pub session_ttl_days: u64,
    /// Time a new socket has to send `auth`.
    pub auth_timeout_ms: u64,
    /// Concurrent password hashes (each takes 19 MiB and a core).
    pub max_concurrent_hashes: usize,
    /// Failed logins allowed per username per window before `rate_limited`.
    pub max_failed_logins: u32,
    /// Failed logins allowed from one client address per window, over all usernames.
    pub max_failed_logins_per_ip: u32,
    /// Logins from one client address that may wait for the password hasher at once; more
    /// are answered `rate_limited` at once, so one address cannot starve the others.
    pub max_pending_logins_per_ip: u32,
    pub failed_login_window_secs: u64,
    /// How long after its rotation a refresh token may still be presented once more and
    /// rotate again, instead of revoking the session as reused. A phone that loses the answer
    /// to a refresh (tunnel, lift, suspended tab) retries with the token it still holds; 0
    /// turns the grace off.
    pub refresh_reuse_grace_secs: u64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            access_ttl_secs: 900,
            session_ttl_days: 30,
            auth_timeout_ms: 10_000,
            max_concurrent_hashes: 2,
            max_failed_logins: 10,
            max_failed_logins_per_ip: 50,
            max_pending_logins_per_ip: 4,
            failed_login_window_secs: 300,
            refresh_reuse_grace_secs: 30,
        }
    }
}

/// The realtime path: queues, liveness and replay.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RealtimeSettings {
    /// Bytes a socket may have queued before it is closed with 4008 as too slow.
    pub outbound_queue_bytes: usize,
    /// Interval of server pings; a socket silent for ping + pong timeout is dropped.
    pub ping_interval_ms: u64,
    pub pong_timeout_ms: u64,
    /// Events replayed per channel on `resume` before answering `resync` instead.
    pub replay_limit: u32,
    /// Most messages the writer commits in one transaction.
    pub max_batch: usize,
    /// Most body bytes in one transaction. A batch is delivered to members at once, so this
    /// must stay well under `outbound_queue_bytes` or a burst alone would look like a slow
    /// reader.
    pub max_batch_bytes: usize,
    /// How often to look for changes made by other processes (the admin CLI).
    pub sync_interval_ms: u64,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        RealtimeSettings {
            outbound_queue_bytes: 1024 * 1024,
            ping_interval_ms: 30_000,
            pong_timeout_ms: 30_000,
            replay_limit: 1000,
            max_batch: 1024,
            max_batch_bytes: 128 * 1024,
            sync_interval_ms: 2_000,
        }
    }
}

impl Config {
    /// Defaults for a server with its data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: data_dir.into(),
            database_url: None,
            nats_url: None,
            log_json: false,
            admin_password: None,
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            public_url: None,
            default_lang: Lang::default(),
            limits: Limits::default(),
            auth: AuthSettings::default(),
            realtime: RealtimeSettings::default(),
            integrations: IntegrationSettings::default(),
            support: SupportSettings::default(),
            files: FileSettings::default(),
            metrics: MetricsSettings::default(),
            backup: BackupSettings::default(),
            rate_limits: crate::rate_limits::RateLimitSettings::default(),
            http: HttpSettings::default(),
            tls: None,
        }
    }

    /// The folder of uploaded files in force.
    pub fn files_dir(&self) -> PathBuf {
        self.files
            .dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("files"))
    }

    /// The database URL in force: the configured one, or SQLite in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("xerrada.db").display()),
        }
    }
}

/// What `xerrada.toml` may hold. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub bind: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub nats_url: Option<String>,
    pub log_json: Option<bool>,
    pub allowed_origins: Option<Vec<String>>,
    pub trusted_proxies: Option<Vec<IpAddr>>,
    pub public_url: Option<String>,
    pub default_lang: Option<Lang>,
    pub limits: Option<Limits>,
    pub integrations: Option<IntegrationSettings>,
    pub support: Option<SupportSettings>,
    pub files: Option<FileSettings>,
    pub metrics: Option<MetricsSettings>,
    pub backup: Option<BackupSettings>,
    pub auth: Option<AuthSettings>,
    pub realtime: Option<RealtimeSettings>,
    pub rate_limits: Option<crate::rate_limits::RateLimitSettings>,
    pub http: Option<HttpSettings>,
    pub tls: Option<TlsSettings>,
}

/// Errors reading the configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("invalid setting: {0}")]
    Invalid(String),
}

impl FileConfig {
    /// Reads `path`; a missing file is an empty configuration unless `required`.
    pub fn load(path: &Path, required: bool) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(FileConfig::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source,
        })
    }
}

/// Values given as flags or environment variables (already merged by clap).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub nats_url: Option<String>,
    pub log_json: bool,
    pub admin_password: Option<String>,
    pub allowed_origins: Vec<String>,
    pub public_url: Option<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub metrics_token: Option<String>,
}

/// Merges flags/env over the file over defaults, and checks the result.
pub fn resolve(overrides: Overrides, file: FileConfig) -> Result<Config, ConfigError> {
    let data_dir = overrides
        .data_dir
        .or(file.data_dir)
        .unwrap_or_else(|| PathBuf::from("./data"));
    let mut config = Config::new(data_dir);
    if let Some(bind) = overrides.bind.or(file.bind) {
        config.bind = bind;
    }
    config.database_url = overrides.database_url.or(file.database_url);
    config.nats_url = overrides.nats_url.or(file.nats_url);
    config.log_json = overrides.log_json || file.log_json.unwrap_or(false);
    config.admin_password = overrides.admin_password;
    config.allowed_origins = if overrides.allowed_origins.is_empty() {
        file.allowed_origins.unwrap_or_default()
    } else {
        overrides.allowed_origins
    };
    config.trusted_proxies = if overrides.trusted_proxies.is_empty() {
        file.trusted_proxies.unwrap_or_default()
    } else {
        overrides.trusted_proxies
    };
    config.public_url = overrides.public_url.or(file.public_url);
    config.default_lang = file.default_lang.unwrap_or_default();
    config.integrations = file.integrations.unwrap_or_default();
    config.support = file.support.unwrap_or_default();
    if config.support.categories.is_empty() {
        return Err(ConfigError::Invalid(
            "support.categories must not be empty".into(),
        ));
    }

    config.limits = file.limits.unwrap_or_default();
    config.files = file.files.unwrap_or_default();
    config.metrics = file.metrics.unwrap_or_default();
    config.backup = file.backup.unwrap_or_default();
    // At most a year: the period must fit a timer.
    if !(config.backup.every_hours > 0.0 && config.backup.every_hours <= 24.0 * 366.0) {
        return Err(ConfigError::Invalid(
            "backup.every_hours must be above 0 and at most a year".into(),
        ));
    }
    if config.backup.keep == 0 {
        return Err(ConfigError::Invalid(
            "backup.keep must be at least 1".into(),
        ));
    }
    if overrides.metrics_token.is_some() {
        config.metrics.token = overrides.metrics_token;
    }
    if config
        .metrics
        .token
        .as_ref()
        .is_some_and(|token| token.chars().count() < 16)
    {
        return Err(ConfigError::Invalid(
            "metrics.token must be at least 16 characters".into(),
        ));
    }
    if config.files.max_bytes == 0 {
        return Err(ConfigError::Invalid(
            "files.max_bytes must be above 0".into(),
        ));
    }
    config.rate_limits = file.rate_limits.unwrap_or_default();
    config.rate_limits.check().map_err(ConfigError::Invalid)?;
    config.http = file.http.unwrap_or_default();
    config.tls = file.tls;
    if config.http.header_read_timeout_ms == 0
        || config.http.body_read_timeout_ms == 0
        || config.http.max_unauthenticated_per_ip == 0
    {
        return Err(ConfigError::Invalid(
            "http: timeouts and max_unauthenticated_per_ip must be above 0".into(),
        ));
    }
    config.auth = file.auth.unwrap_or_default();
    config.realtime = file.realtime.unwrap_or_default();
    if config.auth.access_ttl_secs == 0 || config.auth.access_ttl_secs > 900 {
        return Err(ConfigError::Invalid(
            "auth.access_ttl_secs must be 1-900 (the contract caps access tokens at 15 min)".into(),
        ));
    }
    if config.auth.refresh_reuse_grace_secs > 300 {
        return Err(ConfigError::Invalid(
            "auth.refresh_reuse_grace_secs must be 0-300 (a longer grace hides stolen tokens)"
                .into(),
        ));
    }
    if config.realtime.max_batch_bytes * 2 > config.realtime.outbound_queue_bytes {
        return Err(ConfigError::Invalid(
            "realtime.max_batch_bytes must be at most half of realtime.outbound_queue_bytes".into(),
        ));
    }
    if let Some(url) = &config.database_url
        && crate::store::Backend::of(url).is_none()
    {
        return Err(ConfigError::Invalid(format!(
            "database_url {url:?}: use sqlite://path or postgres://user@host/database"
        )));
    }
    if let Some(url) = &config.nats_url {
        if !url.starts_with("nats://") {
            return Err(ConfigError::Invalid(format!(
                "nats_url {url:?}: use nats://host:port"
            )));
        }
        if !matches!(
            config
                .database_url
                .as_deref()
                .and_then(crate::store::Backend::of),
            Some(crate::store::Backend::Postgres)
        ) {
            return Err(ConfigError::Invalid(
                "nats_url needs a shared database: set database_url to postgres://...".into(),
            ));
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: FileConfig = toml::from_str(
            r#"
            bind = "127.0.0.1:9000"
            data_dir = "/srv/xerrada"
            [realtime]
            replay_limit = 10
            "#,
        )
        .expect("valid toml");
        let overrides = Overrides {
            bind: Some("0.0.0.0:8081".parse().expect("addr")),
            ..Overrides::default()
        };
        let config = resolve(overrides, file).expect("valid config");
        assert_eq!(config.bind.to_string(), "0.0.0.0:8081");
        assert_eq!(config.data_dir, PathBuf::from("/srv/xerrada"));
        assert_eq!(config.realtime.replay_limit, 10);
        assert_eq!(config.realtime.ping_interval_ms, 30_000);
        assert!(config.database_url().starts_with("sqlite:///srv/xerrada/"));
    }

    #[test]
    fn several_nodes_need_postgres_and_a_nats_url() {
        let cluster = |database: Option<&str>, nats: &str| {
            resolve(
                Overrides {
                    database_url: database.map(str::to_owned),
                    nats_url: Some(nats.to_owned()),
                    ..Overrides::default()
                },
                FileConfig::default(),
            )
        };
        assert!(cluster(Some("postgres://x@db/xerrada"), "nats://nats:4222").is_ok());
        assert!(
            cluster(None, "nats://nats:4222").is_err(),
            "SQLite cannot be shared"
        );
        assert!(cluster(Some("sqlite://./data/x.db"), "nats://nats:4222").is_err());
        assert!(cluster(Some("postgres://x@db/xerrada"), "http://nats:4222").is_err());
        let unknown = resolve(
            Overrides {
                database_url: Some("mysql://db/x".into()),
                ..Overrides::default()
            },
            FileConfig::default(),
        );
        assert!(unknown.is_err());
    }

    #[test]
    fn unknown_keys_and_long_tokens_are_refused() {
        assert!(toml::from_str::<FileConfig>("bnid = \"x\"").is_err());
        let file: FileConfig = toml::from_str("[auth]\naccess_ttl_secs = 3600").expect("toml");
        assert!(resolve(Overrides::default(), file).is_err());
    }

    #[test]
    fn scheduled_backups_need_a_period_and_something_to_keep() {
        let parse = |text: &str| -> Result<Config, ConfigError> {
            resolve(Overrides::default(), toml::from_str(text).expect("toml"))
        };
        let config =
            parse("[backup]\ndir = \"/backup\"\nevery_hours = 0.5\nkeep = 3").expect("valid");
        assert_eq!(config.backup.keep, 3);
        assert!(parse("[backup]\nevery_hours = 0").is_err());
        assert!(parse("[backup]\nevery_hours = -1").is_err());
        assert!(parse("[backup]\nevery_hours = nan").is_err());
        assert!(parse("[backup]\nkeep = 0").is_err());
        let defaults = parse("").expect("valid");
        assert!(
            defaults.backup.dir.is_none(),
            "no scheduled backups unless asked for"
        );
    }

    #[test]
    fn the_metrics_token_comes_from_the_file_or_the_environment_and_is_long() {
        let file = || -> FileConfig {
            toml::from_str("[metrics]\ntoken = \"from-the-file-0123456\"").expect("toml")
        };
        let config = resolve(Overrides::default(), file()).expect("valid");
        assert_eq!(
            config.metrics.token.as_deref(),
            Some("from-the-file-0123456")
        );
        let overrides = Overrides {
            metrics_token: Some("from-the-environment-01".into()),
            ..Overrides::default()
        };
        let config = resolve(overrides, file()).expect("valid");
        assert_eq!(
            config.metrics.token.as_deref(),
            Some("from-the-environment-01")
        );
        let short = Overrides {
            metrics_token: Some("short".into()),
            ..Overrides::default()
        };
        assert!(resolve(short, FileConfig::default()).is_err());
        let config = resolve(Overrides::default(), FileConfig::default()).expect("valid");
        assert_eq!(config.metrics.token, None, "no metrics unless asked for");
    }
}
