//! Generates the parser from `grammar/seip.lalrpop` into `$OUT_DIR`.
fn main() {
    println!("cargo:rerun-if-changed=grammar/seip.lalrpop");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .set_out_dir(out_dir)
        .process()
        .expect("grammar/seip.lalrpop must generate a parser");
}
