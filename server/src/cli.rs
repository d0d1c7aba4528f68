//! The `xerrada` command line: `serve` (the default) and admin subcommands that work on the
//! same data dir and database as the server.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde_json::json;
use xerrada_protocol::Role;

use crate::Node;
use crate::config::{self, Config, ConfigError, FileConfig, Overrides};
use crate::error::{AppError, AppResult};
use crate::helpdesk::info;
use crate::ids;
use crate::services::audit::{self, Actor, AuditAction};
use crate::services::{accounts, bots, departments};
use crate::validate::{Name, Password, Slug, Username};

/// Xerrada, self-hosted team chat.
#[derive(Debug, Parser)]
#[command(name = "xerrada", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// `serve`'s flags also work without the word `serve`, as it is the default.
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand understands.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Directory for the database and the signing key.
    #[arg(long, env = "XERRADA_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL (default: SQLite in the data dir).
    #[arg(long, env = "XERRADA_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// NATS URL: run as one of several nodes sharing a PostgreSQL database.
    #[arg(long, env = "XERRADA_NATS_URL", global = true)]
    pub nats_url: Option<String>,
    /// Configuration file (default: ./xerrada.toml when it exists).
    #[arg(long, env = "XERRADA_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Log JSON lines instead of human-readable text.
    #[arg(long, env = "XERRADA_LOG_JSON", global = true)]
    pub log_json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage departments.
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// Manage bot accounts and their tokens.
    #[command(subcommand)]
    Bot(BotCommand),
    /// Manage the support desk's /info articles.
    #[command(subcommand)]
    Info(InfoCommand),
    /// Copy a single-node installation (SQLite) into an empty PostgreSQL database, to grow
    /// to several nodes. Prints row counts and checksums of both sides.
    MigrateStore(MigrateStoreArgs),
    /// Write a consistent copy of a single-node installation (database and files) to one
    /// tar file, while the server runs.
    Backup {
        /// The archive to create (it must not exist).
        file: PathBuf,
    },
    /// Fill an empty data dir from a backup, then check and count what it restored.
    Restore {
        /// An archive made by `xerrada backup`.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct MigrateStoreArgs {
    /// The SQLite database to copy, e.g. `sqlite://./data/xerrada.db`.
    #[arg(long)]
    pub from: String,
    /// The PostgreSQL database to fill, e.g. `postgres://xerrada@db/xerrada`.
    #[arg(long)]
    pub to: String,
}

/// Runs `backup`, and prints what the archive holds.
pub async fn run_backup(config: &crate::Config, file: &std::path::Path) -> Result<(), String> {
    let report = crate::backup::backup(config, file).await?;
    println!(
        "backed up to {}: database {} bytes, {} files ({} bytes), archive {} bytes",
        file.display(),
        report.database_bytes,
        report.files,
        report.file_bytes,
        report.archive_bytes
    );
    Ok(())
}

/// Runs `restore`, and prints what it restored.
pub async fn run_restore(config: &crate::Config, file: &std::path::Path) -> Result<(), String> {
    let report = crate::backup::restore(config, file).await?;
    let c = &report.contents;
    println!(
        "restored {} into {}: {} users, {} channels, {} messages, {} files ({} file records); integrity {}",
        file.display(),
        config.data_dir.display(),
        c.users,
        c.channels,
        c.messages,
        report.files,
        c.files,
        c.integrity
    );
    Ok(())
}

/// Runs `migrate-store`: opens both stores (migrating the target's schema), copies, and
/// prints what it verified. Fails when any table differs.
pub async fn run_migrate_store(args: &MigrateStoreArgs) -> Result<(), String> {
    use crate::store::{Backend, migrate, postgres::PostgresStore, sqlite::SqliteStore};
    if Backend::of(&args.from) != Some(Backend::Sqlite) {
        return Err("--from must be a sqlite:// URL".into());
    }
    if Backend::of(&args.to) != Some(Backend::Postgres) {
        return Err("--to must be a postgres:// URL".into());
    }
    let path = args
        .from
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    if !std::path::Path::new(path).exists() {
        return Err(format!("{path} does not exist"));
    }
    let source = SqliteStore::open(&args.from)
        .await
        .map_err(|e| format!("cannot open {}: {e}", args.from))?;
    let target = PostgresStore::open(&args.to)
        .await
        .map_err(|e| format!("cannot open the target: {e}"))?;
    let reports = migrate::copy_sqlite_to_postgres(&source, &target)
        .await
        .map_err(|e| format!("copy failed, nothing was committed to the target: {e}"))?;
    println!(
        "{:<20} {:>10} {:>10}  {:<32}  {:<32}  ok",
        "table", "source", "target", "source checksum", "target checksum"
    );
    let mut all_match = true;
    for r in &reports {
        all_match &= r.matches();
        println!(
            "{:<20} {:>10} {:>10}  {}  {}  {}",
            r.table,
            r.source_rows,
            r.target_rows,
            r.source_checksum,
            r.target_checksum,
            if r.matches() { "yes" } else { "NO" }
        );
    }
    if all_match {
        let rows: u64 = reports.iter().map(|r| r.target_rows).sum();
        println!(
            "copied {rows} rows in {} tables; every count and checksum matches",
            reports.len()
        );
        Ok(())
    } else {
        Err("the copy differs from the source (see the table above)".into())
    }
}

#[derive(Debug, Subcommand)]
pub enum InfoCommand {
    /// Create or replace an article.
    Set {
        topic: String,
        #[arg(long)]
        title: String,
        /// The text (Markdown); `-` reads it from standard input.
        #[arg(long)]
        body: String,
        /// `ca` (default), `es` or `en`.
        #[arg(long)]
        lang: Option<String>,
    },
    /// List articles.
    List,
    /// Remove a topic (in one language with --lang, else in all).
    Remove {
        topic: String,
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BotCommand {
    /// Create a bot account; prints its first token (shown only once).
    Add {
        username: String,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List bot accounts.
    List,
    /// List a bot's tokens (never the secrets).
    Tokens { username: String },
    /// Create a further token for a bot (to rotate: add one, switch, revoke the old one).
    AddToken {
        username: String,
        #[arg(long)]
        label: Option<String>,
    },
    /// Revoke one of a bot's tokens: refused at once, its sockets closed.
    Revoke { username: String, token_id: String },
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "XERRADA_BIND")]
    pub bind: Option<SocketAddr>,
    /// A browser origin allowed to open WebSockets besides the server's own (repeatable).
    #[arg(
        long = "allowed-origin",
        env = "XERRADA_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
    /// The URL users reach this server at, e.g. `https://xat.example.cat` (behind a proxy).
    #[arg(long, env = "XERRADA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A reverse proxy whose X-Forwarded-Proto/-Host headers are believed (repeatable).
    #[arg(
        long = "trusted-proxy",
        env = "XERRADA_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The bearer token that `/metrics` asks for; without one, `/metrics` is not served.
    #[arg(long, env = "XERRADA_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a random password unless one is given.
    Add {
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// The password (else XERRADA_USER_PASSWORD, else random and printed).
        #[arg(long, env = "XERRADA_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// Department slug to join (repeatable).
        #[arg(long = "department")]
        departments: Vec<String>,
    },
    /// List accounts.
    List,
    /// Deactivate an account: it can no longer log in and its sessions end.
    Deactivate { username: String },
}

#[derive(Debug, Subcommand)]
pub enum DepartmentCommand {
    /// Create a department and its channel.
    Add {
        slug: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// List departments.
    List,
    /// Add an account to a department (and so to its channel).
    AddMember { slug: String, username: String },
}

impl Cli {
    /// The configuration these arguments describe (with `serve`'s own flags when given).
    pub fn config(&self) -> Result<Config, ConfigError> {
        let (path, required) = match &self.global.config {
            Some(path) => (path.clone(), true),
            None => (PathBuf::from("xerrada.toml"), false),
        };
        let file = FileConfig::load(&path, required)?;
        let serve = match &self.command {
            Some(Command::Serve(args)) => Some(args),
            None => Some(&self.serve),
            _ => None,
        };
        let overrides = Overrides {
            bind: serve.and_then(|s| s.bind).or(self.serve.bind),
            data_dir: self.global.data_dir.clone(),
            database_url: self.global.database_url.clone(),
            nats_url: self.global.nats_url.clone(),
            log_json: self.global.log_json,
            admin_password: std::env::var("XERRADA_ADMIN_PASSWORD").ok(),
            allowed_origins: serve.map(|s| s.allowed_origins.clone()).unwrap_or_default(),
            public_url: serve.and_then(|s| s.public_url.clone()),
            trusted_proxies: serve.map(|s| s.trusted_proxies.clone()).unwrap_or_default(),
            metrics_token: serve.and_then(|s| s.metrics_token.clone()),
        };
        config::resolve(overrides, file)
    }
}

/// Runs a user subcommand against the node's store.
pub async fn run_user(node: &Node, command: UserCommand) -> AppResult<()> {
    let ctx = &node.ctx;
    match command {
        UserCommand::Add {
            username,
            display_name,
            password,
            admin,
            departments: slugs,
        } => {
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (ids::random_token(12), true),
            };
            let mut department_ids = Vec::new();
            for slug in &slugs {
                department_ids.push(department_by_slug(node, slug).await?.id);
            }
            let display_name = display_name.unwrap_or_else(|| username.clone());
            let account = accounts::NewAccount {
                username: Username::parse(&username)?,
                display_name: Name::parse(&display_name, "display name")?,
                password: Password::parse(&password)?,
                role: if admin { Role::Admin } else { Role::Member },
                department_ids,
                email: String::new(),
            };
            let user = accounts::create_account(ctx, account).await?;
            let details = json!({"username": user.username, "role": user.role,
                                 "department_ids": user.department_ids, "password_made": generated});
            audit::record(ctx, CLI, AuditAction::UserCreated, &user.id, details).await;
            println!("created {} ({})", user.username, user.id);
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List => {
            for user in ctx.store.list_users(None, u32::MAX).await? {
                let role = if user.role == Role::Admin {
                    "admin"
                } else {
                    "member"
                };
                let state = if user.active { "active" } else { "inactive" };
                println!(
                    "{}\t{}\t{}\t{role}\t{state}",
                    user.id, user.username, user.display_name
                );
            }
        }
        UserCommand::Deactivate { username } => {
            let user = user_by_username(node, &username).await?;
            accounts::deactivate_account(ctx, &user.id).await?;
            audit::record(ctx, CLI, AuditAction::UserDeactivated, &user.id, json!({})).await;
            println!("deactivated {username}");
        }
    }
    Ok(())
}

/// Who the audit log names for what the `xerrada` commands do on the server's machine: whoever
/// may run them holds the data dir, so there is no account to name.
const CLI: Actor<'static> = Actor {
    id: None,
    name: "cli",
    ip: None,
};

/// Runs a department subcommand against the node's store.
pub async fn run_department(node: &Node, command: DepartmentCommand) -> AppResult<()> {
    let ctx = &node.ctx;
    match command {
        DepartmentCommand::Add { slug, name } => {
            let name = name.unwrap_or_else(|| slug.clone());
            let department = departments::create_department(
                ctx,
                Slug::parse(&slug)?,
                Name::parse(&name, "name")?,
            )
            .await?;
            let details = json!({"slug": department.slug, "name": department.name});
            let action = AuditAction::DepartmentCreated;
            audit::record(ctx, CLI, action, &department.id, details).await;
            println!("created department {} ({})", department.slug, department.id);
        }
        DepartmentCommand::List => {
            for department in ctx.store.list_departments().await? {
                println!(
                    "{}\t{}\t{}",
                    department.id, department.slug, department.name
                );
            }
        }
        DepartmentCommand::AddMember { slug, username } => {
            let department = department_by_slug(node, &slug).await?;
            let user = user_by_username(node, &username).await?;
            departments::set_membership(ctx, &department.id, &user.id, true).await?;
            let details = json!({"user_id": user.id});
            let action = AuditAction::DepartmentMemberAdded;
            audit::record(ctx, CLI, action, &department.id, details).await;
            println!("{username} is now in {slug}");
        }
    }
    Ok(())
}

/// Runs a bot subcommand against the node's store.
pub async fn run_bot(node: &Node, command: BotCommand) -> AppResult<()> {
    let ctx = &node.ctx;
    match command {
        BotCommand::Add {
            username,
            display_name,
        } => {
            let display_name = display_name.unwrap_or_else(|| username.clone());
            let created = bots::create_bot(
                ctx,
                Username::parse(&username)?,
                Name::parse(&display_name, "display name")?,
            )
            .await?;
            let details = json!({"username": created.bot.username});
            audit::record(ctx, CLI, AuditAction::BotCreated, &created.bot.id, details).await;
            println!("created bot {} ({})", created.bot.username, created.bot.id);
            println!("token: {}", created.token);
        }
        BotCommand::List => {
            for bot in bots::list(ctx).await? {
                let state = if bot.active { "active" } else { "inactive" };
                println!(
                    "{}\t{}\t{}\t{state}",
                    bot.id, bot.username, bot.display_name
                );
            }
        }
        BotCommand::Tokens { username } => {
            let bot = user_by_username(node, &username).await?;
            for token in bots::bot_tokens(ctx, &bot.id).await? {
                let state = token.revoked_at.as_deref().unwrap_or("active");
                println!(
                    "{}\t{}\t{}\t{state}",
                    token.id, token.created_at, token.label
                );
            }
        }
        BotCommand::AddToken { username, label } => {
            let bot = user_by_username(node, &username).await?;
            let token = bots::add_bot_token(ctx, &bot.id, label).await?;
            let details = json!({"token_id": token.id});
            audit::record(ctx, CLI, AuditAction::BotTokenCreated, &bot.id, details).await;
            println!("token id: {}", token.id);
            println!("token: {}", token.token);
        }
        BotCommand::Revoke { username, token_id } => {
            let bot = user_by_username(node, &username).await?;
            bots::revoke_bot_token(ctx, &bot.id, &token_id).await?;
            let details = json!({"token_id": token_id});
            audit::record(ctx, CLI, AuditAction::BotTokenRevoked, &bot.id, details).await;
            println!("revoked {token_id}");
        }
    }
    Ok(())
}

/// Runs an info subcommand; articles are attributed to the `admin` account.
pub async fn run_info(node: &Node, command: InfoCommand) -> AppResult<()> {
    let ctx = &node.ctx;
    match command {
        InfoCommand::Set {
            topic,
            title,
            body,
            lang,
        } => {
            let body = if body == "-" {
                std::io::read_to_string(std::io::stdin()).map_err(AppError::internal)?
            } else {
                body
            };
            let admin = user_by_username(node, crate::bootstrap::ADMIN_USERNAME).await?;
            let request = xerrada_protocol::SetInfoArticleRequest { title, body, lang };
            let article = info::set(ctx, &admin.id, &topic, request).await?;
            let details = json!({"lang": article.lang, "title": article.title});
            audit::record(ctx, CLI, AuditAction::InfoSet, &article.topic, details).await;
            println!("saved {} ({})", article.topic, article.lang);
        }
        InfoCommand::List => {
            for article in info::list(ctx).await? {
                println!("{}\t{}\t{}", article.topic, article.lang, article.title);
            }
        }
        InfoCommand::Remove { topic, lang } => {
            info::remove(ctx, &topic, lang.as_deref()).await?;
            let details = json!({"lang": lang});
            audit::record(ctx, CLI, AuditAction::InfoRemoved, &topic, details).await;
            println!("removed {topic}");
        }
    }
    Ok(())
}

async fn department_by_slug(node: &Node, slug: &str) -> AppResult<xerrada_protocol::Department> {
    node.ctx
        .store
        .department_by_slug(slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no department {slug:?}")))
}

async fn user_by_username(node: &Node, username: &str) -> AppResult<xerrada_protocol::User> {
    node.ctx
        .store
        .credentials_by_username(username)
        .await?
        .map(|c| c.user)
        .ok_or_else(|| AppError::NotFound(format!("no user {username:?}")))
}
