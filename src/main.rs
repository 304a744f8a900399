//! The `keyhound` binary: see `keyhound --help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
