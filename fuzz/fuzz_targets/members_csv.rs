//! Fuzzes `caravan::fuzzing::members_csv`: a panic on any input is a bug.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| caravan::fuzzing::members_csv(data));
