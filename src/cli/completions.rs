//! `carbonledger completions SHELL` and `carbonledger man`: the shell completion script
//! (clap_complete) and the man page (clap_mangen), both generated from the argument
//! definitions so that they cannot drift from the real command line.

use super::output::OutputOpts;
use super::Exit;

/// Arguments of `completions`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
    #[command(flatten)]
    output: OutputOpts,
}

pub fn run(a: Args, mut cmd: clap::Command) -> Exit {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "carbonledger", &mut buf);
    match a.output.write_bytes(&buf) {
        Ok(()) => Exit::Ok,
        Err(e) => e,
    }
}

/// Arguments of `man`.
#[derive(clap::Args, Debug)]
pub struct ManArgs {
    #[command(flatten)]
    output: OutputOpts,
}

/// The man page of the command and a section per subcommand.
pub fn man(a: ManArgs, cmd: clap::Command) -> Exit {
    let mut buf = Vec::new();
    if clap_mangen::Man::new(cmd.clone()).render(&mut buf).is_err() {
        return Exit::Io;
    }
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("carbonledger-{}", sub.get_name());
        let sub = sub.clone().name(name);
        if clap_mangen::Man::new(sub).render(&mut buf).is_err() {
            return Exit::Io;
        }
    }
    match a.output.write_bytes(&buf) {
        Ok(()) => Exit::Ok,
        Err(e) => e,
    }
}
