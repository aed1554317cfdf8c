//! `cargo xtask run` and `cargo xtask test`: the README's two commands.
//!
//! Each installs what is missing (and only that, so a warm run takes seconds),
//! builds, and then runs Orgdesk or every test suite. Nothing here downloads
//! from outside the package registries: wasm-bindgen's CLI comes from crates.io,
//! Tailwind's CLI and Playwright from npm, Chromium from Debian.

mod bench;
mod build;
mod process;
mod setup;
mod suites;

use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask run [--release]        set up, build, and run Orgdesk on its embedded default
  cargo xtask test [--only SUITE]... set up, build, and run every test suite
                                     (SUITE: lint, sqlite, postgres, e2e)
  cargo xtask setup [--for-tests]    only install what is missing
  cargo xtask build-site [--release] only build the WASM bundle, stylesheet and assets
  cargo xtask bench [--count N]      build and run the benchmarks on SQLite and PostgreSQL";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = process::workspace_root();
    std::env::set_current_dir(&root).expect("enter the workspace root");

    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => suites::test(&args[1..]),
        Some("setup") => setup::ensure(if args.iter().any(|a| a == "--for-tests") {
            setup::Purpose::Test
        } else {
            setup::Purpose::Run
        }),
        Some("build-site") => build::site(build::Profile::from_args(&args[1..])),
        Some("bench") => bench::bench(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Set up, build the site and the server, then become the server.
fn run(args: &[String]) -> Result<(), String> {
    let profile = build::Profile::from_args(args);
    setup::ensure(setup::Purpose::Run)?;
    build::site(profile)?;
    build::server(profile)?;
    process::step("starting Orgdesk");
    process::exec_server(profile)
}
