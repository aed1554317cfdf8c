//! Building the site (WASM bundle, stylesheet, assets) and the server.
//!
//! These are the steps cargo-leptos performs, done with the tools `setup`
//! installs from the registries.

use std::path::Path;
use std::process::Command;

use crate::process::{run, step};

/// Where the site is built; the server's `console.site_root` default.
pub const SITE_ROOT: &str = "target/site";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Dev,
    Release,
}

impl Profile {
    pub fn from_args(args: &[String]) -> Self {
        if args.iter().any(|a| a == "--release") {
            Profile::Release
        } else {
            Profile::Dev
        }
    }

    /// The folder under `target/` of the server binary.
    pub fn dir(self) -> &'static str {
        match self {
            Profile::Dev => "debug",
            Profile::Release => "release",
        }
    }
}

/// Builds the WASM bundle (`pkg/orgdesk.js`, `pkg/orgdesk_bg.wasm`), the
/// stylesheet (`pkg/orgdesk.css`) and copies `public/` into the site root.
pub fn site(profile: Profile) -> Result<(), String> {
    step("building the WASM bundle");
    let mut cargo = Command::new("cargo");
    cargo.args(["build", "--quiet", "--package", "orgdesk", "--lib"]);
    cargo.args(["--target", WASM_TARGET, "--features", "hydrate"]);
    let wasm_profile_dir = match profile {
        Profile::Dev => "debug",
        Profile::Release => {
            cargo.args(["--profile", "wasm-release"]);
            "wasm-release"
        }
    };
    run(&mut cargo)?;

    let pkg = Path::new(SITE_ROOT).join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("create {}: {e}", pkg.display()))?;
    let wasm = Path::new("target")
        .join(WASM_TARGET)
        .join(wasm_profile_dir)
        .join("orgdesk.wasm");
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "orgdesk",
            "--out-dir",
        ])
        .arg(&pkg)
        .arg(&wasm))?;
    // No wasm-opt: Debian's binaryen (108) turns today's rustc output into a
    // bundle that loads without error but never hydrates (tried -Oz, -Os, -O1
    // and --all-features). The wasm-release profile (LTO, opt-level "z") is
    // the optimization.

    step("building the stylesheet (Tailwind CSS)");
    let mut tailwind = Command::new(Path::new("style/node_modules/.bin/tailwindcss"));
    tailwind.args(["--input", "style/tailwind.css", "--output"]);
    tailwind.arg(pkg.join("orgdesk.css"));
    if profile == Profile::Release {
        tailwind.arg("--minify");
    }
    run(&mut tailwind)?;

    copy_dir(Path::new("public"), Path::new(SITE_ROOT))
}

/// Builds the `orgdesk` binary.
pub fn server(profile: Profile) -> Result<(), String> {
    step("building the server");
    let mut cargo = Command::new("cargo");
    cargo.args([
        "build",
        "--quiet",
        "--package",
        "orgdesk-server",
        "--bin",
        "orgdesk",
    ]);
    if profile == Profile::Release {
        cargo.arg("--release");
    }
    run(&mut cargo)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}
