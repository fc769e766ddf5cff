//! `crm`: the command-line face of the crm-rs crates.
//!
//! Exit codes: 0 when the run completed (bad records are reported in the outputs, not as a
//! failure), 1 when `--fail-on` asked to fail on the problems found, 2 on an error, printed
//! as one line naming the file (and sheet/row) at fault.
//!
//! The binary allocates through mimalloc: reading, validating and writing a 300,000-row
//! customer file allocates a few million short strings, and glibc's allocator (page faults,
//! `malloc_consolidate`) cost `crm id validate` about a fifth of its wall time
//! (docs/benchmarks.md). The libraries leave the allocator to the program that links them.

mod args;
mod cmd;
mod demo;
mod progress;
mod summary;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crate::args::{
    Cli, Command, ExcelCommand, IdCommand, LeadsCommand, MailCommand, MessageCommand,
    SegmentAction, TxtCommand,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    cmd::set_csv_formulas(cli.raw_csv);
    match run(&cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("crm: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs a command; `Ok` carries the exit code (1 when `--fail-on` found problems).
fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Excel(ExcelCommand::Merge(args)) => {
            cmd::excel::merge(args).map(|_| ExitCode::SUCCESS)
        }
        Command::Excel(ExcelCommand::Split(args)) => {
            cmd::excel::split(args).map(|_| ExitCode::SUCCESS)
        }
        Command::Txt(TxtCommand::Repair(args)) => cmd::txt::repair(args).map(|_| ExitCode::SUCCESS),
        Command::Id(IdCommand::Nik(args)) => {
            cmd::id::run(args, cmd::id::Kind::Nik).map(|()| ExitCode::SUCCESS)
        }
        Command::Id(IdCommand::Kk(args)) => {
            cmd::id::run(args, cmd::id::Kind::Kk).map(|()| ExitCode::SUCCESS)
        }
        Command::Id(IdCommand::Validate(args)) => {
            let outcome = cmd::validate::run(args)?;
            Ok(if outcome.failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Rfm(args) => cmd::rfm::run(args).map(|_| ExitCode::SUCCESS),
        Command::Segment(cmd) => match &cmd.action {
            Some(SegmentAction::Predict(args)) => {
                cmd::segment::predict(args).map(|_| ExitCode::SUCCESS)
            }
            None => cmd::segment::run(&cmd.fit).map(|_| ExitCode::SUCCESS),
        },
        Command::Mail(MailCommand::Plan(args)) => cmd::mail::plan(args).map(|_| ExitCode::SUCCESS),
        Command::Mail(MailCommand::Send(args)) => {
            let clean = cmd::mail::send(args)?;
            Ok(if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Message(MessageCommand::Render(args)) => {
            cmd::mail::render(args).map(|_| ExitCode::SUCCESS)
        }
        Command::Message(MessageCommand::Autodebit(args)) => {
            cmd::mail::autodebit(args).map(|_| ExitCode::SUCCESS)
        }
        Command::Leads(LeadsCommand::Train(args)) => {
            cmd::leads::train(args).map(|_| ExitCode::SUCCESS)
        }
        Command::Leads(LeadsCommand::Score(args)) => {
            cmd::leads::score(args).map(|_| ExitCode::SUCCESS)
        }
        Command::Leads(LeadsCommand::Evaluate(args)) => {
            cmd::leads::evaluate(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Leads(LeadsCommand::Monitor(args)) => {
            cmd::leads::monitor(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Audience(args) => cmd::campaign::audience(args).map(|_| ExitCode::SUCCESS),
        Command::Backtest(args) => cmd::campaign::backtest_cmd(args).map(|_| ExitCode::SUCCESS),
        Command::Demo(args) => demo::run(args).map(|()| ExitCode::SUCCESS),
    }
}

/// `crm ... | head` closes the pipe early; that is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
