//! One integration-test binary (one link step) with a module per area.

// A failed expectation in a test is meant to stop the test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assess_cli;
mod bulk_cases;
mod calendar;
mod case_fixtures;
mod check_cli;
mod check_fixtures;
mod complaint_codes;
mod days_cli;
mod diagnostic_codes;
mod diagnostics_cli;
mod diff_cli;
mod editors;
mod examples;
mod expect_cli;
mod files_cli;
mod fmt_cli;
mod fuzz_slice;
mod generated_docs;
mod guarded_windows;
mod import_cli;
mod lsp;
mod missed_guard;
mod mutations;
mod outcome_routes;
// Writes to /dev/full, which Linux has.
#[cfg(target_os = "linux")]
mod output_cli;
mod panels;
mod paths_cli;
mod people_duties;
mod people_rest;
mod procedures;
mod readme;
mod reject_notices;
mod run_cli;
mod settings_versions;
mod simulate_cli;
mod simulate_late_reasons;
mod simulate_trust;
mod simulate_versions;
mod status_cli;
mod support;
mod time_routes;
mod time_rules;
mod time_values;
mod tracks;
mod yaml_input;
