//! The `loopmap` binary: headless commands, or the editor (in a window, or in a browser
//! when built for the web).

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use clap::Parser;
#[cfg(not(target_arch = "wasm32"))]
use loopmap::cli::{self, Cli};

/// mimalloc keeps the pages of freed large blocks for the next allocation (see
/// Cargo.toml).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// In a browser: the editor on the page's canvas (`web/index.html`).
#[cfg(target_arch = "wasm32")]
fn main() {
    loopmap::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None if args.file.as_ref().is_some_and(|f| !f.exists()) => {
            let name = args.file.unwrap_or_default();
            eprintln!(
                "loopmap: '{}' is neither a command nor a file (see loopmap --help)",
                name.display()
            );
            ExitCode::from(2)
        }
        None => match loopmap::app::run_with(args.participation(), args.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!(
                    "loopmap: the editor could not open a window ({e}). \
                     Without a desktop, use the commands: loopmap --help"
                );
                ExitCode::from(1)
            }
        },
    }
}
