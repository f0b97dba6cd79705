//! The committed header `include/sgssockets.h` must be what cbindgen makes from the sources.
//!
//! Refresh it with `SGSS_UPDATE_HEADER=1 cargo test -p sgssockets-ffi --test header`.

use std::path::Path;

#[test]
fn committed_header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    // The version macros come from the crate's version, so they cannot go stale.
    let after = config.after_includes.get_or_insert_with(String::new);
    for (part, value) in [
        ("MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        after.push_str(&format!(
            "\n/** The {} part of the library's version (`sgss_version` gives the text). */\n#define SGSS_VERSION_{part} {value}",
            part.to_lowercase()
        ));
    }
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can read the crate")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");

    let path = crate_dir.join("include/sgssockets.h");
    if std::env::var_os("SGSS_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("include/sgssockets.h is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: refresh it with\n    SGSS_UPDATE_HEADER=1 cargo test -p sgssockets-ffi --test header\nand commit it",
        path.display()
    );
}
