//! The `xerrada` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use xerrada::cli::{self, Cli, Command};
use xerrada::{Application, Node};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("xerrada: {e}");
            return ExitCode::FAILURE;
        }
    };
    xerrada::telemetry::init(config.log_json);
    let result = match cli.command {
        None | Some(Command::Serve(_)) => serve(config).await,
        Some(Command::MigrateStore(args)) => cli::run_migrate_store(&args).await,
        // Not on a `Node`: a backup must not migrate the database a running server serves,
        // and a restore needs the data dir empty.
        Some(Command::Backup { file }) => cli::run_backup(&config, &file).await,
        Some(Command::Restore { file }) => cli::run_restore(&config, &file).await,
        Some(command) => admin(config, command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xerrada: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: xerrada::Config) -> Result<(), String> {
    let app = Application::build(config)
        .await
        .map_err(|e| e.to_string())?;
    println!("Xerrada is listening on http://{}", app.local_addr());
    app.run_until(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

/// Runs an admin subcommand on the data dir, then commits and exits.
async fn admin(config: xerrada::Config, command: Command) -> Result<(), String> {
    let node = Node::open(config).await.map_err(|e| e.to_string())?;
    let result = match command {
        Command::User(command) => cli::run_user(&node, command).await,
        Command::Department(command) => cli::run_department(&node, command).await,
        Command::Bot(command) => cli::run_bot(&node, command).await,
        Command::Info(command) => cli::run_info(&node, command).await,
        Command::Serve(_)
        | Command::MigrateStore(_)
        | Command::Backup { .. }
        | Command::Restore { .. } => Ok(()),
    };
    let result = result.map_err(|e| match e {
        xerrada::error::AppError::Internal(cause) => format!("internal error: {cause}"),
        other => other.to_string(),
    });
    node.close().await;
    result
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
