//! Bytes -> the whole pipeline (decode, lex, parse, check, graph, stack, every emitter
//! and renderer). Any panic is a bug. Seeds: `fuzz/seeds.sh` copies the examples and
//! the diagnostic cases into the corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let (source, decode_error) = seip::decode(bytes);
    if decode_error.is_some() {
        return;
    }
    let compilation = seip::compile(&source);
    let _ = seip::diagnostics::render::render(&compilation.diagnostics, "fuzz.seip", &source, false);
    let _ = seip::diagnostics::json::to_json(&compilation.diagnostics, "fuzz.seip", &source);
    let _ = seip::emit::json::to_value(&compilation);
    let _ = seip::emit::dot::to_dot(&compilation);
});
