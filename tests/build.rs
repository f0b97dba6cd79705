//! Marks the build with `sgscript_vm` when `SGSCRIPT_DIR` names a built SGScript VM, so the
//! real-VM script test is reported as ignored (not as passed) where there is none.

fn main() {
    println!("cargo:rerun-if-env-changed=SGSCRIPT_DIR");
    println!("cargo:rustc-check-cfg=cfg(sgscript_vm)");
    if std::env::var_os("SGSCRIPT_DIR").is_some_and(|dir| !dir.is_empty()) {
        println!("cargo:rustc-cfg=sgscript_vm");
    }
}
