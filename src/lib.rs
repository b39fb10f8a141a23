//! redress: a language and interpreter for organisational complaint
//! procedures.
//!
//! The pipeline runs one way: bytes are decoded by [`source`], parsed by
//! [`syntax`] into an AST with spans, and resolved and validated by
//! [`check`] into a [`check::Procedure`]; [`compile`] runs those stages as
//! one call. [`case`] reads case files against a procedure, [`engine`]
//! replays them, and [`report`] renders the result. [`yaml`] is the one
//! reader of YAML files (cases, assumptions, calendars), below them all.
//! [`calendar`] is working-day arithmetic, independent of the language.
//! [`cli`] is the command line on top. ARCHITECTURE.md has the code map and the
//! invariants.

pub mod analysis;
pub mod calendar;
pub mod case;
pub mod caseload;
pub mod check;
pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod engine;
pub mod follows;
pub mod format;
pub mod import;
pub mod lsp;
pub mod report;
pub mod settings;
pub mod simulate;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod yaml;
