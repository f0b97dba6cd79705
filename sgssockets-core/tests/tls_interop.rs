//! TLS streams against other implementations: Python's `ssl` (OpenSSL) as server and as
//! verifying client, and `openssl s_server` / `s_client`. Each peer is a child process that
//! is killed and reaped within a bound; a missing program skips its test with a message.
#![cfg(feature = "tls")]

mod tls_common;

use std::io::Write;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use sgssockets_core::tls::{
    ClientConfig, ClientOptions, Roots, ServerConfig, ServerOptions, TlsStream, Want, ECONNRESET,
    EPROTO,
};
use sgssockets_core::{select, Incoming, Socket};
use tls_common::*;

const PY_SERVER: &str = r#"
import json, socket, ssl, sys
cfg = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cfg["cert"], cfg["key"])
if cfg.get("max") == "1.2":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
if cfg.get("alpn"):
    ctx.set_alpn_protocols(cfg["alpn"])
if cfg.get("client_ca"):
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cfg["client_ca"])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(20)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
conn.settimeout(20)
try:
    tls = ctx.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False)
except Exception as e:
    print("handshake-error", type(e).__name__, e, flush=True)
    sys.exit(0)
print("ok", tls.version(), tls.cipher()[0], tls.selected_alpn_protocol(), flush=True)
mode = cfg.get("mode", "echo")
if mode == "echo":
    total = 0
    try:
        while True:
            data = tls.recv(65536)
            if not data:
                break
            total += len(data)
            tls.sendall(data)
    except Exception as e:
        print("error", type(e).__name__, e, flush=True)
        sys.exit(0)
    tls.unwrap()
    print("echoed", total, flush=True)
elif mode == "truncate":
    tls.sendall(b"cut short")
    conn.shutdown(socket.SHUT_RDWR)
    conn.close()
elif mode == "greet":
    tls.sendall(b"hello from python")
    try:
        tls.recv(10)
    except Exception as e:
        print("error", type(e).__name__, e, flush=True)
"#;

const PY_CLIENT: &str = r#"
import json, socket, ssl, sys
cfg = json.loads(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cfg["ca"])
if cfg.get("max") == "1.2":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
if cfg.get("alpn"):
    ctx.set_alpn_protocols(cfg["alpn"])
if cfg.get("cert"):
    ctx.load_cert_chain(cfg["cert"], cfg["key"])
s = socket.create_connection(("127.0.0.1", cfg["port"]), timeout=20)
try:
    tls = ctx.wrap_socket(s, server_hostname=cfg["name"], suppress_ragged_eofs=False)
except Exception as e:
    print("handshake-error", type(e).__name__, e, flush=True)
    sys.exit(0)
print("ok", tls.version(), tls.cipher()[0], tls.selected_alpn_protocol(), flush=True)
n = cfg.get("n", 0)
data = bytes(range(256)) * (n // 256)
tls.sendall(data)
got = bytearray()
try:
    while len(got) < len(data):
        chunk = tls.recv(1 << 20)
        if not chunk:
            break
        got += chunk
    print("bulk", len(got), got == data, flush=True)
    tls.unwrap()
    print("closed-clean", flush=True)
except Exception as e:
    print("error", type(e).__name__, e, flush=True)
"#;

struct Py {
    peer: Peer,
    _dir: TempDir,
}

fn have_python(test: &str) -> bool {
    have("python3", test)
}

/// Starts the Python server; returns it and its port.
fn python_server(pem: &Pem, extra: serde_like::Obj) -> (Py, u16) {
    let dir = TempDir::new("pysrv");
    let script = python_script(&dir.0, PY_SERVER);
    let mut cfg = extra;
    cfg.str("cert", &dir.write("cert.pem", &pem.cert));
    cfg.str("key", &dir.write("key.pem", &pem.key));
    let mut command = Command::new("python3");
    command.arg(&script).arg(cfg.finish());
    let mut peer = Peer::spawn(command, "python ssl server");
    let port = peer.line().parse().expect("a port");
    (Py { peer, _dir: dir }, port)
}

fn python_client(ca: &Ca, port: u16, extra: serde_like::Obj) -> Py {
    let dir = TempDir::new("pycli");
    let script = python_script(&dir.0, PY_CLIENT);
    let mut cfg = extra;
    cfg.str("ca", &dir.write("ca.pem", &ca.pem.cert));
    cfg.num("port", port.into());
    let mut command = Command::new("python3");
    command.arg(&script).arg(cfg.finish());
    Py {
        peer: Peer::spawn(command, "python ssl client"),
        _dir: dir,
    }
}

/// Just enough JSON for the peers' settings.
mod serde_like {
    #[derive(Default)]
    pub struct Obj(Vec<String>);
    fn quote(text: &str) -> String {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
    impl Obj {
        pub fn new() -> Obj {
            Obj::default()
        }
        pub fn str(&mut self, key: &str, value: &str) -> &mut Obj {
            self.0.push(format!("{}: {}", quote(key), quote(value)));
            self
        }
        pub fn num(&mut self, key: &str, value: u64) -> &mut Obj {
            self.0.push(format!("{}: {value}", quote(key)));
            self
        }
        pub fn list(&mut self, key: &str, values: &[&str]) -> &mut Obj {
            let items: Vec<String> = values.iter().map(|v| quote(v)).collect();
            self.0
                .push(format!("{}: [{}]", quote(key), items.join(", ")));
            self
        }
        pub fn done(&mut self) -> Obj {
            Obj(std::mem::take(&mut self.0))
        }
        pub fn finish(&self) -> String {
            format!("{{{}}}", self.0.join(", "))
        }
    }
}
use serde_like::Obj;

/// Echoes `len` bytes through the stream non-blockingly (sending and receiving at once,
/// waiting with select), then closes with close_notify.
fn echo_through(tls: &mut TlsStream, len: usize) {
    tls.socket().set_blocking(false).unwrap();
    let data = pattern(len, 7);
    let (mut sent, mut got) = (0usize, Vec::with_capacity(len));
    let deadline = Instant::now() + Duration::from_secs(60);
    while got.len() < len {
        assert!(
            Instant::now() < deadline,
            "stuck: sent {sent}, got {}",
            got.len()
        );
        let mut progressed = false;
        let mut wants_write = false;

        if sent < len {
            let end = (sent + (1 << 20)).min(len);
            match tls.send(&data[sent..end]) {
                Ok(n) => {
                    sent += n;
                    progressed = true;
                }
                Err(err) if err.is_would_block() => wants_write = tls.want() == Want::Write,
                Err(err) => panic!("send: {err}"),
            }
        }
        match tls.recv(1 << 20) {
            Ok(Incoming::Data(bytes)) => {
                got.extend_from_slice(&bytes);
                progressed = true;
            }
            Ok(Incoming::Closed) => panic!("closed after {} bytes", got.len()),
            Err(err) if err.is_would_block() => {}
            Err(err) => panic!("recv: {err}"),
        }
        if !progressed {
            let mut read = vec![&*tls];
            let mut write = if wants_write { vec![&*tls] } else { vec![] };
            let ready = select(&mut read, &mut write, &mut Vec::new(), Some(WAIT)).unwrap();
            assert!(ready > 0, "nothing moved for {WAIT:?}");
        }
    }
    assert!(got == data, "echo corrupted");
    tls.socket().set_blocking(true).unwrap();
    tls.close().unwrap();
}

fn client_to_python(max: Option<&str>, expect_version: &str) {
    let ca = Ca::new("test CA");
    let mut extra = Obj::new();
    if let Some(max) = max {
        extra.str("max", max);
    }
    let (py, port) = python_server(&ca.server(&["localhost"]), extra.done());
    let mut tls = TlsStream::client(connect(port), &client_config(&ca), "localhost").unwrap();
    tls.handshake().unwrap();
    let mut py = py;
    let line = py.peer.line();
    assert!(line.starts_with(&format!("ok {expect_version} ")), "{line}");
    assert_eq!(tls.protocol_version(), Some(expect_version));
    let cipher = tls.cipher_suite().unwrap();
    assert!(
        line.contains(cipher) || expect_version == "TLSv1.2",
        "{line} vs {cipher}"
    );
    if expect_version == "TLSv1.2" {
        assert!(cipher.starts_with("TLS_ECDHE_ECDSA_WITH_"), "{cipher}");
    } else {
        assert!(
            cipher.starts_with("TLS_AES_") || cipher.starts_with("TLS_CHACHA20"),
            "{cipher}"
        );
    }
    let echoed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        echo_through(&mut tls, 16 << 20)
    }));
    let (_, out, err) = py.peer.finish();
    if let Err(panic) = echoed {
        eprintln!("python said: {out} {err}");
        std::panic::resume_unwind(panic);
    }
    assert!(
        out.contains(&format!("echoed {}", 16 << 20)),
        "python: {out} {err}"
    );
}

#[test]
fn client_against_python_tls13_sixteen_mib_echo() {
    if have_python("client_against_python_tls13_sixteen_mib_echo") {
        client_to_python(None, "TLSv1.3");
    }
}

#[test]
fn client_against_python_tls12_sixteen_mib_echo() {
    if have_python("client_against_python_tls12_sixteen_mib_echo") {
        client_to_python(Some("1.2"), "TLSv1.2");
    }
}

#[test]
fn client_against_python_alpn_and_client_certificates() {
    if !have_python("client_against_python_alpn_and_client_certificates") {
        return;
    }
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let alpn_config = |offer: &[&str]| {
        ClientConfig::new(&ClientOptions {
            roots: Roots::Pem(ca.pem.cert.clone()),
            alpn: offer.iter().map(|p| p.as_bytes().to_vec()).collect(),
            ..Default::default()
        })
        .unwrap()
    };
    // A protocol in common.
    let (mut py, port) = python_server(
        &leaf,
        Obj::new()
            .list("alpn", &["http/1.1", "h2"])
            .str("mode", "greet")
            .done(),
    );
    let mut tls = TlsStream::client(
        connect(port),
        &alpn_config(&["h2", "http/1.1"]),
        "localhost",
    )
    .unwrap();
    tls.handshake().unwrap();
    assert_eq!(tls.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert!(py.peer.line().ends_with(" http/1.1"));
    drop(tls);

    // None in common: OpenSSL goes on without ALPN; so do we.
    let (mut py, port) = python_server(
        &leaf,
        Obj::new()
            .list("alpn", &["http/1.1"])
            .str("mode", "greet")
            .done(),
    );
    let mut tls = TlsStream::client(connect(port), &alpn_config(&["h2"]), "localhost").unwrap();
    tls.handshake().unwrap();
    assert_eq!(tls.alpn_protocol(), None);
    assert_eq!(
        tls.recv(100).unwrap(),
        Incoming::Data(b"hello from python".to_vec())
    );
    assert!(py.peer.line().ends_with(" None"));
    drop(tls);

    // Client certificate required: missing, then present.
    let ca_dir = TempDir::new("ca");
    let ca_file = ca_dir.write("ca.pem", &ca.pem.cert);
    let (mut py, port) = python_server(
        &leaf,
        Obj::new()
            .str("client_ca", &ca_file)
            .str("mode", "greet")
            .done(),
    );
    let mut tls = TlsStream::client(connect(port), &client_config(&ca), "localhost").unwrap();
    let err = tls
        .handshake()
        .and_then(|()| tls.recv(100).map(drop))
        .unwrap_err();
    assert!([EPROTO, ECONNRESET].contains(&err.code()), "{err}");
    assert_eq!(err.code(), EPROTO, "OpenSSL sends an alert: {err}");
    assert!(err.message().contains("alert"), "{err}");
    assert!(py.peer.line().starts_with("handshake-error"));

    let alice = ca.client("alice");
    let config = ClientConfig::new(&ClientOptions {
        roots: Roots::Pem(ca.pem.cert.clone()),
        client_cert: Some(alice.cert),
        client_key: Some(alice.key),
        ..Default::default()
    })
    .unwrap();
    let (mut py, port) = python_server(
        &leaf,
        Obj::new()
            .str("client_ca", &ca_file)
            .str("mode", "greet")
            .done(),
    );
    let mut tls = TlsStream::client(connect(port), &config, "localhost").unwrap();
    assert_eq!(
        tls.recv(100).unwrap(),
        Incoming::Data(b"hello from python".to_vec())
    );
    assert!(py.peer.line().starts_with("ok "));
}

#[test]
fn client_against_python_truncation_and_bad_certificates() {
    if !have_python("client_against_python_truncation_and_bad_certificates") {
        return;
    }
    let ca = Ca::new("test CA");
    let (_py, port) = python_server(
        &ca.server(&["localhost"]),
        Obj::new().str("mode", "truncate").done(),
    );
    let mut tls = TlsStream::client(connect(port), &client_config(&ca), "localhost").unwrap();
    assert_eq!(
        tls.recv(100).unwrap(),
        Incoming::Data(b"cut short".to_vec())
    );
    let err = tls.recv(100).unwrap_err();
    assert_eq!(err.code(), ECONNRESET, "{err}");
    assert!(err.message().contains("did not close the TLS session"));

    for (pem, name, expect) in [
        (
            ca.server(&["localhost"]),
            "wrong.example",
            "not valid for name",
        ),
        (
            Ca::new("other").server(&["localhost"]),
            "localhost",
            "UnknownIssuer",
        ),
        (
            ca.server_valid(&["localhost"], 2001, 2002),
            "localhost",
            "expired",
        ),
        (
            ca.server_valid(&["localhost"], 2090, 2095),
            "localhost",
            "not valid yet",
        ),
        (self_signed(&["localhost"]), "localhost", "UnknownIssuer"),
    ] {
        let (mut py, port) = python_server(&pem, Obj::new().done());
        let mut tls = TlsStream::client(connect(port), &client_config(&ca), name).unwrap();
        let err = tls.handshake().unwrap_err();
        assert_eq!(err.code(), EPROTO, "{err}");
        assert!(err.message().contains(expect), "{err} (wanted {expect})");
        // Python hears our alert.
        let line = py.peer.line();
        assert!(line.starts_with("handshake-error"), "{line}");
    }
}

/// Runs our server for one connection in a thread.
fn serve_once(
    config: ServerConfig,
    echo_len: usize,
) -> (u16, thread::JoinHandle<sgssockets_core::Result<TlsStream>>) {
    let listener = listener();
    let port = listener.local_addr().unwrap().port().unwrap();
    let handle = thread::spawn(move || {
        let (socket, _) = listener.accept()?;
        let mut tls = TlsStream::server(bounded(socket), &config)?;
        tls.handshake()?;
        // Read everything first, then answer: the client sends before it reads.
        let mut got = Vec::with_capacity(echo_len);
        while got.len() < echo_len {
            match tls.recv(1 << 20)? {
                Incoming::Data(bytes) => got.extend_from_slice(&bytes),
                Incoming::Closed => break,
            }
        }
        tls.send(&got)?;
        assert_eq!(tls.recv(10)?, Incoming::Closed, "python's unwrap");
        tls.close()?;
        Ok(tls)
    });
    (port, handle)
}

fn python_client_against_us(max: Option<&str>, version: &str) {
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let (port, server) = serve_once(server_config(&leaf), 16 << 20);
    let mut extra = Obj::new();
    extra.str("name", "localhost").num("n", 16 << 20);
    if let Some(max) = max {
        extra.str("max", max);
    }
    let mut py = python_client(&ca, port, extra.done());
    let line = py.peer.line();
    assert!(line.starts_with(&format!("ok {version}")), "{line}");
    let tls = server.join().unwrap().unwrap();
    assert_eq!(tls.protocol_version(), Some(version));
    assert_eq!(tls.server_name(), Some("localhost"));
    let (_, out, err) = py.peer.finish();
    assert!(
        out.contains(&format!("bulk {} True", 16 << 20)),
        "{out} {err}"
    );
    assert!(out.contains("closed-clean"), "{out} {err}");
}

#[test]
fn python_client_verifies_our_server_tls13() {
    if have_python("python_client_verifies_our_server_tls13") {
        python_client_against_us(None, "TLSv1.3");
    }
}

#[test]
fn python_client_verifies_our_server_tls12() {
    if have_python("python_client_verifies_our_server_tls12") {
        python_client_against_us(Some("1.2"), "TLSv1.2");
    }
}

#[test]
fn python_client_wrong_name_and_client_certificates() {
    if !have_python("python_client_wrong_name_and_client_certificates") {
        return;
    }
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    // Python refuses our certificate for another name; we hear its alert.
    let (port, server) = serve_once(server_config(&leaf), 0);
    let mut py = python_client(&ca, port, Obj::new().str("name", "other.example").done());
    let line = py.peer.line();
    assert!(
        line.starts_with("handshake-error SSLCertVerificationError"),
        "{line}"
    );
    let err = server.join().unwrap().unwrap_err();
    assert_eq!(err.code(), EPROTO, "{err}");
    assert!(err.message().contains("alert"), "{err}");

    // client_ca: Python without a certificate is refused; with one it gets in.
    let config = ServerConfig::new(&ServerOptions {
        cert: leaf.cert.clone(),
        key: leaf.key.clone(),
        client_ca: Some(ca.pem.cert.clone()),
        ..Default::default()
    })
    .unwrap();
    let (port, server) = serve_once(config.clone(), 0);
    let py = python_client(&ca, port, Obj::new().str("name", "localhost").done());
    let err = server.join().unwrap().unwrap_err();
    assert_eq!(err.code(), EPROTO, "{err}");
    assert!(err.message().contains("no certificates"), "{err}");
    drop(py);

    let alice = ca.client("alice");
    let dir = TempDir::new("alice");
    let alice_clone = alice.clone();
    let alice = alice_clone;
    let (port, server) = serve_once(config, 0);
    let mut py = python_client(
        &ca,
        port,
        Obj::new()
            .str("name", "localhost")
            .str("cert", &dir.write("c.pem", &alice.cert))
            .str("key", &dir.write("k.pem", &alice.key))
            .done(),
    );
    assert!(py.peer.line().starts_with("ok TLSv1.3"));
    let tls = server.join().unwrap().unwrap();
    // OpenSSL sends the chain it can build (leaf, then the CA); the leaf comes first.
    let chain = tls.peer_certificates();
    assert!(!chain.is_empty() && chain.len() <= 2, "{}", chain.len());
    let mut pem_body = String::new();
    for line in alice.cert.lines().filter(|l| !l.starts_with("-----")) {
        pem_body.push_str(line);
    }
    assert_eq!(
        chain[0].len(),
        pem_body.len() / 4 * 3 - pem_body.matches('=').count()
    );
}

#[test]
fn openssl_s_server_and_s_client() {
    if !have("openssl", "openssl_s_server_and_s_client") {
        return;
    }
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let dir = TempDir::new("openssl");
    let cert = dir.write("cert.pem", &leaf.cert);
    let key = dir.write("key.pem", &leaf.key);
    let ca_file = dir.write("ca.pem", &ca.pem.cert);

    for version in ["-tls1_2", "-tls1_3"] {
        // s_server on a port we pick (bind 0, release, hand it over).
        let port = {
            let probe = listener();
            probe.local_addr().unwrap().port().unwrap()
        };
        let mut command = Command::new("openssl");
        command.args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            &cert,
            "-key",
            &key,
            "-naccept",
            "1",
            "-rev",
            "-quiet",
            version,
        ]);
        let server = Peer::spawn(command, "openssl s_server");
        let deadline = Instant::now() + WAIT;
        let socket = loop {
            let socket = bounded(Socket::tcp(false).unwrap());
            match socket.connect(&format!("127.0.0.1:{port}").parse().unwrap()) {
                Ok(()) => break socket,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                Err(err) => panic!("s_server never listened: {err}"),
            }
        };
        let mut tls = TlsStream::client(socket, &client_config(&ca), "localhost").unwrap();
        tls.send(b"stressed\n").unwrap();
        let mut got = Vec::new();
        while !got.ends_with(b"\n") {
            match tls.recv(100).unwrap() {
                Incoming::Data(bytes) => got.extend_from_slice(&bytes),
                Incoming::Closed => break,
            }
        }
        assert_eq!(got, b"desserts\n");
        let expected = if version == "-tls1_2" {
            "TLSv1.2"
        } else {
            "TLSv1.3"
        };
        assert_eq!(tls.protocol_version(), Some(expected));
        tls.close().unwrap();
        drop(server);

        // s_client verifying our server.
        let listener = listener();
        let port = listener.local_addr().unwrap().port().unwrap();
        let config = server_config(&leaf);
        let handle = thread::spawn(move || -> sgssockets_core::Result<Vec<u8>> {
            let (socket, _) = listener.accept()?;
            let mut tls = TlsStream::server(bounded(socket), &config)?;
            tls.send(b"hello from rust\n")?;
            let mut got = Vec::new();
            loop {
                match tls.recv(100) {
                    Ok(Incoming::Data(bytes)) => got.extend_from_slice(&bytes),
                    Ok(Incoming::Closed) => break,
                    // s_client ends without close_notify at EOF of its input sometimes.
                    Err(err) if err.code() == ECONNRESET => break,
                    Err(err) => return Err(err),
                }
                if got.ends_with(b"\n") {
                    break;
                }
            }
            tls.close()?;
            Ok(got)
        });
        let mut command = Command::new("openssl");
        command.args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-CAfile",
            &ca_file,
            "-verify_return_error",
            "-verify_hostname",
            "localhost",
            "-servername",
            "localhost",
            "-quiet",
            version,
        ]);
        let mut client = Peer::spawn(command, "openssl s_client");
        client.stdin().write_all(b"hi from openssl\n").unwrap();
        let line = client.line();
        assert_eq!(line, "hello from rust");
        let got = handle.join().unwrap().unwrap();
        assert_eq!(got, b"hi from openssl\n");
        let (_, _, _) = client.finish();
    }
}
