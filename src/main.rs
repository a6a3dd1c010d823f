//! The `carbonledger` command: thin glue over the library. Arguments are parsed and resolved in
//! `cli`, which alone knows clap, standard output and exit codes.

mod cli;

// The registers build and drop millions of small values (a freight leg's entries, its parsed
// fields), and with the legs priced on worker threads most are freed on another thread than
// the one that allocated them: mimalloc's thread-free lists make that cheap where glibc's
// arenas took half the reading thread's time (docs/performance.md, Freight).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
