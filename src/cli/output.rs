//! Writing to standard output and standard error without panicking.
//!
//! `println!` panics when a write fails, so `redress days holidays 2022 |
//! head -c 10` or `> /dev/full` ended with exit 101. Every print in
//! `src/cli` goes through [`out!`], [`outln!`], [`err!`] or [`errln!`]
//! instead (clippy's `print_stdout` and `print_stderr` lints hold the rest
//! of the module to it). A stream whose reader has gone (a closed pipe) is
//! written no more, quietly; any other failure (a full disk) is said on
//! standard error where that can still be written, and [`finish`] turns
//! the command's exit into 2.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};

/// A stream's state: written to without trouble, closed by its reader, or
/// failed.
const OPEN: u8 = 0;
const CLOSED: u8 = 1;
const FAILED: u8 = 2;

static STDOUT: AtomicU8 = AtomicU8::new(OPEN);
static STDERR: AtomicU8 = AtomicU8::new(OPEN);

#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

impl Stream {
    fn state(self) -> &'static AtomicU8 {
        match self {
            Stream::Out => &STDOUT,
            Stream::Err => &STDERR,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Stream::Out => "standard output",
            Stream::Err => "standard error",
        }
    }
}

fn write(stream: Stream, args: fmt::Arguments<'_>) {
    if stream.state().load(Ordering::Relaxed) != OPEN {
        return;
    }
    let result = match stream {
        Stream::Out => io::stdout().lock().write_fmt(args),
        Stream::Err => io::stderr().lock().write_fmt(args),
    };
    if let Err(error) = result {
        failed(stream, &error);
    }
}

fn failed(stream: Stream, error: &io::Error) {
    if error.kind() == io::ErrorKind::BrokenPipe {
        stream.state().store(CLOSED, Ordering::Relaxed);
        return;
    }
    stream.state().store(FAILED, Ordering::Relaxed);
    if let Stream::Out = stream {
        write(
            Stream::Err,
            format_args!("error: cannot write to {}: {error}\n", stream.name()),
        );
    }
}

#[doc(hidden)]
pub(crate) fn write_out(args: fmt::Arguments<'_>) {
    write(Stream::Out, args);
}

#[doc(hidden)]
pub(crate) fn write_err(args: fmt::Arguments<'_>) {
    write(Stream::Err, args);
}

/// The exit a command ends with once its output is flushed: its own, or 2
/// when its output could not be written. A reader that stopped reading
/// (`| head`) does not change it.
pub(crate) fn finish(outcome: super::Outcome) -> super::Outcome {
    if STDOUT.load(Ordering::Relaxed) == OPEN {
        if let Err(error) = io::stdout().lock().flush() {
            failed(Stream::Out, &error);
        }
    }
    if STDOUT.load(Ordering::Relaxed) == FAILED || STDERR.load(Ordering::Relaxed) == FAILED {
        super::Outcome::Usage
    } else {
        outcome
    }
}

/// `print!` that never panics.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!($($arg)*))
    };
}

/// `println!` that never panics.
macro_rules! outln {
    () => {
        $crate::cli::output::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` that never panics.
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {err, errln, out, outln};
