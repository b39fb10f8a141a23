//! Bytes as a `.proc` file: compiled, every view built, and formatted
//! there and back (the properties are in `fuzz/oracle.rs`).
#![no_main]

// Each target uses one of the oracle's checks.
#[allow(dead_code)]
#[path = "../oracle.rs"]
mod oracle;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Err(broken) = oracle::proc_file(bytes) {
        panic!("{broken}");
    }
});
