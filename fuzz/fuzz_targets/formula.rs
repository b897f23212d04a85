//! Fuzzes `caravan::fuzzing::formula`: a panic on any input is a bug.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| caravan::fuzzing::formula(data));
