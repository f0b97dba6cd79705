//! Gives the shared library its SONAME on ELF platforms: `libsgssockets_ffi.so.<major>`, so a
//! program linked against it records that name (NEEDED) and finds the installed
//! `libsgssockets_ffi.so.0` link made by `install.sh`, whatever the file's full version.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux"
            | "android"
            | "freebsd"
            | "netbsd"
            | "openbsd"
            | "dragonfly"
            | "illumos"
            | "solaris"
    );
    if elf {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsgssockets_ffi.so.{major}");
    }
}
