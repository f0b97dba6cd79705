//! Shared helpers of the TLS tests: a test PKI made with rcgen at run time (no private key
//! is committed), loopback pairs, and peers run as child processes (Python's ssl, openssl)
//! that are always killed and waited for within a bound.
#![allow(dead_code, unused_imports)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sgssockets_core::tls::{ClientConfig, ClientOptions, Roots, ServerConfig, ServerOptions};
use sgssockets_core::Socket;

pub use sgssockets_test_support::certs::{self_signed, Ca, Pem};
pub use sgssockets_test_support::WAIT;

/// A server configuration for `pem`.
pub fn server_config(pem: &Pem) -> ServerConfig {
    ServerConfig::new(&ServerOptions {
        cert: pem.cert.clone(),
        key: pem.key.clone(),
        ..Default::default()
    })
    .unwrap()
}

pub fn client_config(ca: &Ca) -> ClientConfig {
    ClientConfig::new(&ClientOptions {
        roots: Roots::Pem(ca.pem.cert.clone()),
        ..Default::default()
    })
    .unwrap()
}

/// A bounded socket: receive and send time out after [`WAIT`].
pub fn bounded(socket: Socket) -> Socket {
    socket.set_recv_timeout(Some(WAIT)).unwrap();
    socket.set_send_timeout(Some(WAIT)).unwrap();
    socket
}

pub fn listener() -> Socket {
    let listener = bounded(Socket::tcp(false).unwrap());
    listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    listener.listen(16).unwrap();
    listener
}

/// A connected loopback TCP pair: (client, server side), both bounded.
pub fn tcp_pair() -> (Socket, Socket) {
    let listener = listener();
    let client = bounded(Socket::tcp(false).unwrap());
    client.connect(&listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, bounded(server))
}

/// Connects a bounded socket to 127.0.0.1:`port`.
pub fn connect(port: u16) -> Socket {
    let socket = bounded(Socket::tcp(false).unwrap());
    socket
        .connect(&format!("127.0.0.1:{port}").parse().unwrap())
        .unwrap();
    socket
}

/// A scratch directory for PEM files handed to child processes.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sgss-tls-{tag}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process that is killed and reaped when dropped.
pub struct Peer {
    child: Child,
    stdout: Option<BufReader<ChildStdout>>,
    pub name: String,
}

impl Peer {
    pub fn spawn(mut command: Command, name: &str) -> Peer {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| panic!("{name}: cannot start: {err}"));
        let stdout = child.stdout.take().map(BufReader::new);
        Peer {
            child,
            stdout,
            name: name.to_owned(),
        }
    }

    /// The next stdout line (bounded: a reader thread and a timeout).
    pub fn line(&mut self) -> String {
        let mut stdout = self.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            let _ = tx.send((line, stdout));
        });
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok((line, stdout)) => {
                self.stdout = Some(stdout);
                line.trim_end().to_owned()
            }
            Err(_) => panic!("{}: no output line within 20 s", self.name),
        }
    }

    /// Waits (bounded) for the exit; returns (success, stdout rest, stderr).
    pub fn finish(mut self) -> (bool, String, String) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut out = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            let _ = stdout.read_to_string(&mut out);
        }
        let mut err = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        let ok = status.is_some_and(|s| s.success());
        (ok, out, err)
    }

    pub fn stdin(&mut self) -> &mut std::process::ChildStdin {
        self.child.stdin.as_mut().unwrap()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `program` runs here; prints why a test is skipped when not.
pub fn have(program: &str, test: &str) -> bool {
    let ok = Command::new(program)
        .arg(if program == "openssl" {
            "version"
        } else {
            "--version"
        })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("{test}: SKIPPED, `{program}` is not installed");
    }
    ok
}

pub fn python_script(dir: &Path, text: &str) -> String {
    let path = dir.join("peer.py");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Deterministic pseudo-random bytes (xorshift), so both sides can check a transfer.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

pub fn errno(name: &str) -> i32 {
    sgssockets_core::errno::errno_by_name(name).unwrap()
}
