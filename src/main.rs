//! The `carbonledger` command: thin glue over the library. Arguments are parsed and resolved in
//! `cli`, which alone knows clap, standard output and exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
