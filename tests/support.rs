//! Helpers shared by the cross-crate integration tests: where the workspace is,
//! and how to build a crate's artifacts before a test uses them from outside Rust.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent folder")
        .to_path_buf()
}

/// The folder cargo puts build output in (honours `CARGO_TARGET_DIR`).
pub fn target_root() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        None => workspace_root().join("target"),
    }
}

/// Builds `package` (all of its library kinds) in the debug profile and returns the
/// folder holding the artifacts, e.g. `target/debug`.
///
/// Panics with cargo's output when the build fails, so the test names the cause.
pub fn build_package(package: &str) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["build", "--quiet", "-p", package])
        .output()
        .expect("cargo can be started");
    assert!(
        output.status.success(),
        "cargo build -p {package} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target_root().join("debug")
}
