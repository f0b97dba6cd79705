//! The test host implements exactly the `sgs_*` functions the module declares (so the
//! module cannot use an SGScript function the tests do not exercise), and the module
//! exports only `sgscript_main`.

use std::collections::BTreeSet;

fn source(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Every `.rs` file under the module's `src/` (paths relative to the crate), so the checks
/// follow the code wherever it moves.
fn module_sources() -> Vec<String> {
    fn walk(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let relative = format!("{prefix}/{name}");
            if path.is_dir() {
                walk(&path, &relative, out);
            } else if name.ends_with(".rs") {
                out.push(relative);
            }
        }
    }
    let mut out = Vec::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walk(&src, "src", &mut out);
    out
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
    let mut declared = BTreeSet::new();
    for file in module_sources() {
        let text = source(&file);
        for (start, _) in text.match_indices("extern \"C\" {") {
            let end = start + text[start..].find("\n}\n").expect("its end");
            declared.extend(names_after(&text[start..end], "pub fn "));
        }
    }

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
    let others = module_sources();
    assert!(others.len() > 5, "{others:?}");
    for file in others.iter().filter(|file| *file != "src/lib.rs") {
        assert!(!source(file).contains("#[no_mangle]"), "{file}");
    }
}
