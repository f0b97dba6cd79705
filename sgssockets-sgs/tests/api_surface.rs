//! The test host implements exactly the `sgs_*` functions the module declares (so the
//! module cannot use an SGScript function the tests do not exercise), and the module
//! exports only `sgscript_main`.

use std::collections::BTreeSet;

fn source(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Names `sgs_*` following `marker` in `text`.
fn names_after(text: &str, marker: &str) -> BTreeSet<String> {
    text.match_indices(marker)
        .map(|(at, _)| {
            text[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| name.starts_with("sgs_") && name != "sgs_testhost_message")
        .collect()
}

#[test]
fn host_implements_exactly_the_declared_imports() {
    let raw = source("src/raw.rs");
    let start = raw.find("extern \"C\" {").expect("an extern block");
    let end = start + raw[start..].find("\n}\n").expect("its end");
    let declared = names_after(&raw[start..end], "pub fn ");

    let mut implemented = names_after(&source("testhost/src/api.rs"), "extern \"C\" fn ");
    implemented.extend(names_after(&source("testhost/csrc/msg.c"), "int "));

    assert!(declared.len() > 30, "{declared:?}");
    assert_eq!(declared, implemented);
}

#[test]
fn the_module_exports_only_its_entry_point() {
    let lib = source("src/lib.rs");
    let exported: Vec<_> = lib.match_indices("#[no_mangle]").collect();
    assert_eq!(exported.len(), 1);
    assert!(lib.contains("pub unsafe extern \"C\" fn sgscript_main("));
    for file in [
        "functions.rs",
        "select.rs",
        "socket_methods.rs",
        "socket_object.rs",
        "address_object.rs",
    ] {
        assert!(
            !source(&format!("src/{file}")).contains("#[no_mangle]"),
            "{file}"
        );
    }
}
