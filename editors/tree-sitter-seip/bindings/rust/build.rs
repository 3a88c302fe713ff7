//! Compiles the generated parser (`src/parser.c`, committed), so that Rust users need
//! neither Node nor the tree-sitter CLI.
fn main() {
    let src_dir = std::path::Path::new("src");
    let parser = src_dir.join("parser.c");
    println!("cargo:rerun-if-changed={}", parser.display());
    cc::Build::new()
        .std("c11")
        .include(src_dir)
        // Generated code: its warnings are tree-sitter's, not ours.
        .warnings(false)
        .file(&parser)
        .compile("tree-sitter-seip");
}
