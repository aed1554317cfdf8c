//! `cargo xtask bench`: builds `orgdesk-bench` optimized and runs its
//! benchmarks on SQLite and on PostgreSQL, streaming the figures.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{run, step};

/// Where the benchmarks' SQLite files live while they run (removed after).
const DATA_DIR: &str = "target/bench-data";
/// The PostgreSQL server (the machines run one with trust auth).
const POSTGRES_SERVER: &str = "postgres://postgres@127.0.0.1:5432";
const DEFAULT_COUNT: &str = "100000";

pub fn bench(args: &[String]) -> Result<(), String> {
    let count = count(args)?;
    step("building orgdesk-bench (release)");
    run(Command::new("cargo").args([
        "build",
        "--quiet",
        "--release",
        "--package",
        "orgdesk-bench",
        "--bin",
        "orgdesk-bench",
    ]))?;
    let binary = binary();
    std::fs::create_dir_all(DATA_DIR).map_err(|e| format!("create {DATA_DIR}: {e}"))?;
    let pid = std::process::id();

    let sqlite = Path::new(DATA_DIR).join(format!("provider-{pid}.db"));
    let result = on_database(&binary, &sqlite_url(&sqlite), "SQLite", &count);
    remove_sqlite(&sqlite);
    result?;

    // Each run gets its own database, dropped afterwards even when a benchmark fails.
    let database = format!("orgdesk_bench_{pid}");
    psql(&format!("CREATE DATABASE {database}"))?;
    let result = on_database(
        &binary,
        &format!("{POSTGRES_SERVER}/{database}"),
        "PostgreSQL",
        &count,
    );
    let dropped = psql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
    result?;
    dropped?;

    // Seeding alone, into a file that starts empty.
    let seed_file = Path::new(DATA_DIR).join(format!("seed-{pid}.db"));
    step(&format!("seed --count {count} on SQLite"));
    let result = run(Command::new(&binary)
        .args(["seed", "--database-url"])
        .arg(sqlite_url(&seed_file))
        .args(["--count", &count]));
    remove_sqlite(&seed_file);
    result
}

/// `--count N`, the organizations to seed (default 100,000).
fn count(args: &[String]) -> Result<String, String> {
    match args {
        [] => Ok(DEFAULT_COUNT.to_owned()),
        [flag, n] if flag == "--count" => match n.parse::<u64>() {
            Ok(n) if n > 0 => Ok(n.to_string()),
            _ => Err(format!("--count needs a positive whole number, not {n:?}")),
        },
        _ => Err("usage: cargo xtask bench [--count N]".to_owned()),
    }
}

/// The `organizations`, `console`, `members` and `token` benchmarks on one database.
fn on_database(binary: &Path, url: &str, engine: &str, count: &str) -> Result<(), String> {
    step(&format!("organizations on {engine} (seeds {count} first)"));
    run(Command::new(binary)
        .args(["organizations", "--database-url", url])
        .args(["--count", count]))?;
    // The console's database goes beside the provider's; the benchmark
    // creates and removes it itself.
    step(&format!("console on {engine}"));
    run(Command::new(binary)
        .args(["console", "--database-url", url])
        .args(["--count", count]))?;
    step(&format!(
        "members on {engine} (one organization of {count} members)"
    ));
    run(Command::new(binary)
        .args(["members", "--database-url", url])
        .args(["--count", count]))?;
    step(&format!("token on {engine}"));
    run(Command::new(binary).args(["token", "--database-url", url]))
}

/// The release binary, under `CARGO_TARGET_DIR` when it is set, as cargo puts it.
fn binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("release").join("orgdesk-bench")
}

fn sqlite_url(file: &Path) -> String {
    format!("sqlite://{}", file.display())
}

/// Removes a SQLite file with its write-ahead log and shared-memory files.
fn remove_sqlite(file: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
}

/// Runs one SQL command as the server's superuser; psql's own message says why
/// when it fails.
fn psql(sql: &str) -> Result<(), String> {
    run(Command::new("psql").args([&format!("{POSTGRES_SERVER}/postgres"), "-qc", sql]))
}
