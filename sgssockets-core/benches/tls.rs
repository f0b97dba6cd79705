//! TLS benchmarks (issue 9): sgssockets-core's `TlsStream` against a plain rustls program
//! doing the same over `std::net`, in the same run, TLS 1.3 with AES-128-GCM only.
//!
//! - Bulk: 256 MiB in one direction over a fresh loopback connection, both ends in this
//!   one thread with non-blocking sockets driven alternately (the sender writes until the
//!   socket would block, then the receiver reads until it would block): core plaintext
//!   `Socket`, core `TlsStream`, plain rustls (`ClientConnection`/`ServerConnection` with
//!   `write_tls`/`read_tls` over `TcpStream`).
//! - Handshakes: full (the client has resumption disabled) and resumed (TLS 1.3 tickets from
//!   the server's session cache; one client config per variant keeps its session cache),
//!   client and server in this one thread, non-blocking. A handshake is timed from making
//!   the two sessions until both finished and the client took the server's tickets; the TCP
//!   connection is made and torn down outside the timed part.
//!
//! The paired part runs the variants interleaved, in rounds that rotate which variant goes
//! first, and reports wall time and this thread's CPU time (the whole benchmark is one
//! thread, so CPU time is what it cost even when other processes share the machine), the
//! median per variant and the median of the per-round ratios. Then criterion measures the
//! handshakes again (wall time).
//!
//! `cargo bench -p sgssockets-core --bench tls` (run without `--bench`, e.g. by
//! `cargo test --benches`, it only checks each variant once on a small transfer).

#[cfg(not(feature = "tls"))]
fn main() {
    eprintln!("the TLS benchmarks need the `tls` feature");
}

#[cfg(feature = "tls")]
fn main() {
    imp::main();
}

#[cfg(feature = "tls")]
mod imp {
    use std::io::{self, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use criterion::Criterion;
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
    use rustls::{ClientConnection, ConnectionCommon, HandshakeKind, ServerConnection};
    use sgssockets_core::tls::{ClientConfig, ServerConfig, TlsStream};
    use sgssockets_core::{Incoming, MsgFlags, Socket};

    const SERVER_NAME: &str = "localhost";
    const SUITE: &str = "TLS_AES_128_GCM_SHA256";
    /// Bytes handed to one send call (rustls takes up to 64 KiB of it at a time).
    const CHUNK: usize = 256 * 1024;

    /// How much the run measures.
    struct Plan {
        bulk_bytes: usize,
        bulk_rounds: usize,
        handshakes_per_batch: usize,
        handshake_rounds: usize,
        criterion: bool,
    }

    pub fn main() {
        // One plain rustls transfer of N MiB, for a side-by-side run with another program
        // (benches/sgs/tls_bulk.sh): prints "rustls_bulk_seconds WALL CPU".
        let args: Vec<String> = std::env::args().collect();
        if let Some(at) = args.iter().position(|arg| arg == "--rustls-bulk-once") {
            let mib: usize = args.get(at + 1).and_then(|n| n.parse().ok()).unwrap_or(256);
            let setup = Setup::new();
            bulk_rustls(&setup, 16 << 20); // warm-up
            let cost = bulk_rustls(&setup, mib << 20);
            println!("rustls_bulk_seconds {} {}", cost.wall, cost.cpu);
            return;
        }
        let full = args.iter().any(|arg| arg == "--bench");
        let plan = if full {
            Plan {
                bulk_bytes: 256 * 1024 * 1024,
                bulk_rounds: 15,
                handshakes_per_batch: 50,
                handshake_rounds: 21,
                criterion: true,
            }
        } else {
            Plan {
                bulk_bytes: 4 * 1024 * 1024,
                bulk_rounds: 1,
                handshakes_per_batch: 3,
                handshake_rounds: 1,
                criterion: false,
            }
        };
        let setup = Setup::new();
        bulk(&setup, &plan);
        handshakes(&setup, &plan, false);
        handshakes(&setup, &plan, true);
        if plan.criterion {
            let mut criterion = Criterion::default()
                .sample_size(20)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3))
                .configure_from_args();
            criterion_handshakes(&mut criterion, &setup);
            criterion.final_summary();
        }
    }

    // ---------------------------------------------------------------- setup

    /// A CA and a leaf for "localhost" signed by it (ECDSA P-256), made at run time.
    struct Pki {
        ca: CertificateDer<'static>,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    }

    fn pki() -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "sgssockets bench CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);

        let mut leaf = CertificateParams::new(vec![SERVER_NAME.to_owned()]).unwrap();
        leaf.distinguished_name
            .push(DnType::CommonName, SERVER_NAME);
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
        Pki {
            ca: ca_cert.der().clone(),
            chain: vec![leaf_cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        }
    }

    /// ring, with TLS_AES_128_GCM_SHA256 as the only cipher suite.
    fn provider() -> Arc<CryptoProvider> {
        let mut provider = rustls::crypto::ring::default_provider();
        provider.cipher_suites = vec![rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256];
        Arc::new(provider)
    }

    fn rustls_server(pki: &Pki) -> Arc<rustls::ServerConfig> {
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(pki.chain.clone(), pki.key.clone_key())
            .unwrap();
        Arc::new(config)
    }

    fn rustls_client(pki: &Pki, resume: bool) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(pki.ca.clone()).unwrap();
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        if !resume {
            config.resumption = rustls::client::Resumption::disabled();
        }
        Arc::new(config)
    }

    /// Listeners and configurations. Each variant has configurations of its own (same
    /// settings), so no session cache is shared between core and plain rustls.
    struct Setup {
        core_listener: Socket,
        std_listener: TcpListener,
        core_server: ServerConfig,
        core_client_full: ClientConfig,
        core_client_resume: ClientConfig,
        rustls_server: Arc<rustls::ServerConfig>,
        rustls_client_full: Arc<rustls::ClientConfig>,
        rustls_client_resume: Arc<rustls::ClientConfig>,
    }

    impl Setup {
        fn new() -> Setup {
            let pki = pki();
            let core_listener = Socket::tcp(false).unwrap();
            core_listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
            core_listener.listen(16).unwrap();
            Setup {
                core_listener,
                std_listener: TcpListener::bind("127.0.0.1:0").unwrap(),
                core_server: ServerConfig::from_rustls(rustls_server(&pki)),
                core_client_full: ClientConfig::from_rustls(rustls_client(&pki, false)),
                core_client_resume: ClientConfig::from_rustls(rustls_client(&pki, true)),
                rustls_server: rustls_server(&pki),
                rustls_client_full: rustls_client(&pki, false),
                rustls_client_resume: rustls_client(&pki, true),
            }
        }

        /// A connected non-blocking loopback pair of core sockets: (client, server).
        fn core_pair(&self) -> (Socket, Socket) {
            let client = Socket::tcp(false).unwrap();
            client
                .connect(&self.core_listener.local_addr().unwrap())
                .unwrap();
            let (server, _) = self.core_listener.accept().unwrap();
            for socket in [&client, &server] {
                socket.set_nodelay(true).unwrap();
                // Reset on close: no TIME_WAIT pile-up over thousands of connections.
                socket.set_linger(Some(Duration::ZERO)).unwrap();
                socket.set_nonblocking(true).unwrap();
            }
            (client, server)
        }

        /// The same with `std::net`.
        fn std_pair(&self) -> (TcpStream, TcpStream) {
            let client = TcpStream::connect(self.std_listener.local_addr().unwrap()).unwrap();
            let (server, _) = self.std_listener.accept().unwrap();
            for stream in [&client, &server] {
                stream.set_nodelay(true).unwrap();
                socket2::SockRef::from(stream)
                    .set_linger(Some(Duration::ZERO))
                    .unwrap();
                stream.set_nonblocking(true).unwrap();
            }
            (client, server)
        }
    }

    // ---------------------------------------------------------------- clocks

    /// Wall time and this thread's CPU time (user + system), in seconds.
    #[derive(Clone, Copy, Default, Debug)]
    struct Cost {
        wall: f64,
        cpu: f64,
    }

    impl std::ops::AddAssign for Cost {
        fn add_assign(&mut self, other: Cost) {
            self.wall += other.wall;
            self.cpu += other.cpu;
        }
    }

    struct Stopwatch {
        wall: Instant,
        cpu: f64,
    }

    impl Stopwatch {
        fn start() -> Stopwatch {
            let cpu = thread_cpu();
            Stopwatch {
                wall: Instant::now(),
                cpu,
            }
        }

        fn stop(self) -> Cost {
            let wall = self.wall.elapsed().as_secs_f64();
            Cost {
                wall,
                cpu: thread_cpu() - self.cpu,
            }
        }
    }

    /// This thread's CPU time in seconds (0 where there is no such clock).
    #[cfg(unix)]
    fn thread_cpu() -> f64 {
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec we own.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        now.tv_sec as f64 + now.tv_nsec as f64 * 1e-9
    }

    #[cfg(not(unix))]
    fn thread_cpu() -> f64 {
        0.0
    }

    fn median(values: &[f64]) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    }

    /// Runs `run(variant)` for every variant in `rounds` rounds, rotating which goes first.
    fn interleaved(
        variants: usize,
        rounds: usize,
        mut run: impl FnMut(usize) -> Cost,
    ) -> Vec<Vec<Cost>> {
        let mut costs = vec![Vec::with_capacity(rounds); variants];
        for round in 0..rounds {
            for offset in 0..variants {
                let variant = (round + offset) % variants;
                costs[variant].push(run(variant));
            }
        }
        costs
    }

    /// The median over rounds of `of(cost)`.
    fn summary(mine: &[Cost], of: impl Fn(&Cost) -> f64) -> f64 {
        median(&mine.iter().map(of).collect::<Vec<_>>())
    }

    /// The best (lowest) round: load on the machine only ever adds time.
    fn best(mine: &[Cost], of: impl Fn(&Cost) -> f64) -> f64 {
        mine.iter().map(of).fold(f64::INFINITY, f64::min)
    }

    /// `base`'s time over `mine`'s (a throughput ratio mine/base): the median of the
    /// per-round ratios, the first and third quartiles of them, and the ratio of the best
    /// rounds.
    fn ratios(mine: &[Cost], base: &[Cost], of: impl Fn(&Cost) -> f64 + Copy) -> String {
        let mut per_round: Vec<f64> = mine.iter().zip(base).map(|(m, b)| of(b) / of(m)).collect();
        per_round.sort_by(f64::total_cmp);
        let quartile = |q: usize| per_round[(per_round.len() - 1) * q / 4];
        format!(
            "{:.3} [{:.3}..{:.3}] best {:.3}",
            quartile(2),
            quartile(1),
            quartile(3),
            best(base, of) / best(mine, of)
        )
    }

    // ---------------------------------------------------------------- bulk

    fn would_block(err: &io::Error) -> bool {
        err.kind() == io::ErrorKind::WouldBlock
    }

    /// Core plaintext: `Socket::send` until it would block, then `Socket::recv` until it
    /// would block.
    fn bulk_plain(setup: &Setup, total: usize) -> Cost {
        let (client, server) = setup.core_pair();
        let data = vec![0x5a_u8; CHUNK];
        let mut buf = vec![0_u8; CHUNK];
        let (mut sent, mut got) = (0, 0);
        let clock = Stopwatch::start();
        while got < total {
            while sent < total {
                let len = (total - sent).min(CHUNK);
                match client.send(&data[..len], MsgFlags::empty()) {
                    Ok(n) => sent += n,
                    Err(err) if err.is_would_block() => break,
                    Err(err) => panic!("send: {err}"),
                }
            }
            loop {
                match server.recv(&mut buf, MsgFlags::empty()) {
                    Ok(Incoming::Data(n)) => got += n,
                    Ok(Incoming::Closed) => panic!("recv: closed"),
                    Err(err) if err.is_would_block() => break,
                    Err(err) => panic!("recv: {err}"),
                }
            }
        }
        let cost = clock.stop();
        assert_eq!(got, total);
        cost
    }

    /// Core TLS: `TlsStream::send` until it would block, then `TlsStream::recv_into` until
    /// it would block.
    fn bulk_core(setup: &Setup, total: usize) -> Cost {
        let (client, server) = setup.core_pair();
        let mut client = TlsStream::client(client, &setup.core_client_full, SERVER_NAME).unwrap();
        let mut server = TlsStream::server(server, &setup.core_server).unwrap();
        core_handshake(&mut client, &mut server);
        assert_eq!(client.protocol_version(), Some("TLSv1.3"));
        assert_eq!(client.cipher_suite(), Some(SUITE));
        let data = vec![0x5a_u8; CHUNK];
        let mut buf = vec![0_u8; CHUNK];
        let (mut sent, mut got) = (0, 0);
        let clock = Stopwatch::start();
        while got < total {
            while sent < total {
                let len = (total - sent).min(CHUNK);
                match client.send(&data[..len]) {
                    Ok(n) => sent += n,
                    Err(err) if err.is_would_block() => break,
                    Err(err) => panic!("tls send: {err}"),
                }
            }
            loop {
                match server.recv_into(&mut buf) {
                    Ok(Incoming::Data(n)) => got += n,
                    Ok(Incoming::Closed) => panic!("tls recv: closed"),
                    Err(err) if err.is_would_block() => break,
                    Err(err) => panic!("tls recv: {err}"),
                }
            }
        }
        let cost = clock.stop();
        assert_eq!(got, total);
        cost
    }

    /// Plain rustls: `writer().write` and `write_tls` until the socket would block, then
    /// `reader().read` and, when that is empty, `read_tls` + `process_new_packets`, until the
    /// socket would block.
    fn bulk_rustls(setup: &Setup, total: usize) -> Cost {
        let (mut client_tcp, mut server_tcp) = setup.std_pair();
        let name = ServerName::try_from(SERVER_NAME).unwrap();
        let mut client =
            ClientConnection::new(setup.rustls_client_full.clone(), name.clone()).unwrap();
        let mut server = ServerConnection::new(setup.rustls_server.clone()).unwrap();
        rustls_handshake(&mut client, &mut client_tcp, &mut server, &mut server_tcp);
        assert_eq!(
            client.negotiated_cipher_suite().map(|s| s.suite()),
            Some(rustls::CipherSuite::TLS13_AES_128_GCM_SHA256)
        );
        let data = vec![0x5a_u8; CHUNK];
        let mut buf = vec![0_u8; CHUNK];
        let (mut sent, mut got) = (0, 0);
        let clock = Stopwatch::start();
        while got < total {
            'send: loop {
                while client.wants_write() {
                    match client.write_tls(&mut client_tcp) {
                        Ok(_) => {}
                        Err(err) if would_block(&err) => break 'send,
                        Err(err) => panic!("write_tls: {err}"),
                    }
                }
                if sent == total {
                    break;
                }
                let len = (total - sent).min(CHUNK);
                sent += client.writer().write(&data[..len]).unwrap();
            }
            loop {
                match server.reader().read(&mut buf) {
                    Ok(0) => panic!("read: closed"),
                    Ok(n) => {
                        got += n;
                        continue;
                    }
                    Err(err) if would_block(&err) => {}
                    Err(err) => panic!("read: {err}"),
                }
                match server.read_tls(&mut server_tcp) {
                    Ok(0) => panic!("read_tls: end of stream"),
                    Ok(_) => {
                        server.process_new_packets().unwrap();
                    }
                    Err(err) if would_block(&err) => break,
                    Err(err) => panic!("read_tls: {err}"),
                }
            }
        }
        let cost = clock.stop();
        assert_eq!(got, total);
        cost
    }

    fn bulk(setup: &Setup, plan: &Plan) {
        const NAMES: [&str; 3] = ["core plaintext Socket", "core TlsStream", "plain rustls"];
        let total = plan.bulk_bytes;
        // Warm up (allocations, page faults, the CPU's frequency).
        bulk_plain(setup, total / 4);
        bulk_core(setup, total / 4);
        bulk_rustls(setup, total / 4);
        let costs = interleaved(3, plan.bulk_rounds, |variant| match variant {
            0 => bulk_plain(setup, total),
            1 => bulk_core(setup, total),
            _ => bulk_rustls(setup, total),
        });
        let bytes = total as f64;
        println!(
            "tls bulk: {} MiB one way over loopback, TLS 1.3 {SUITE}, one thread, \
             non-blocking; {} interleaved rounds (medians; GB = 10^9 bytes)",
            total >> 20,
            plan.bulk_rounds
        );
        for (name, cost) in NAMES.iter().zip(&costs) {
            println!(
                "  {name:<22} {:>6.3} GB/s wall   {:>6.3} GB/s CPU   (CPU/wall {:.2}; best \
                 round {:.3} wall, {:.3} CPU)",
                bytes / summary(cost, |c| c.wall) / 1e9,
                bytes / summary(cost, |c| c.cpu) / 1e9,
                summary(cost, |c| c.cpu / c.wall),
                bytes / best(cost, |c| c.wall) / 1e9,
                bytes / best(cost, |c| c.cpu) / 1e9,
            );
        }
        // Throughput ratios: median of the per-round ratios [quartiles], ratio of the bests.
        let pairs = [
            ("core TlsStream / plain rustls (goal >= 0.97)", 1, 2),
            ("core TlsStream / plaintext", 1, 0),
            ("plain rustls / plaintext", 2, 0),
        ];
        for (title, mine, base) in pairs {
            println!("  {title}");
            println!(
                "      wall {}   CPU {}",
                ratios(&costs[mine], &costs[base], |c| c.wall),
                ratios(&costs[mine], &costs[base], |c| c.cpu),
            );
        }
    }

    // ---------------------------------------------------------------- handshakes

    fn step(result: sgssockets_core::Result<()>) -> bool {
        match result {
            Ok(()) => true,
            Err(err) if err.is_would_block() => false,
            Err(err) => panic!("tls handshake: {err}"),
        }
    }

    /// Drives both core streams' handshakes, then lets the client take the server's
    /// session tickets (a receive that finds no data).
    fn core_handshake(client: &mut TlsStream, server: &mut TlsStream) {
        let (mut client_done, mut server_done) = (false, false);
        let mut turns = 0;
        while !(client_done && server_done) {
            if !client_done {
                client_done = step(client.handshake());
            }
            if !server_done {
                server_done = step(server.handshake());
            }
            turns += 1;
            assert!(turns < 100, "the handshake does not progress");
        }
        let mut byte = [0_u8; 1];
        match client.recv_into(&mut byte) {
            Err(err) if err.is_would_block() => {}
            other => panic!("tickets: {other:?}"),
        }
    }

    /// One side of a non-blocking rustls handshake: write what is queued, read and
    /// process, until it finished (true) or the socket would block (false).
    fn rustls_drive<D: rustls::SideData>(
        conn: &mut ConnectionCommon<D>,
        tcp: &mut TcpStream,
    ) -> bool {
        loop {
            while conn.wants_write() {
                match conn.write_tls(tcp) {
                    Ok(_) => {}
                    Err(err) if would_block(&err) => return false,
                    Err(err) => panic!("write_tls: {err}"),
                }
            }
            if !conn.is_handshaking() {
                return true;
            }
            match conn.read_tls(tcp) {
                Ok(0) => panic!("read_tls: end of stream during the handshake"),
                Ok(_) => {
                    conn.process_new_packets().unwrap();
                }
                Err(err) if would_block(&err) => return false,
                Err(err) => panic!("read_tls: {err}"),
            }
        }
    }

    /// Both rustls handshakes, then the client reads the server's session tickets.
    fn rustls_handshake(
        client: &mut ClientConnection,
        client_tcp: &mut TcpStream,
        server: &mut ServerConnection,
        server_tcp: &mut TcpStream,
    ) {
        let (mut client_done, mut server_done) = (false, false);
        let mut turns = 0;
        while !(client_done && server_done) {
            if !client_done {
                client_done = rustls_drive(client, client_tcp);
            }
            if !server_done {
                server_done = rustls_drive(server, server_tcp);
            }
            turns += 1;
            assert!(turns < 100, "the handshake does not progress");
        }
        loop {
            match client.read_tls(client_tcp) {
                Ok(0) => panic!("read_tls: end of stream"),
                Ok(_) => {
                    client.process_new_packets().unwrap();
                }
                Err(err) if would_block(&err) => break,
                Err(err) => panic!("read_tls: {err}"),
            }
        }
    }

    fn expected_kind(resume: bool) -> HandshakeKind {
        if resume {
            HandshakeKind::Resumed
        } else {
            HandshakeKind::Full
        }
    }

    /// One timed core handshake on a fresh connection (made and dropped untimed); checks it
    /// was full or resumed as asked unless `warm_up` (the first one fills the cache).
    fn one_core(setup: &Setup, resume: bool, warm_up: bool) -> Cost {
        let config = if resume {
            &setup.core_client_resume
        } else {
            &setup.core_client_full
        };
        let (client, server) = setup.core_pair();
        let clock = Stopwatch::start();
        let mut client = TlsStream::client(client, config, SERVER_NAME).unwrap();
        let mut server = TlsStream::server(server, &setup.core_server).unwrap();
        core_handshake(&mut client, &mut server);
        let cost = clock.stop();
        if !warm_up {
            assert_eq!(
                client.connection().handshake_kind(),
                Some(expected_kind(resume))
            );
        }
        cost
    }

    /// One timed plain rustls handshake on a fresh connection (made and dropped untimed).
    fn one_rustls(setup: &Setup, resume: bool, warm_up: bool) -> Cost {
        let config = if resume {
            &setup.rustls_client_resume
        } else {
            &setup.rustls_client_full
        };
        let (mut client_tcp, mut server_tcp) = setup.std_pair();
        let clock = Stopwatch::start();
        let name = ServerName::try_from(SERVER_NAME).unwrap();
        let mut client = ClientConnection::new(config.clone(), name).unwrap();
        let mut server = ServerConnection::new(setup.rustls_server.clone()).unwrap();
        rustls_handshake(&mut client, &mut client_tcp, &mut server, &mut server_tcp);
        let cost = clock.stop();
        if !warm_up {
            assert_eq!(client.handshake_kind(), Some(expected_kind(resume)));
        }
        cost
    }

    fn batch(count: usize, mut one: impl FnMut() -> Cost) -> Cost {
        let mut total = Cost::default();
        for _ in 0..count {
            total += one();
        }
        total
    }

    fn handshakes(setup: &Setup, plan: &Plan, resume: bool) {
        let kind = if resume { "resumed" } else { "full" };
        let per = plan.handshakes_per_batch;
        // Warm up; with resumption this also fills the client session caches.
        batch(per, || one_core(setup, resume, true));
        batch(per, || one_rustls(setup, resume, true));
        let costs = interleaved(2, plan.handshake_rounds, |variant| match variant {
            0 => batch(per, || one_core(setup, resume, false)),
            _ => batch(per, || one_rustls(setup, resume, false)),
        });
        println!(
            "tls handshakes, {kind} (TLS 1.3, ECDSA P-256, X25519, client and server in one \
             thread): {} interleaved rounds of {per} (medians)",
            plan.handshake_rounds
        );
        let count = per as f64;
        for (name, cost) in ["core TlsStream", "plain rustls"].iter().zip(&costs) {
            println!(
                "  {name:<22} {:>8.0} /s wall   {:>8.0} /s CPU   ({:.1} µs CPU each, CPU/wall \
                 {:.2}; best round {:.0} /s wall, {:.0} /s CPU)",
                count / summary(cost, |c| c.wall),
                count / summary(cost, |c| c.cpu),
                summary(cost, |c| c.cpu) / count * 1e6,
                summary(cost, |c| c.cpu / c.wall),
                count / best(cost, |c| c.wall),
                count / best(cost, |c| c.cpu),
            );
        }
        println!("  core / plain rustls (goal >= 0.95)");
        println!(
            "      wall {}   CPU {}",
            ratios(&costs[0], &costs[1], |c| c.wall),
            ratios(&costs[0], &costs[1], |c| c.cpu),
        );
    }

    /// The same handshakes under criterion (wall time of the handshake part only).
    fn criterion_handshakes(c: &mut Criterion, setup: &Setup) {
        fn timed(iters: u64, mut one: impl FnMut() -> Cost) -> Duration {
            let mut total = 0.0;
            for _ in 0..iters {
                total += one().wall;
            }
            Duration::from_secs_f64(total)
        }
        let mut group = c.benchmark_group("tls_handshake");
        for resume in [false, true] {
            let kind = if resume { "resumed" } else { "full" };
            // The full handshakes before filled the server's session cache (256 entries,
            // two tickets per connection) and pushed out the tickets the resuming clients
            // hold: their next handshake is full again, and gets fresh tickets.
            for _ in 0..2 {
                one_core(setup, resume, true);
                one_rustls(setup, resume, true);
            }
            group.bench_function(format!("{kind}/core"), |b| {
                b.iter_custom(|iters| timed(iters, || one_core(setup, resume, false)))
            });
            group.bench_function(format!("{kind}/rustls"), |b| {
                b.iter_custom(|iters| timed(iters, || one_rustls(setup, resume, false)))
            });
        }
        group.finish();
    }
}
