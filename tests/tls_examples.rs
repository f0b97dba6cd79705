//! The TLS example scripts run as documented, against peers made with core's TLS in this
//! process: `examples/sgs/https_get.sgs` fetches a page from a local HTTPS server, and
//! `examples/sgs/tls_echo_server.sgs` echoes for several TLS clients at once.

use std::path::Path;
use std::time::Duration;

use sgssockets_core::tls::{ClientConfig, ClientOptions, Roots, TlsStream};
use sgssockets_core::{Incoming, Socket};
use sgssockets_tests::{one_request_https_server, workspace_root, HttpsRequest};

use super::{run_script, start_server, TestPki};

/// Longest any socket in these checks waits.
const WAIT: Duration = Duration::from_secs(20);

pub fn run(vm_dir: &Path, module_dir: &Path, pki: &TestPki) {
    https_get_fetches_a_page(vm_dir, module_dir, pki);
    tls_echo_server_echoes(vm_dir, module_dir, pki);
}

/// Writes `text` to `name` in `dir`; returns the path as text.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writable module folder");
    path.to_string_lossy().into_owned()
}

fn https_get_fetches_a_page(vm_dir: &Path, module_dir: &Path, pki: &TestPki) {
    let (port, server) = one_request_https_server(
        &pki.server.cert,
        &pki.server.key,
        "hello from the local HTTPS server\n",
        WAIT,
    );
    let ca_file = write(module_dir, "sgss_test_ca.pem", &pki.ca.pem.cert);
    let example = workspace_root().join("examples/sgs/https_get.sgs");
    let port_text = port.to_string();
    let run = run_script(
        vm_dir,
        module_dir,
        &example,
        &["localhost", "/hello", &port_text, &ca_file],
    );
    let HttpsRequest {
        head: request,
        alpn,
    } = server.join().expect("the server thread");
    assert!(
        run.success
            && run.output.contains("HTTP/1.1 200 OK")
            && run.output.contains("hello from the local HTTPS server")
            && run.output.contains("connected: TLSv1.3, TLS_AES_"),
        "examples/sgs/https_get.sgs:\n{}",
        run.output
    );
    assert!(
        request.starts_with("GET /hello HTTP/1.1\r\nHost: localhost\r\n"),
        "{request:?}"
    );
    assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
    println!("sgs_scripts: examples/sgs/https_get.sgs fetched a page over verified TLS");
}

fn tls_echo_server_echoes(vm_dir: &Path, module_dir: &Path, pki: &TestPki) {
    let cert = write(module_dir, "sgss_test_server.pem", &pki.server.cert);
    let key = write(module_dir, "sgss_test_server.key", &pki.server.key);
    let example = workspace_root().join("examples/sgs/tls_echo_server.sgs");
    let (mut server, port) = start_server(vm_dir, module_dir, &example, &[&cert, &key, "0", "20"]);
    let config = ClientConfig::new(&ClientOptions {
        roots: Roots::Pem(pki.ca.pem.cert.clone()),
        ..Default::default()
    })
    .expect("client config");
    let mut clients: Vec<TlsStream> = (0..8)
        .map(|_| {
            let socket = Socket::tcp(false).expect("socket");
            socket.set_recv_timeout(Some(WAIT)).expect("timeout");
            socket.set_send_timeout(Some(WAIT)).expect("timeout");
            socket
                .connect(&format!("127.0.0.1:{port}").parse().expect("address"))
                .expect("connect");
            TlsStream::client(socket, &config, "localhost").expect("tls")
        })
        .collect();
    for round in 0..3u8 {
        for (n, client) in (0u8..).zip(clients.iter_mut()) {
            client.send(&[round, n, b'!']).expect("send");
        }
        for (n, client) in (0u8..).zip(clients.iter_mut()) {
            let mut echo = Vec::new();
            while echo.len() < 3 {
                match client.recv(16).expect("echo") {
                    Incoming::Data(bytes) => echo.extend_from_slice(&bytes),
                    Incoming::Closed => panic!("the server closed"),
                }
            }
            assert_eq!(echo, [round, n, b'!']);
        }
    }
    // A clean close from each client: the server closes in turn (close_notify back).
    for client in &mut clients {
        client.close().expect("close");
    }
    let _ = server.kill();
    let _ = server.wait();
    println!("sgs_scripts: examples/sgs/tls_echo_server.sgs echoed 8 TLS clients x 3 rounds");
}
