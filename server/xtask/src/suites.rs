//! `cargo xtask test`: lint, build once, then run the suites side by side and
//! print one summary line per suite and a total.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::build::{self, Profile, SITE_ROOT};
use crate::process::{on_path, output, run, server_binary, step};
use crate::setup;

const SUITES: [&str; 4] = ["lint", "sqlite", "postgres", "e2e"];
const LOG_DIR: &str = "target/test-logs";
/// The PostgreSQL server of the tests (the machines run one with trust auth).
const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The outcome of one suite.
struct Outcome {
    suite: &'static str,
    ok: bool,
    passed: u64,
    failed: u64,
    skipped: u64,
    seconds: f64,
    log: Option<PathBuf>,
}

pub fn test(args: &[String]) -> Result<(), String> {
    let selected = select(args)?;
    let wants = |s: &str| selected.contains(&s);
    let started = Instant::now();
    setup::ensure(setup::Purpose::Test)?;
    std::fs::create_dir_all(LOG_DIR).map_err(|e| e.to_string())?;

    let mut outcomes = Vec::new();
    if wants("lint") {
        outcomes.push(lint());
    }
    let rust = wants("sqlite") || wants("postgres");
    if rust {
        step("building the tests");
        run(Command::new("cargo").args([
            "nextest",
            "run",
            "--workspace",
            "--no-run",
            "--cargo-quiet",
        ]))?;
    }
    if wants("e2e") {
        build::site(Profile::Dev)?;
        build::server(Profile::Dev)?;
    }

    step("running the suites side by side (logs in target/test-logs/)");
    let postgres_url = std::env::var("ORGDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| POSTGRES_ADMIN_URL.to_owned());
    if wants("postgres") {
        drop_test_databases(&postgres_url);
    }
    let mut running: Vec<(&'static str, Child, PathBuf, Instant)> = Vec::new();
    for suite in ["sqlite", "postgres", "e2e"] {
        if wants(suite) {
            let log = Path::new(LOG_DIR).join(format!("{suite}.log"));
            let child = spawn_suite(suite, &log, &postgres_url)?;
            running.push((suite, child, log, Instant::now()));
        }
    }
    for (suite, mut child, log, began) in running {
        let ok = child.wait().map(|s| s.success()).unwrap_or(false);
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let (passed, failed, skipped) = counts(suite, &text);
        outcomes.push(Outcome {
            suite,
            ok: ok && (passed > 0 || failed > 0),
            passed,
            failed,
            skipped,
            seconds: began.elapsed().as_secs_f64(),
            log: Some(log),
        });
    }
    if wants("postgres") {
        drop_test_databases(&postgres_url);
    }
    report(&outcomes, started.elapsed().as_secs_f64())
}

fn select(args: &[String]) -> Result<Vec<&'static str>, String> {
    let mut only = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => {
                let name = args.next().ok_or("--only needs a suite name")?;
                let suite = SUITES.iter().find(|s| *s == name).ok_or_else(|| {
                    format!("unknown suite {name:?}; suites: {}", SUITES.join(", "))
                })?;
                only.push(*suite);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(if only.is_empty() {
        SUITES.to_vec()
    } else {
        only
    })
}

/// `cargo fmt --check`, then clippy on the server side and on the WASM side.
fn lint() -> Outcome {
    step("lint: rustfmt and clippy (server and WASM)");
    let began = Instant::now();
    let checks: [&[&str]; 3] = [
        &["fmt", "--all", "--check"],
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[
            "clippy",
            "--quiet",
            "--package",
            "orgdesk",
            "--lib",
            "--features",
            "hydrate",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ],
    ];
    let (mut passed, mut failed) = (0, 0);
    for check in checks {
        match run(Command::new("cargo").args(check)) {
            Ok(()) => passed += 1,
            Err(e) => {
                eprintln!("    {e}");
                failed += 1;
            }
        }
    }
    Outcome {
        suite: "lint",
        ok: failed == 0,
        passed,
        failed,
        skipped: 0,
        seconds: began.elapsed().as_secs_f64(),
        log: None,
    }
}

fn spawn_suite(suite: &str, log: &Path, postgres_url: &str) -> Result<Child, String> {
    let mut cmd = match suite {
        "sqlite" | "postgres" => {
            let mut cmd = Command::new("cargo");
            cmd.args([
                "nextest",
                "run",
                "--workspace",
                "--no-fail-fast",
                "--cargo-quiet",
            ]);
            cmd.env("ORGDESK_TEST_DATABASE", suite);
            if suite == "postgres" {
                // Only the tests of crates that touch a database run again on PostgreSQL.
                cmd.args(["-E", "rdeps(orgdesk-db)"]);
                cmd.env("ORGDESK_TEST_POSTGRES_URL", postgres_url);
            }
            cmd
        }
        "e2e" => {
            let chromium = on_path("chromium").ok_or("chromium is not on PATH")?;
            let mut cmd = Command::new("node");
            cmd.args(["--test", "--test-reporter=spec", "--test-concurrency=2"]);
            cmd.arg("tests/");
            cmd.current_dir("end2end");
            let root = std::env::current_dir().map_err(|e| e.to_string())?;
            cmd.env("ORGDESK_BIN", root.join(server_binary(Profile::Dev)));
            cmd.env("ORGDESK_SITE_ROOT", root.join(SITE_ROOT));
            cmd.env("CHROMIUM", chromium);
            cmd
        }
        _ => unreachable!("suite names are checked"),
    };
    let file = File::create(log).map_err(|e| e.to_string())?;
    let err = file.try_clone().map_err(|e| e.to_string())?;
    cmd.stdout(Stdio::from(file))
        .stderr(Stdio::from(err))
        .stdin(Stdio::null());
    cmd.spawn()
        .map_err(|e| format!("cannot start the {suite} suite: {e}"))
}

/// Passed, failed and skipped counts from a suite's closing lines.
fn counts(suite: &str, log: &str) -> (u64, u64, u64) {
    let number_before = |line: &str, word: &str| -> u64 {
        let words: Vec<&str> = line.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        words
            .windows(2)
            .find(|w| w[1] == word)
            .and_then(|w| w[0].parse().ok())
            .unwrap_or(0)
    };
    if suite == "e2e" {
        // node's spec reporter closes with "ℹ pass N", "ℹ fail N", "ℹ skipped N".
        let value = |key: &str| {
            log.lines()
                .filter_map(|l| {
                    l.trim()
                        .strip_prefix("ℹ ")?
                        .strip_prefix(key)?
                        .trim()
                        .parse()
                        .ok()
                })
                .next_back()
                .unwrap_or(0)
        };
        return (value("pass "), value("fail "), value("skipped "));
    }
    // nextest closes with "Summary [ 1.2s] N tests run: P passed, F failed, S skipped".
    log.lines()
        .rfind(|l| l.contains("tests run:") || l.contains("test run:"))
        .map(|l| {
            (
                number_before(l, "passed"),
                number_before(l, "failed"),
                number_before(l, "skipped"),
            )
        })
        .unwrap_or((0, 0, 0))
}

fn report(outcomes: &[Outcome], total_seconds: f64) -> Result<(), String> {
    for outcome in outcomes.iter().filter(|o| !o.ok) {
        if let Some(log) = &outcome.log {
            eprintln!(
                "\n---- {} suite log ({}) ----",
                outcome.suite,
                log.display()
            );
            eprintln!("{}", std::fs::read_to_string(log).unwrap_or_default());
        }
    }
    println!("\n== Test summary ({total_seconds:.0} s)");
    for o in outcomes {
        println!(
            "  {:<9} {:<6} {} passed, {} failed, {} skipped ({:.0} s)",
            o.suite,
            if o.ok { "PASS" } else { "FAIL" },
            o.passed,
            o.failed,
            o.skipped,
            o.seconds
        );
    }
    let passed: u64 = outcomes.iter().map(|o| o.passed).sum();
    let failed: u64 = outcomes.iter().map(|o| o.failed).sum();
    let skipped: u64 = outcomes.iter().map(|o| o.skipped).sum();
    println!("orgdesk: {passed} passed, {failed} failed, {skipped} skipped");
    if outcomes.iter().all(|o| o.ok) {
        Ok(())
    } else {
        let failing: Vec<&str> = outcomes.iter().filter(|o| !o.ok).map(|o| o.suite).collect();
        Err(format!("failing suites: {}", failing.join(", ")))
    }
}

/// Drops the databases earlier test runs left on PostgreSQL (`orgdesk_test_…`).
fn drop_test_databases(admin_url: &str) {
    let list = output(Command::new("psql").args([
        admin_url,
        "-Atc",
        "SELECT datname FROM pg_database WHERE datname LIKE 'orgdesk\\_test\\_%'",
    ]));
    let Some(list) = list else {
        eprintln!(
            "    (could not list PostgreSQL test databases; is psql installed and PostgreSQL up?)"
        );
        return;
    };
    for name in list.lines().filter(|l| !l.is_empty()) {
        let _ = output(Command::new("psql").args([
            admin_url,
            "-qc",
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        ]));
    }
}
