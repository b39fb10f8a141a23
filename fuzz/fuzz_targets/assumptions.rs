//! Bytes as a simulation's assumptions file: read against the procedure
//! it names, and a small simulation run under it (the properties are in
//! `fuzz/oracle.rs`).
#![no_main]

// Each target uses one of the oracle's checks.
#[allow(dead_code)]
#[path = "../oracle.rs"]
mod oracle;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Err(broken) = oracle::assumptions_file(bytes) {
        panic!("{broken}");
    }
});
