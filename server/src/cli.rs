//! The `orgdesk` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use orgdesk_config::Config;

use crate::{StartOptions, provider_admin, start_with, telemetry};

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
    Serve {
        /// Provision the Travel0 demo (organizations, staff, help desk and customer
        /// admins) into the built-in provider and print how to sign in.
        #[arg(long)]
        demo: bool,
    },
    /// Maintain the built-in provider's database.
    #[command(subcommand)]
    Provider(ProviderCommand),
}

#[derive(Debug, Subcommand)]
enum ProviderCommand {
    /// Make a new signing key; the previous one stays published.
    RotateKeys,
    /// Create or update clients, roles, users and organizations from a TOML file.
    Provision {
        #[arg(long)]
        file: PathBuf,
    },
    /// Insert N organizations named PREFIX-000001 … quickly (for load tests).
    SeedOrganizations {
        #[arg(long)]
        count: u64,
        #[arg(long, default_value = "seeded")]
        prefix: String,
    },
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
    let result = match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => runtime.block_on(serve(config, StartOptions { demo })),
        Command::Provider(ProviderCommand::RotateKeys) => {
            runtime.block_on(provider_admin::rotate_keys(&config))
        }
        Command::Provider(ProviderCommand::Provision { file }) => {
            runtime.block_on(provider_admin::provision(&config, &file))
        }
        Command::Provider(ProviderCommand::SeedOrganizations { count, prefix }) => {
            runtime.block_on(provider_admin::seed_organizations(&config, count, &prefix))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
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

async fn serve(config: Config, options: StartOptions) -> Result<(), String> {
    let running = start_with(&config, options)
        .await
        .map_err(|e| e.to_string())?;
    // Listen for signals before saying we are up: a SIGTERM sent right after
    // the announcement must still stop us gracefully.
    let stop = StopSignal::install().map_err(|e| format!("cannot listen for signals: {e}"))?;
    // On stdout, for people and for the test harnesses that start Orgdesk.
    println!("Orgdesk is running.");
    println!("  Console:             {}", running.console_url);
    if let Some(issuer) = &running.provider_issuer {
        println!(
            "  Identity provider:   {issuer} (built-in)",
            issuer = issuer.as_str()
        );
    }
    if !running.demo_sign_ins.is_empty() {
        println!(
            "  Demo sign-ins (kept in {}):",
            config.data_dir.join("demo-credentials.json").display()
        );
        for (email, password) in &running.demo_sign_ins {
            println!("    {email:<28} {password}");
        }
    }
    println!("Stop with Ctrl-C.");
    stop.received().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.stop().await.map_err(|e| e.to_string())
}

/// SIGTERM or Ctrl-C (SIGINT), with the handlers installed at creation.
struct StopSignal {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl StopSignal {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn received(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
