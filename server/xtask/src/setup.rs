//! Installing what the build and the tests need, each only when it is missing.
//! Every step checks first, so a warm run costs a few version checks.

use std::path::Path;
use std::process::Command;

use crate::process::{on_path, output, run, step};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// What `cargo xtask run` needs.
    Run,
    /// That, plus the browser and the test tools.
    Test,
}

pub fn ensure(purpose: Purpose) -> Result<(), String> {
    step("checking the tools (installing what is missing)");
    rust_parts(purpose)?;
    wasm_bindgen_cli()?;
    npm_packages(Path::new("style"))?;
    if purpose == Purpose::Test {
        npm_packages(Path::new("end2end"))?;
        chromium()?;
    }
    Ok(())
}

fn rust_parts(purpose: Purpose) -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or("rustup is needed to add the wasm32 target")?;
    if !installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if purpose == Purpose::Test {
        for (check, component) in [("fmt", "rustfmt"), ("clippy", "clippy")] {
            if output(Command::new("cargo").args([check, "--version"])).is_none() {
                run(Command::new("rustup").args(["component", "add", component]))?;
            }
        }
        if output(Command::new("cargo").args(["nextest", "--version"])).is_none() {
            run(Command::new("cargo").args(["install", "cargo-nextest", "--locked"]))?;
        }
    }
    Ok(())
}

/// The CLI must be exactly the version of the `wasm-bindgen` crate in Cargo.lock.
fn wasm_bindgen_cli() -> Result<(), String> {
    let wanted = locked_version("wasm-bindgen")?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(());
    }
    eprintln!(
        "    wasm-bindgen CLI {wanted} is missing (found: {:?}); installing from crates.io",
        have.trim()
    );
    // Not `--locked`: the CLI's published lockfile names a `webpki-roots` that
    // the crate index here does not serve; the version itself is pinned exactly.
    run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={wanted}"),
    ]))
}

/// The version of a package in Cargo.lock.
fn locked_version(package: &str) -> Result<String, String> {
    let lock =
        std::fs::read_to_string("Cargo.lock").map_err(|e| format!("read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line != format!("name = \"{package}\"") {
            continue;
        }
        if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = ")) {
            return Ok(version.trim_matches('"').to_owned());
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// `npm ci` in a folder whose `node_modules` is missing or older than its lock file.
fn npm_packages(dir: &Path) -> Result<(), String> {
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&stamp), modified(&lock)), (Some(s), Some(l)) if s >= l);
    if fresh {
        return Ok(());
    }
    on_path("npm").ok_or("npm is needed (Debian: apt-get install nodejs npm)")?;
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir))
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    let apt = |args: &[&str]| {
        run(Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend_from_slice(packages);
    apt(&install).map_err(|e| {
        format!(
            "{e}: installing {} needs root (apt-get)",
            packages.join(" ")
        )
    })
}

/// Debian's Chromium, for the end2end suite (Playwright cannot download its own here).
fn chromium() -> Result<(), String> {
    if on_path("chromium").is_some() {
        return Ok(());
    }
    eprintln!("    chromium is missing; installing Debian's package");
    apt_install(&["chromium", "fonts-liberation"])
}
