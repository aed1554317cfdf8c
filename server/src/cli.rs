//! The `orgdesk` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use orgdesk_config::Config;

use crate::{start, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "orgdesk",
    version,
    about = "The admin console for B2B multi-tenant identity"
)]
struct Cli {
    /// A TOML configuration file (default: `orgdesk.toml` here, if it exists).
    #[arg(long, env = "ORGDESK_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the console, and the built-in provider unless it is disabled (the default command).
    Serve,
}

/// Parses the command line, runs the command, and maps failure to exit code 1
/// with the error's message on stderr.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match load_config(cli.config.as_deref()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("orgdesk: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime.block_on(serve(config)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("orgdesk: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(file: Option<&std::path::Path>) -> Result<Config, String> {
    let loaded = orgdesk_config::load(file).map_err(|e| e.to_string())?;
    telemetry::init(&loaded.config.log);
    for key in &loaded.unknown_keys {
        tracing::warn!(key = %key, "unknown configuration key, ignored");
    }
    Ok(loaded.config)
}

async fn serve(config: Config) -> Result<(), String> {
    let running = start(&config).await.map_err(|e| e.to_string())?;
    // On stdout, for people and for the test harnesses that start Orgdesk.
    println!("Orgdesk is running.");
    println!("  Console:             {}", running.console_url);
    if let Some(issuer) = &running.provider_issuer {
        println!(
            "  Identity provider:   {issuer} (built-in)",
            issuer = issuer.as_str()
        );
    }
    println!("Stop with Ctrl-C.");
    shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.stop().await.map_err(|e| e.to_string())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
