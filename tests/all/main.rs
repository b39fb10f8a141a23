//! One integration-test binary (one link step) with a module per area.

// A failed expectation in a test is meant to stop the test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod calendar;
mod case_fixtures;
mod check_cli;
mod check_fixtures;
mod days_cli;
mod diff_cli;
mod examples;
mod fmt_cli;
mod fuzz_slice;
mod generated_docs;
mod mutations;
mod paths_cli;
mod procedures;
mod run_cli;
mod simulate_cli;
mod support;
