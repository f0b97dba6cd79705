//! A TLS stream (server or client) fed arbitrary bytes by its peer: every call returns an
//! error or data, never panics or hangs, and after a failure nothing is sent but alerts.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sgssockets_core::constants::SOCK_STREAM;
use sgssockets_core::tls::{ClientConfig, ClientOptions, ServerConfig, ServerOptions, TlsStream};
use sgssockets_core::{Incoming, MsgFlags, Socket};

/// A server config with a certificate made at start-up (no key is kept anywhere), and a
/// client config that accepts any certificate (the fuzzer is the server).
fn configs() -> &'static (ServerConfig, ClientConfig) {
    static CONFIGS: OnceLock<(ServerConfig, ClientConfig)> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .expect("a test certificate");
        let server = ServerConfig::new(&ServerOptions {
            cert: made.cert.pem(),
            key: made.signing_key.serialize_pem(),
            ..Default::default()
        })
        .expect("server config");
        let client = ClientConfig::new(&ClientOptions {
            insecure_skip_verify: true,
            ..Default::default()
        })
        .expect("client config");
        (server, client)
    })
}

#[derive(Arbitrary, Debug)]
enum Step {
    /// The peer sends these bytes.
    Peer(Vec<u8>),
    /// The stream handshakes.
    Handshake,
    /// The stream receives up to this many bytes.
    Recv(u16),
    /// The stream sends this many bytes.
    Send(u16),
    /// The stream closes.
    Close,
}

#[derive(Arbitrary, Debug)]
struct Input {
    server: bool,
    steps: Vec<Step>,
}

fuzz_target!(|input: Input| {
    let (server_config, client_config) = configs();
    let (ours, peer) = Socket::pair(SOCK_STREAM).expect("a socket pair");
    ours.set_nonblocking(true).expect("non-blocking");
    peer.set_nonblocking(true).expect("non-blocking");
    let mut stream = if input.server {
        TlsStream::server(ours, server_config).expect("server stream")
    } else {
        TlsStream::client(ours, client_config, "localhost").expect("client stream")
    };
    let mut drain = vec![0u8; 65536];
    for step in input.steps.iter().take(64) {
        match step {
            Step::Peer(bytes) => {
                let _ = peer.send(bytes, MsgFlags::empty());
            }
            Step::Handshake => {
                let _ = stream.handshake();
            }
            Step::Recv(max) => {
                if let Ok(Incoming::Data(data)) = stream.recv(usize::from(*max).max(1)) {
                    assert!(data.len() <= usize::from(*max).max(1));
                }
            }
            Step::Send(len) => {
                let _ = stream.send(&vec![b'x'; usize::from(*len)]);
            }
            Step::Close => {
                let _ = stream.close();
                break;
            }
        }
        // Keep the peer's receive buffer from filling up (the stream never blocks anyway).
        while matches!(
            peer.recv(&mut drain, MsgFlags::empty()),
            Ok(Incoming::Data(n)) if n > 0
        ) {}
    }
});
