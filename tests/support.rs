//! Helpers shared by the cross-crate integration tests: where the workspace is, how to
//! build a crate's artifacts before a test uses them from outside Rust, and a one-request
//! HTTPS server for the example clients.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::JoinHandle;
use std::time::Duration;

use sgssockets_core::tls::{ServerConfig, ServerOptions, TlsStream};
use sgssockets_core::{Incoming, Socket};

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

/// What [`one_request_https_server`] saw.
#[derive(Debug)]
pub struct HttpsRequest {
    /// The request head, as text.
    pub head: String,
    /// The ALPN protocol agreed on.
    pub alpn: Option<Vec<u8>>,
}

/// A TLS server on 127.0.0.1 (port from bind(0); ALPN `http/1.1`) in a thread: it accepts
/// one connection, reads one request head, answers `200 OK` with `body`, sends
/// close_notify and returns what it saw. Every wait, the accept included, is bounded by
/// `bound`. Returns the port and the thread.
pub fn one_request_https_server(
    cert: &str,
    key: &str,
    body: &'static str,
    bound: Duration,
) -> (u16, JoinHandle<HttpsRequest>) {
    let config = ServerConfig::new(&ServerOptions {
        cert: cert.to_owned(),
        key: key.to_owned(),
        alpn: vec![b"http/1.1".to_vec()],
        ..Default::default()
    })
    .expect("the server configuration");
    let listener = Socket::tcp(false).expect("a socket");
    listener
        .bind(&"127.0.0.1:0".parse().expect("an address"))
        .expect("bind");
    listener.listen(1).expect("listen");
    listener.set_recv_timeout(Some(bound)).expect("a timeout"); // bounds accept too
    let port = listener
        .local_addr()
        .expect("the local address")
        .port()
        .expect("a port");
    let server = std::thread::spawn(move || {
        let (socket, _) = listener.accept().expect("the client connects");
        socket.set_recv_timeout(Some(bound)).expect("a timeout");
        socket.set_send_timeout(Some(bound)).expect("a timeout");
        let mut tls = TlsStream::server(socket, &config).expect("a server stream");
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            match tls.recv(4096).expect("the request arrives") {
                Incoming::Data(bytes) => head.extend_from_slice(&bytes),
                Incoming::Closed => break,
            }
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.send(response.as_bytes()).expect("the response is sent");
        tls.close().expect("close_notify is sent");
        HttpsRequest {
            head: String::from_utf8_lossy(&head).into_owned(),
            alpn: tls.alpn_protocol().map(<[u8]>::to_vec),
        }
    });
    (port, server)
}
