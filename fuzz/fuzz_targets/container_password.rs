#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| certisante_pki::fuzzing::container_password(data));
