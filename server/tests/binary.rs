//! The `orgdesk` binary as an operator runs it: what it prints, how it fails,
//! and how it stops.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use orgdesk_db::testing::{TestDatabase, fresh_database};

/// The binary with a scrubbed `ORGDESK_` environment, fresh databases and free ports.
async fn orgdesk() -> (Command, tempfile::TempDir, (TestDatabase, TestDatabase)) {
    let console_db = fresh_database().await;
    let provider_db = fresh_database().await;
    let data = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orgdesk"));
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("ORGDESK_")) {
        cmd.env_remove(key);
    }
    cmd.current_dir(data.path())
        .env("ORGDESK_DATA_DIR", data.path())
        .env("ORGDESK_DATABASE_URL", &console_db.url)
        .env("ORGDESK_PROVIDER__DATABASE_URL", &provider_db.url)
        .env("ORGDESK_CONSOLE__ADDR", "127.0.0.1:0")
        .env("ORGDESK_PROVIDER__ADDR", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    (cmd, data, (console_db, provider_db))
}

/// Output lines of a running child, from both streams.
fn lines(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx.send(l)))
    });
    std::thread::spawn(move || {
        BufReader::new(err)
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx2.send(l)))
    });
    rx
}

/// Reads lines until one contains `needle`; returns everything read.
fn read_until(rx: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) {
        let found = line.contains(needle);
        seen.push(line);
        if found {
            return seen;
        }
    }
    panic!("no line with {needle:?} in:\n{}", seen.join("\n"));
}

fn value_after(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| {
            l.split_once(label)
                .map(|(_, rest)| rest.split_whitespace().next().unwrap().to_owned())
        })
        .unwrap_or_else(|| panic!("no {label} in {lines:?}"))
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn prints_both_urls_then_stops_cleanly_on_sigterm() {
    let (mut cmd, _data, _dbs) = orgdesk().await;
    let mut child = cmd.env("ORGDESK_LOG__FORMAT", "json").spawn().unwrap();
    let rx = lines(&mut child);
    let started = read_until(&rx, "Stop with Ctrl-C");
    let console = value_after(&started, "Console:");
    let provider = value_after(&started, "Identity provider:");

    let response = reqwest::Client::new()
        .get(format!("{console}healthz"))
        .header("x-request-id", "probe-42")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert!(
        reqwest::get(format!("{provider}.well-known/openid-configuration"))
            .await
            .unwrap()
            .status()
            .is_success()
    );

    // JSON log lines, and the request's line carries its id.
    let logged = read_until(&rx, "probe-42");
    let line: serde_json::Value =
        serde_json::from_str(logged.last().unwrap()).expect("a JSON log line");
    assert_eq!(line["span"]["request_id"], "probe-42", "{line}");

    terminate(&child);
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
}

#[tokio::test]
async fn a_malformed_setting_stops_start_up_and_names_the_variable() {
    let (mut cmd, _data, _dbs) = orgdesk().await;
    let out = cmd
        .env("ORGDESK_CONSOLE__ADDR", "localhost-3000")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ORGDESK_CONSOLE__ADDR"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn unknown_settings_are_warned_about_and_ignored() {
    let (mut cmd, _data, _dbs) = orgdesk().await;
    let mut child = cmd.env("ORGDESK_CONSOLE__ADRESS", "x").spawn().unwrap();
    let rx = lines(&mut child);
    let seen = read_until(&rx, "Stop with Ctrl-C");
    assert!(
        seen.iter()
            .any(|l| l.contains("unknown configuration key") && l.contains("console.adress")),
        "{seen:?}"
    );
    terminate(&child);
    assert!(child.wait().unwrap().success());
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (mut cmd, _data, _dbs) = orgdesk().await;
    let out = cmd.env("ORGDESK_CONSOLE__ADDR", &addr).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&addr) && stderr.contains("ORGDESK_CONSOLE__ADDR"),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_unreachable_database_fails_without_revealing_its_password() {
    let (mut cmd, _data, _dbs) = orgdesk().await;
    let out = cmd
        .env(
            "ORGDESK_DATABASE_URL",
            "postgres://orgdesk:pw-very-secret@127.0.0.1:1/orgdesk",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("ORGDESK_DATABASE_URL"), "{all}");
    assert!(!all.contains("pw-very-secret"), "{all}");
}
