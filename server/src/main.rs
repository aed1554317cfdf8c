//! `orgdesk`: runs the console and, by default, the built-in identity provider.

use std::process::ExitCode;

fn main() -> ExitCode {
    orgdesk_server::cli::main()
}
