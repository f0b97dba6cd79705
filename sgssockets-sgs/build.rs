//! The module's `sgs_*` symbols come from the SGScript host that loads it, so the shared
//! library is linked leaving them undefined. Linux allows that by default; macOS needs
//! `-undefined dynamic_lookup`. (Windows would need SGScript's import library.)
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-undefined");
        println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
    }
}
