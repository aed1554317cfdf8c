//! Running commands and reporting steps.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::build::Profile;

/// The workspace root: where the top-level Cargo.toml is.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("xtask lives in server/xtask")
        .to_path_buf()
}

/// Announces a step on stderr.
pub fn step(what: &str) {
    eprintln!("==> {what}");
}

/// Runs a command to completion with inherited output; an error names it.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let started = Instant::now();
    let shown = describe(cmd);
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() {
        eprintln!(
            "    ok: `{shown}` ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command and returns its stdout, or None when it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether a program is on PATH.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The server binary of a profile.
pub fn server_binary(profile: Profile) -> PathBuf {
    Path::new("target").join(profile.dir()).join("orgdesk")
}

/// Replaces this process with the server, so that Ctrl-C and SIGTERM reach it
/// directly and it shuts down gracefully.
pub fn exec_server(profile: Profile) -> Result<(), String> {
    let mut cmd = Command::new(server_binary(profile));
    cmd.args(["serve", "--demo"]);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = cmd.exec();
        Err(format!("cannot start the server: {error}"))
    }
    #[cfg(not(unix))]
    run(&mut cmd)
}
