//! The TLS example scripts run as documented, against peers made with core's TLS in this
//! process: `examples/sgs/https_get.sgs` fetches a page from a local HTTPS server, and
//! `examples/sgs/tls_echo_server.sgs` echoes for several TLS clients at once.

use std::path::Path;
use std::time::Duration;

use sgssockets_core::tls::TlsStream;
use sgssockets_core::tls::{ClientConfig, ClientOptions, Roots, ServerConfig, ServerOptions};
use sgssockets_core::{Incoming, Socket};
use sgssockets_tests::workspace_root;

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
    let config = ServerConfig::new(&ServerOptions {
        cert: pki.server.cert.clone(),
        key: pki.server.key.clone(),
        alpn: vec![b"http/1.1".to_vec()],
        ..Default::default()
    })
    .expect("server config");
    let listener = Socket::tcp(false).expect("socket");
    listener
        .bind(&"127.0.0.1:0".parse().expect("address"))
        .expect("bind");
    listener.listen(1).expect("listen");
    let port = listener
        .local_addr()
        .expect("address")
        .port()
        .expect("port");
    let server = std::thread::spawn(move || {
        let (socket, _) = listener.accept().expect("accept");
        socket.set_recv_timeout(Some(WAIT)).expect("timeout");
        socket.set_send_timeout(Some(WAIT)).expect("timeout");
        let mut tls = TlsStream::server(socket, &config).expect("tls");
        let mut request = Vec::new();
        while !request.ends_with(b"\r\n\r\n") {
            match tls.recv(4096).expect("request") {
                Incoming::Data(bytes) => request.extend_from_slice(&bytes),
                Incoming::Closed => break,
            }
        }
        let body = "hello from the local HTTPS server\n";
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.send(response.as_bytes()).expect("response");
        tls.close().expect("close");
        (
            String::from_utf8_lossy(&request).into_owned(),
            tls.alpn_protocol().map(<[u8]>::to_vec),
        )
    });
    let ca_file = write(module_dir, "sgss_test_ca.pem", &pki.ca.pem.cert);
    let example = workspace_root().join("examples/sgs/https_get.sgs");
    let port_text = port.to_string();
    let run = run_script(
        vm_dir,
        module_dir,
        &example,
        &["localhost", "/hello", &port_text, &ca_file],
    );
    let (request, alpn) = server.join().expect("the server thread");
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
