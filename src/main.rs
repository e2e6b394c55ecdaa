use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: rendering makes and drops many small strings on
/// every thread, and glibc's malloc spent about a sixth of a build's CPU time on them (measured
/// with `perf` on a 2,000-declaration build).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `build` may start this binary again to remove a large replaced output in the background.
    if let Some(code) = disclose::output::retire::remover_main() {
        return code;
    }
    disclose::cli::run(disclose::cli::Cli::parse())
}
