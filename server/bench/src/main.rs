//! `orgdesk-bench`: benchmarks of the built-in provider and of the console's
//! organization list that print their figures. `cargo xtask bench` runs them
//! on SQLite and PostgreSQL.
//!
//! The provider is served in this process on a real loopback socket. Its
//! figures are wall times seen by an HTTP client, so they include what a
//! caller pays (HTTP, JSON, authentication) and not only the queries; the
//! console's are wall times of its service calls. Every loop is bounded, and
//! all traffic goes to 127.0.0.1.

mod console;
mod lists;
mod members;
mod provider;
mod scratch;
mod stats;
mod token;

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use orgdesk_provider::seed;

/// Any error; `Send` so that it can leave a spawned task.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// What every benchmark returns: errors are printed once, by `main`.
pub type Result<T> = std::result::Result<T, BoxError>;

/// Names of the organizations the benchmarks seed: `bench-000001` and on.
pub const PREFIX: &str = "bench";

#[derive(Parser)]
#[command(
    name = "orgdesk-bench",
    about = "Benchmarks of Orgdesk's built-in provider"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Seed organizations into the provider's database and time it.
    Seed {
        /// The provider's database: sqlite://path or postgres://… (never printed).
        #[arg(long)]
        database_url: String,
        /// How many organizations `bench-000001`… to make sure exist.
        #[arg(long)]
        count: u64,
    },
    /// Time the three ways to list organizations, on a seeded database.
    Organizations {
        #[arg(long)]
        database_url: String,
        /// Seed up to this many organizations first, if fewer exist.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
        count: u64,
        /// Timed requests per case.
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
        samples: u64,
    },
    /// Fill the console's directory from a seeded provider, then time the
    /// console's organization list (first page, searches, a deep page).
    Console {
        /// The provider's database; the console's goes beside it, fresh, and
        /// is removed afterwards.
        #[arg(long)]
        database_url: String,
        /// Seed the provider up to this many organizations first, if fewer exist.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
        count: u64,
        /// Timed calls per case.
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
        samples: u64,
    },
    /// Seed one organization with N members, fill the console's member
    /// directory from it, then time the console's members page (first page,
    /// a deep page, searches, a role filter).
    Members {
        /// The provider's database; the console's goes beside it, fresh, and
        /// is removed afterwards.
        #[arg(long)]
        database_url: String,
        /// Members of the organization.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
        count: u64,
        /// Timed calls per case.
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
        samples: u64,
    },
    /// Time `POST /oauth/token` (client credentials) at 1 and 16 concurrent clients.
    Token {
        #[arg(long)]
        database_url: String,
        /// Timed requests per concurrency level, split among the clients.
        #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(16..))]
        requests: u64,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Seed {
            database_url,
            count,
        } => seed_only(&database_url, count).await,
        Command::Organizations {
            database_url,
            count,
            samples,
        } => lists::run(&database_url, count, samples).await,
        Command::Console {
            database_url,
            count,
            samples,
        } => console::run(&database_url, count, samples).await,
        Command::Members {
            database_url,
            count,
            samples,
        } => members::run(&database_url, count, samples).await,
        Command::Token {
            database_url,
            requests,
        } => token::run(&database_url, requests).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("orgdesk-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `seed`: opens (and migrates) the database, then seeds and times it.
async fn seed_only(database_url: &str, count: u64) -> Result<()> {
    let db = provider::open_database(database_url).await?;
    let engine = provider::engine_name(&db);
    seed_timed(&db, engine, count).await?;
    db.close().await;
    Ok(())
}

/// Opens the provider's database and seeds it to `count` organizations if it
/// has fewer; returns it with its engine's name and how many it holds.
pub async fn open_seeded(
    database_url: &str,
    count: u64,
) -> Result<(orgdesk_db::Database, &'static str, u64)> {
    let db = provider::open_database(database_url).await?;
    let engine = provider::engine_name(&db);
    if seed::count(&db).await? < count {
        seed_timed(&db, engine, count).await?;
    }
    let total = seed::count(&db).await?;
    Ok((db, engine, total))
}

/// Seeds up to `count` organizations and prints the wall time and the rate.
pub async fn seed_timed(db: &orgdesk_db::Database, engine: &str, count: u64) -> Result<()> {
    let started = Instant::now();
    let inserted = seed::organizations(db, count, PREFIX).await?;
    let seconds = started.elapsed().as_secs_f64();
    let total = seed::count(db).await?;
    println!(
        "seed on {engine}: {inserted} organizations inserted in {seconds:.2} s \
         ({:.0} per second); {total} in the database",
        inserted as f64 / seconds.max(1e-9)
    );
    Ok(())
}
