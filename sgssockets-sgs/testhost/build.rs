//! Compiles the test host's variadic `sgs_Msg` (C, because stable Rust cannot define it).
fn main() {
    println!("cargo:rerun-if-changed=csrc/msg.c");
    cc::Build::new()
        .file("csrc/msg.c")
        .warnings(true)
        .compile("sgs_testhost_msg");
}
