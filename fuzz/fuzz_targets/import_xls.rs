#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::contain_calamine_panics();
    checks::import_as(disclose::import::Format::Xls, data)
});
