//! TLS streams against themselves: verification failures, ALPN, bulk transfers, clean close
//! against truncation, garbage and plaintext peers, timeouts, configuration errors.
#![cfg(feature = "tls")]

mod tls_common;

use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use sgssockets_core::tls::{
    ClientConfig, ClientOptions, Roots, ServerConfig, ServerOptions, TlsStream, Want, ECONNRESET,
    EPROTO,
};
use sgssockets_core::{errno, Error, Incoming, MsgFlags, Result, Socket};
use tls_common::*;

/// Runs `server` on the accepted side of a loopback pair in a thread and `client` here.
fn run<S, C, R>(server: S, client: C) -> (R, Result<()>)
where
    S: FnOnce(Socket) -> Result<()> + Send + 'static,
    C: FnOnce(Socket) -> R,
{
    let (client_socket, server_socket) = tcp_pair();
    let handle = thread::spawn(move || server(server_socket));
    let result = client(client_socket);
    (result, handle.join().unwrap())
}

fn echo_server(config: ServerConfig) -> impl FnOnce(Socket) -> Result<()> + Send + 'static {
    move |socket| {
        let mut tls = TlsStream::server(socket, &config)?;
        tls.handshake()?;
        while let Incoming::Data(bytes) = tls.recv(65536)? {
            tls.send(&bytes)?;
        }
        tls.close()
    }
}

fn handshake_client(config: &ClientConfig, name: &str) -> impl FnOnce(Socket) -> Result<TlsStream> {
    let config = config.clone();
    let name = name.to_owned();
    move |socket| {
        let mut tls = TlsStream::client(socket, &config, &name)?;
        tls.handshake()?;
        Ok(tls)
    }
}

fn assert_code(err: &Error, code: i32) {
    assert_eq!(err.code(), code, "unexpected error: {err}");
}

#[test]
fn handshake_echo_and_readers() {
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let config = client_config(&ca);
    let (client, server) = run(echo_server(server_config(&leaf)), |socket| {
        let mut tls = TlsStream::client(socket, &config, "localhost").unwrap();
        assert!(tls.is_handshaking());
        assert_eq!(tls.protocol_version(), None);
        // The handshake runs on the first send.
        assert_eq!(tls.send(b"hello").unwrap(), 5);
        assert!(!tls.is_handshaking());
        assert_eq!(tls.recv(100).unwrap(), Incoming::Data(b"hello".to_vec()));
        assert_eq!(tls.protocol_version(), Some("TLSv1.3"));
        let cipher = tls.cipher_suite().unwrap();
        assert!(
            cipher.starts_with("TLS_") && !cipher.starts_with("TLS13_"),
            "{cipher}"
        );
        assert_eq!(tls.alpn_protocol(), None);
        assert_eq!(tls.server_name(), Some("localhost"));
        let chain = tls.peer_certificates();
        assert_eq!(chain.len(), 1);
        let leaf_der = rustls_pki_der(&leaf.cert);
        assert_eq!(chain[0], leaf_der, "leaf first, DER");
        assert_eq!(tls.want(), Want::Nothing);
        assert_eq!(tls.pending(), 0);
        tls.close().unwrap();
        assert!(tls.socket().is_closed());
        assert!(tls.send(b"x").unwrap_err().is_closed());
        assert!(tls.close().unwrap_err().is_closed());
    });
    server.unwrap();
    let () = client;
}

/// The DER of the first certificate in `pem`.
fn rustls_pki_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64_decode(&body)
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let value = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        acc = (acc << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn server_sees_sni_and_client_certificate() {
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let client_pem = ca.client("alice");
    let server_config = ServerConfig::new(&ServerOptions {
        cert: leaf.cert.clone(),
        key: leaf.key.clone(),
        client_ca: Some(ca.pem.cert.clone()),
        ..Default::default()
    })
    .unwrap();
    let config = ClientConfig::new(&ClientOptions {
        roots: Roots::Pem(ca.pem.cert.clone()),
        client_cert: Some(client_pem.cert.clone()),
        client_key: Some(client_pem.key.clone()),
        ..Default::default()
    })
    .unwrap();
    let expected = rustls_pki_der(&client_pem.cert);
    let (tls, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &server_config)?;
            tls.handshake()?;
            assert_eq!(tls.server_name(), Some("localhost"));
            assert_eq!(tls.peer_certificates(), vec![expected]);
            assert!(!tls.is_client());
            tls.send(b"ok")?;
            tls.close()
        },
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "localhost").unwrap();
            assert_eq!(tls.recv(10).unwrap(), Incoming::Data(b"ok".to_vec()));
            assert_eq!(tls.recv(10).unwrap(), Incoming::Closed);
            assert_eq!(tls.recv(10).unwrap(), Incoming::Closed, "stays closed");
            tls
        },
    );
    server.unwrap();
    drop(tls);
}

#[test]
fn client_certificate_required_and_missing() {
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let server_config = ServerConfig::new(&ServerOptions {
        cert: leaf.cert.clone(),
        key: leaf.key.clone(),
        client_ca: Some(ca.pem.cert.clone()),
        ..Default::default()
    })
    .unwrap();
    let config = client_config(&ca);
    let (client, server) = run(
        move |socket| TlsStream::server(socket, &server_config)?.handshake(),
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "localhost").unwrap();
            // TLS 1.3: the client may finish first; the server's alert arrives on recv.
            tls.handshake().and_then(|()| tls.recv(10).map(drop))
        },
    );
    let server = server.unwrap_err();
    assert_code(&server, EPROTO);
    assert!(server.message().contains("no certificates"), "{server}");
    let client = client.unwrap_err();
    assert_code(&client, EPROTO);
    assert!(client.message().contains("alert"), "{client}");
}

/// A handshake that the client must refuse: (client error text, server error).
fn refused(server_pem: &Pem, config: &ClientConfig, name: &str) -> (Error, Error) {
    let server_config = server_config(server_pem);
    let (client, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &server_config)?;
            tls.handshake()?;
            tls.recv(10).map(drop)
        },
        handshake_client(config, name),
    );
    let client = client.unwrap_err();
    assert_code(&client, EPROTO);
    (client, server.unwrap_err())
}

#[test]
fn wrong_host_name() {
    let ca = Ca::new("test CA");
    let (client, server) = refused(
        &ca.server(&["localhost"]),
        &client_config(&ca),
        "example.org",
    );
    assert!(
        client.message().starts_with("invalid peer certificate"),
        "{client}"
    );
    assert!(client.message().contains("not valid for name"), "{client}");
    assert_eq!(client.operation(), "tls handshake");
    // The server hears why (an alert), or sees the connection end.
    assert!([EPROTO, ECONNRESET].contains(&server.code()), "{server}");
}

#[test]
fn unknown_issuer() {
    let ca = Ca::new("test CA");
    let other = Ca::new("other CA");
    let (client, _) = refused(
        &ca.server(&["localhost"]),
        &client_config(&other),
        "localhost",
    );
    assert_eq!(client.message(), "invalid peer certificate: UnknownIssuer");
}

#[test]
fn expired_and_not_yet_valid() {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let (expired, _) = refused(
        &ca.server_valid(&["localhost"], 2001, 2002),
        &config,
        "localhost",
    );
    assert!(expired.message().contains("expired"), "{expired}");
    let (early, _) = refused(
        &ca.server_valid(&["localhost"], 2090, 2095),
        &config,
        "localhost",
    );
    assert!(early.message().contains("not valid yet"), "{early}");
}

#[test]
fn self_signed_certificates() {
    let pem = self_signed(&["localhost"]);
    // Not trusted by the built-in roots.
    let mozilla = ClientConfig::new(&ClientOptions {
        roots: Roots::Mozilla,
        ..Default::default()
    })
    .unwrap();
    let (err, _) = refused(&pem, &mozilla, "localhost");
    assert!(err.message().contains("UnknownIssuer"), "{err}");

    // Trusted when it is the root itself.
    let pinned = ClientConfig::new(&ClientOptions {
        roots: Roots::Pem(pem.cert.clone()),
        ..Default::default()
    })
    .unwrap();
    let (client, server) = run(echo_server(server_config(&pem)), |socket| {
        let mut tls = TlsStream::client(socket, &pinned, "localhost")?;
        tls.send(b"x")?;
        tls.recv(10)?;
        tls.close()
    });
    client.unwrap();
    server.unwrap();

    // Or with the insecure option (any certificate, any name).
    let insecure = ClientConfig::new(&ClientOptions {
        roots: Roots::Mozilla,
        insecure_skip_verify: true,
        ..Default::default()
    })
    .unwrap();
    let (client, server) = run(echo_server(server_config(&pem)), |socket| {
        let mut tls = TlsStream::client(socket, &insecure, "not-the-name.example")?;
        tls.send(b"x")?;
        assert_eq!(tls.recv(10)?, Incoming::Data(b"x".to_vec()));
        tls.close()
    });
    client.unwrap();
    server.unwrap();
}

#[test]
fn ip_address_as_server_name() {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let server_config = server_config(&ca.server(&["127.0.0.1"]));
    let (client, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &server_config)?;
            tls.handshake()?;
            assert_eq!(tls.server_name(), None, "no SNI for an IP address");
            tls.close()
        },
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "127.0.0.1")?;
            tls.handshake()?;
            assert_eq!(tls.server_name(), Some("127.0.0.1"));
            assert_eq!(tls.recv(10)?, Incoming::Closed);
            Ok::<(), Error>(())
        },
    );
    client.unwrap();
    server.unwrap();

    // A certificate for a DNS name only does not cover the address.
    let (err, _) = refused(&ca.server(&["localhost"]), &config, "127.0.0.1");
    assert!(err.message().contains("not valid for name"), "{err}");
}

/// What each side negotiated.
type Alpn = Result<Option<Vec<u8>>>;

fn alpn_run(client: &[&str], server: &[&str]) -> (Alpn, Alpn) {
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let server_config = ServerConfig::new(&ServerOptions {
        cert: leaf.cert,
        key: leaf.key,
        alpn: server.iter().map(|p| p.as_bytes().to_vec()).collect(),
        ..Default::default()
    })
    .unwrap();
    let config = ClientConfig::new(&ClientOptions {
        roots: Roots::Pem(ca.pem.cert.clone()),
        alpn: client.iter().map(|p| p.as_bytes().to_vec()).collect(),
        ..Default::default()
    })
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let (client, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &server_config)?;
            let result = tls
                .handshake()
                .map(|()| tls.alpn_protocol().map(<[u8]>::to_vec));
            tx.send(result).unwrap();
            Ok(())
        },
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "localhost")?;
            tls.handshake()?;
            Ok(tls.alpn_protocol().map(<[u8]>::to_vec))
        },
    );
    server.unwrap();
    (client, rx.recv().unwrap())
}

#[test]
fn alpn_negotiation() {
    let (client, server) = alpn_run(&["h2", "http/1.1"], &["http/1.1", "h2"]);
    assert_eq!(
        client.unwrap(),
        Some(b"http/1.1".to_vec()),
        "the server's preference"
    );
    assert_eq!(server.unwrap(), Some(b"http/1.1".to_vec()));

    // A client that offers nothing: no protocol, no failure.
    let (client, server) = alpn_run(&[], &["http/1.1"]);
    assert_eq!(client.unwrap(), None);
    assert_eq!(server.unwrap(), None);

    // A server without ALPN ignores the offer.
    let (client, server) = alpn_run(&["h2"], &[]);
    assert_eq!(client.unwrap(), None);
    assert_eq!(server.unwrap(), None);

    // Nothing in common: rustls as a server aborts with no_application_protocol (RFC 7301);
    // the handshake-succeeds-without-ALPN case is tested against OpenSSL (tls_interop.rs).
    let (client, server) = alpn_run(&["h2"], &["http/1.1"]);
    let server = server.unwrap_err();
    assert_code(&server, EPROTO);
    let client = client.unwrap_err();
    assert!(
        client.message().contains("NoApplicationProtocol"),
        "{client}"
    );
}

#[test]
fn sixteen_mib_both_ways() {
    const LEN: usize = 16 << 20;
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let server_config = server_config(&ca.server(&["localhost"]));
    let upload = pattern(LEN, 1);
    let expected_upload = upload.clone();
    let (client, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &server_config)?;
            let mut got = Vec::with_capacity(LEN);
            while got.len() < LEN {
                match tls.recv_bounded(1 << 20, |incoming| match incoming {
                    Incoming::Data(bytes) => {
                        got.extend_from_slice(bytes);
                        true
                    }
                    Incoming::Closed => false,
                })? {
                    true => {}
                    false => panic!("closed after {} bytes", got.len()),
                }
            }
            assert!(got == expected_upload, "upload corrupted");
            let download = pattern(LEN, 2);
            assert_eq!(
                tls.send(&download)?,
                LEN,
                "a blocking send takes everything"
            );
            tls.close()
        },
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "localhost")?;
            assert_eq!(tls.send(&upload)?, LEN);
            let mut got = vec![0u8; LEN];
            let mut filled = 0;
            while filled < LEN {
                match tls.recv_into(&mut got[filled..])? {
                    Incoming::Data(n) => filled += n,
                    Incoming::Closed => panic!("closed after {filled} bytes"),
                }
            }
            assert_eq!(tls.recv(1)?, Incoming::Closed);
            assert!(got == pattern(LEN, 2), "download corrupted");
            tls.close()
        },
    );
    client.unwrap();
    server.unwrap();
}

#[test]
fn clean_close_versus_truncation() {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let server_config = server_config(&ca.server(&["localhost"]));

    // close_notify: Closed.
    let sc = server_config.clone();
    let (client, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &sc)?;
            tls.send(b"all of it")?;
            tls.close()
        },
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "localhost")?;
            assert_eq!(tls.recv(100)?, Incoming::Data(b"all of it".to_vec()));
            tls.recv(100)
        },
    );
    server.unwrap();
    assert_eq!(client.unwrap(), Incoming::Closed);

    // The transport ends without close_notify: ECONNRESET, never a clean end.
    let config = client_config(&ca);
    let (client, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &server_config)?;
            tls.send(b"part of it")?;
            tls.socket().shutdown(Shutdown::Both)?;
            Ok(())
        },
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "localhost")?;
            assert_eq!(tls.recv(100)?, Incoming::Data(b"part of it".to_vec()));
            tls.recv(100)
        },
    );
    server.unwrap();
    let err = client.unwrap_err();
    assert_code(&err, ECONNRESET);
    assert_eq!(Some(err.code()), errno::errno_by_name("ECONNRESET"));
    assert!(
        err.message().contains("did not close the TLS session"),
        "{err}"
    );
}

#[test]
fn peer_closes_during_handshake() {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let (client, server) = run(
        |socket| {
            let mut buf = [0u8; 4096];
            let _ = socket.recv(&mut buf, MsgFlags::empty())?; // the ClientHello
            Ok(()) // and drop: EOF
        },
        handshake_client(&config, "localhost"),
    );
    server.unwrap();
    let err = client.unwrap_err();
    assert_code(&err, ECONNRESET);
    assert!(err.message().contains("during the TLS handshake"), "{err}");
}

/// What a raw peer receives until EOF or a short timeout.
fn drain(socket: &Socket) -> Vec<u8> {
    socket
        .set_recv_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(Incoming::Data(n)) = socket.recv(&mut buf, MsgFlags::empty()) {
        got.extend_from_slice(&buf[..n]);
    }
    got
}

fn is_only_alerts(mut bytes: &[u8]) -> bool {
    // TLS records of content type 21 (alert), in plaintext before any keys exist.
    while !bytes.is_empty() {
        if bytes.len() < 5 || bytes[0] != 21 {
            return false;
        }
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        bytes = &bytes[(5 + len).min(bytes.len())..];
    }
    true
}

fn server_fed(input: &'static [u8]) -> (Error, Vec<u8>) {
    let ca = Ca::new("test CA");
    let server_config = server_config(&ca.server(&["localhost"]));
    let (reply, server) = run(
        move |socket| {
            let mut tls = TlsStream::server(socket, &server_config)?;
            let err = tls.handshake().unwrap_err();
            // After a failed handshake nothing is ever sent, and every call says why.
            let again = tls.send(b"SECRET PLAINTEXT").unwrap_err();
            assert_eq!((again.code(), again.message()), (err.code(), err.message()));
            assert_eq!(tls.recv(10).unwrap_err().code(), err.code());
            Err(err)
        },
        |socket| {
            socket.send(input, MsgFlags::empty()).unwrap();
            drain(&socket)
        },
    );
    (server.unwrap_err(), reply)
}

#[test]
fn garbage_to_a_server() {
    let (err, reply) = server_fed(b"\x00\x01\x02\x03garbage garbage garbage garbage\xff\xfe");
    assert_code(&err, EPROTO);
    assert!(!err.message().is_empty());
    assert!(
        is_only_alerts(&reply),
        "only an alert may come back: {reply:?}"
    );
}

#[test]
fn plaintext_http_to_a_server() {
    let (err, reply) = server_fed(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_code(&err, EPROTO);
    assert!(
        err.message().contains("corrupt message") || err.message().contains("invalid"),
        "{err}"
    );
    assert!(
        is_only_alerts(&reply),
        "only an alert may come back: {reply:?}"
    );
}

#[test]
fn garbage_to_a_client() {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let (client, server) = run(
        |socket| {
            let mut buf = [0u8; 4096];
            let _ = socket.recv(&mut buf, MsgFlags::empty())?;
            socket.send(b"HTTP/1.1 400 Bad Request\r\n\r\n", MsgFlags::empty())?;
            let rest = drain(&socket);
            assert!(is_only_alerts(&rest), "{rest:?}");
            Ok(())
        },
        |socket| {
            let mut tls = TlsStream::client(socket, &config, "localhost").unwrap();
            let err = tls.handshake().unwrap_err();
            assert!(tls.send(b"SECRET").is_err());
            err
        },
    );
    server.unwrap();
    assert_code(&client, EPROTO);
}

#[test]
fn handshake_timeout_with_a_silent_peer() {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let listener = listener();
    let socket = Socket::tcp(false).unwrap();
    socket.connect(&listener.local_addr().unwrap()).unwrap();
    let (_silent, _) = listener.accept().unwrap();
    socket
        .set_recv_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut tls = TlsStream::client(socket, &config, "localhost").unwrap();
    let started = Instant::now();
    let err = tls.handshake().unwrap_err();
    let took = started.elapsed();
    assert!(err.is_would_block(), "{err}");
    assert_eq!(tls.want(), Want::Read);
    assert!(
        took >= Duration::from_millis(150) && took < WAIT,
        "{took:?}"
    );
    // Still usable: a second attempt times out the same way.
    assert!(tls.handshake().unwrap_err().is_would_block());
    assert!(tls.is_handshaking());

    // Non-blocking: at once.
    let listener = tls_common::listener();
    let socket = Socket::tcp(false).unwrap();
    socket.connect(&listener.local_addr().unwrap()).unwrap();
    let (_silent, _) = listener.accept().unwrap();
    socket.set_blocking(false).unwrap();
    let mut tls = TlsStream::client(socket, &config, "localhost").unwrap();
    let err = tls.recv(10).unwrap_err();
    assert!(err.is_would_block(), "{err}");
    assert_eq!(tls.want(), Want::Read);
    assert_eq!(err.operation(), "tls recv");
}

#[test]
fn nonblocking_send_reports_bytes_taken_before_it_would_block() {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let server_config = server_config(&ca.server(&["localhost"]));
    let (client_socket, server_socket) = tcp_pair();
    let mut server = TlsStream::server(server_socket, &server_config).unwrap();
    let mut client = TlsStream::client(client_socket, &config, "localhost").unwrap();
    client.socket().set_blocking(false).unwrap();
    server.socket().set_blocking(false).unwrap();
    // Handshake in lock step.
    for _ in 0..100 {
        let a = client.handshake();
        let b = server.handshake();
        if a.is_ok() && b.is_ok() {
            break;
        }
    }
    assert!(!client.is_handshaking() && !server.is_handshaking());

    let data = pattern(8 << 20, 3);
    let mut sent = 0;
    let mut blocked = false;
    let mut received = 0;
    let deadline = Instant::now() + WAIT * 4;
    while received < data.len() {
        assert!(Instant::now() < deadline, "stuck at {sent}/{received}");
        if sent < data.len() {
            match client.send(&data[sent..]) {
                Ok(n) => sent += n,
                Err(err) if err.is_would_block() => {
                    assert_eq!(client.want(), Want::Write);
                    blocked = true;
                }
                Err(err) => panic!("{err}"),
            }
        }
        // The reader only starts once the writer has been blocked once.
        if blocked {
            match server.recv(1 << 20) {
                Ok(Incoming::Data(bytes)) => {
                    assert!(bytes[..] == data[received..received + bytes.len()]);
                    received += bytes.len();
                }
                Ok(Incoming::Closed) => panic!("closed"),
                Err(err) if err.is_would_block() => {}
                Err(err) => panic!("{err}"),
            }
        }
    }
    assert!(blocked, "8 MiB never filled the socket buffers");
    assert_eq!(sent, data.len());
}

#[test]
fn configuration_errors_name_the_option() {
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    let einval = errno::EINVAL;
    let client_err = |options: ClientOptions| ClientConfig::new(&options).unwrap_err();
    let server_err = |options: ServerOptions| ServerConfig::new(&options).unwrap_err();

    let err = client_err(ClientOptions {
        roots: Roots::Pem(
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".into(),
        ),
        ..Default::default()
    });
    assert_code(&err, einval);
    assert!(err.message().starts_with("roots: bad PEM"), "{err}");
    let err = client_err(ClientOptions {
        roots: Roots::Pem(String::new()),
        ..Default::default()
    });
    assert!(err.message().starts_with("roots: no certificate"), "{err}");
    let err = client_err(ClientOptions {
        client_cert: Some(leaf.cert.clone()),
        ..Default::default()
    });
    assert!(err.message().starts_with("client_key:"), "{err}");
    let err = client_err(ClientOptions {
        client_cert: Some(leaf.cert.clone()),
        client_key: Some(ca.pem.key.clone()), // not the certificate's key
        roots: Roots::Mozilla,
        ..Default::default()
    });
    assert!(err.message().starts_with("client_key:"), "{err}");
    let err = client_err(ClientOptions {
        alpn: vec![Vec::new()],
        ..Default::default()
    });
    assert!(err.message().starts_with("alpn:"), "{err}");

    let err = server_err(ServerOptions {
        cert: leaf.cert.clone(),
        ..Default::default()
    });
    assert!(err.message().starts_with("key:"), "{err}");
    let err = server_err(ServerOptions {
        cert: leaf.key.clone(),
        key: leaf.key.clone(),
        ..Default::default()
    });
    assert!(err.message().starts_with("cert: no certificate"), "{err}");
    let unknown_kind = "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n";
    let err = server_err(ServerOptions {
        cert: leaf.cert.clone(),
        key: unknown_kind.into(),
        ..Default::default()
    });
    assert_code(&err, einval);
    assert!(err.message().starts_with("key: no private key"), "{err}");
    let not_a_key = "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n";
    let err = server_err(ServerOptions {
        cert: leaf.cert.clone(),
        key: not_a_key.into(),
        ..Default::default()
    });
    assert!(
        err.message().starts_with("key: unsupported private key"),
        "{err}"
    );
    let err = server_err(ServerOptions {
        cert: leaf.cert.clone(),
        key: ca.pem.key.clone(),
        ..Default::default()
    });
    assert!(err.message().starts_with("key:"), "mismatched key: {err}");
    let err = server_err(ServerOptions {
        cert: leaf.cert.clone(),
        key: leaf.key.clone(),
        client_ca: Some("nothing".into()),
        ..Default::default()
    });
    assert!(err.message().starts_with("client_ca:"), "{err}");

    // Streams: a bad server name, a datagram socket, a closed socket.
    let config = client_config(&ca);
    let err = TlsStream::client(Socket::tcp(false).unwrap(), &config, "bad name!").unwrap_err();
    assert_code(&err, einval);
    let err = TlsStream::client(Socket::udp(false).unwrap(), &config, "localhost").unwrap_err();
    assert_code(&err, einval);
    let mut closed = Socket::tcp(false).unwrap();
    closed.close().unwrap();
    assert!(TlsStream::client(closed, &config, "localhost")
        .unwrap_err()
        .is_closed());
}

#[test]
fn system_and_mozilla_roots_build() {
    ClientConfig::new(&ClientOptions {
        roots: Roots::Mozilla,
        ..Default::default()
    })
    .unwrap();
    match ClientConfig::new(&ClientOptions::default()) {
        Ok(config) => drop(config.clone()),
        // A machine without a CA bundle: the error names the option.
        Err(err) => assert!(err.message().starts_with("roots: system"), "{err}"),
    }
}

#[test]
fn streams_and_configs_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<TlsStream>();
    check::<ClientConfig>();
    check::<ServerConfig>();
}

/// `cipher_suites` limits and orders the suites; a name rustls does not offer is an error
/// naming the option.
#[test]
fn cipher_suites_option() {
    let ca = Ca::new("test CA");
    let leaf = ca.server(&["localhost"]);
    for suite in ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"] {
        let config = ClientConfig::new(&ClientOptions {
            roots: Roots::Pem(ca.pem.cert.clone()),
            cipher_suites: vec![suite.to_owned()],
            ..Default::default()
        })
        .unwrap();
        let (client, server) = run(echo_server(server_config(&leaf)), |socket| {
            let mut tls = handshake_client(&config, "localhost")(socket).unwrap();
            let negotiated = tls.cipher_suite();
            tls.close().unwrap();
            negotiated
        });
        server.unwrap();
        assert_eq!(client, Some(suite));
    }
    // The server's list too: no suite in common is a failed handshake on both sides.
    let server = ServerConfig::new(&ServerOptions {
        cert: leaf.cert.clone(),
        key: leaf.key.clone(),
        cipher_suites: vec!["TLS_AES_256_GCM_SHA384".to_owned()],
        ..Default::default()
    })
    .unwrap();
    let client = ClientConfig::new(&ClientOptions {
        roots: Roots::Pem(ca.pem.cert.clone()),
        cipher_suites: vec!["TLS_AES_128_GCM_SHA256".to_owned()],
        ..Default::default()
    })
    .unwrap();
    let (client, server) = run(
        move |socket| TlsStream::server(socket, &server)?.handshake(),
        |socket| handshake_client(&client, "localhost")(socket).map(|_| ()),
    );
    assert_code(&client.unwrap_err(), sgssockets_core::tls::EPROTO);
    assert_code(&server.unwrap_err(), sgssockets_core::tls::EPROTO);

    let err = ClientConfig::new(&ClientOptions {
        cipher_suites: vec!["TLS_NULL_WITH_NULL_NULL".to_owned()],
        ..Default::default()
    })
    .unwrap_err();
    assert_code(&err, errno::EINVAL);
    assert!(
        err.message().starts_with(
            "cipher_suites: unknown or unsupported cipher suite 'TLS_NULL_WITH_NULL_NULL'"
        ),
        "{err}"
    );
}
