//! The three ways a benchmark talks TCP over loopback: sgssockets-core, std::net and raw
//! libc. Each variant owns a connected client and an echo thread written with the same API,
//! so a variant pays its API's cost on both ends. Unix only (raw libc).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::thread::JoinHandle;

use sgssockets_core::{Incoming, MsgFlags, Socket};

/// The echo protocol: the client sends `request` bytes, the server answers `reply` bytes.
#[derive(Clone, Copy, Debug)]
pub struct Exchange {
    pub request: usize,
    pub reply: usize,
}

/// One connected client with its echo server.
pub trait RoundTrip {
    /// A short name for reports.
    fn name(&self) -> &'static str;
    /// Sends one request and waits for the whole reply.
    fn round(&mut self);
}

/// Pins the calling thread to one CPU (Linux), so every variant's client runs on one CPU and
/// every echo thread on another: otherwise where the scheduler happens to put each variant's
/// echo thread, next to a busy process or not, biases that variant for a whole run.
pub fn pin_to_cpu(cpu: usize) {
    #[cfg(target_os = "linux")]
    {
        let available = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: cpu_set_t is plain data; CPU_SET writes one bit of the set we own, and
        // sched_setaffinity(0, ...) only reads it (0 is the calling thread).
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu % available, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cpu;
}

/// The CPU echo threads run on; clients run on CPU 0.
const SERVER_CPU: usize = 1;

/// Makes each variant for `exchange`, in a fixed order: core, std::net, raw libc.
pub fn all(exchange: Exchange) -> Vec<Box<dyn RoundTrip>> {
    vec![
        Box::new(CoreVariant::new(exchange)),
        Box::new(StdVariant::new(exchange)),
        Box::new(RawVariant::new(exchange)),
    ]
}

struct CoreVariant {
    client: Option<Socket>,
    server: Option<JoinHandle<()>>,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl CoreVariant {
    fn new(exchange: Exchange) -> Self {
        let listener = Socket::tcp(false).unwrap();
        listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
        listener.listen(1).unwrap();
        let client = Socket::tcp(false).unwrap();
        client.set_nodelay(true).unwrap();
        client.connect(&listener.local_addr().unwrap()).unwrap();
        let (conn, _) = listener.accept().unwrap();
        conn.set_nodelay(true).unwrap();
        let server = std::thread::spawn(move || {
            pin_to_cpu(SERVER_CPU);
            let reply = vec![1u8; exchange.reply];
            let mut buf = vec![0u8; exchange.request];
            loop {
                let mut got = 0;
                while got < exchange.request {
                    match conn.recv(&mut buf[..exchange.request - got], MsgFlags::empty()) {
                        Ok(Incoming::Data(n)) => got += n,
                        _ => return,
                    }
                }
                let mut sent = 0;
                while sent < reply.len() {
                    match conn.send(&reply[sent..], MsgFlags::empty()) {
                        Ok(n) => sent += n,
                        Err(_) => return,
                    }
                }
            }
        });
        CoreVariant {
            client: Some(client),
            server: Some(server),
            request: vec![7u8; exchange.request],
            buf: vec![0u8; exchange.reply],
        }
    }
}

impl RoundTrip for CoreVariant {
    fn name(&self) -> &'static str {
        "sgssockets-core"
    }

    fn round(&mut self) {
        let client = self.client.as_ref().unwrap();
        let mut sent = 0;
        while sent < self.request.len() {
            sent += client
                .send(&self.request[sent..], MsgFlags::empty())
                .unwrap();
        }
        let mut got = 0;
        while got < self.buf.len() {
            match client
                .recv(&mut self.buf[got..], MsgFlags::empty())
                .unwrap()
            {
                Incoming::Data(n) => got += n,
                Incoming::Closed => panic!("server closed"),
            }
        }
    }
}

impl Drop for CoreVariant {
    fn drop(&mut self) {
        drop(self.client.take());
        let _ = self.server.take().map(JoinHandle::join);
    }
}

/// Connects a std client to a fresh listener and returns both ends.
fn std_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    client.set_nodelay(true).unwrap();
    let (conn, _) = listener.accept().unwrap();
    conn.set_nodelay(true).unwrap();
    (client, conn)
}

struct StdVariant {
    client: Option<TcpStream>,
    server: Option<JoinHandle<()>>,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl StdVariant {
    fn new(exchange: Exchange) -> Self {
        let (client, mut conn) = std_pair();
        let server = std::thread::spawn(move || {
            pin_to_cpu(SERVER_CPU);
            let reply = vec![1u8; exchange.reply];
            let mut buf = vec![0u8; exchange.request];
            while conn.read_exact(&mut buf).is_ok() {
                if conn.write_all(&reply).is_err() {
                    return;
                }
            }
        });
        StdVariant {
            client: Some(client),
            server: Some(server),
            request: vec![7u8; exchange.request],
            buf: vec![0u8; exchange.reply],
        }
    }
}

impl RoundTrip for StdVariant {
    fn name(&self) -> &'static str {
        "std::net"
    }

    fn round(&mut self) {
        let client = self.client.as_mut().unwrap();
        client.write_all(&self.request).unwrap();
        client.read_exact(&mut self.buf).unwrap();
    }
}

impl Drop for StdVariant {
    fn drop(&mut self) {
        drop(self.client.take());
        let _ = self.server.take().map(JoinHandle::join);
    }
}

fn raw_send_all(fd: RawFd, data: &[u8]) -> bool {
    let mut sent = 0;
    while sent < data.len() {
        let rest = &data[sent..];
        // SAFETY: the pointer and length describe the live slice `rest`.
        let n = unsafe { libc::send(fd, rest.as_ptr().cast(), rest.len(), libc::MSG_NOSIGNAL) };
        if n <= 0 {
            return false;
        }
        sent += n as usize;
    }
    true
}

fn raw_recv_exact(fd: RawFd, buf: &mut [u8]) -> bool {
    let mut got = 0;
    while got < buf.len() {
        let rest = &mut buf[got..];
        // SAFETY: the pointer and length describe the live, writable slice `rest`.
        let n = unsafe { libc::recv(fd, rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n <= 0 {
            return false;
        }
        got += n as usize;
    }
    true
}

/// Raw libc send/recv on both ends; the std types only own the descriptors.
struct RawVariant {
    client: Option<TcpStream>,
    server: Option<JoinHandle<()>>,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl RawVariant {
    fn new(exchange: Exchange) -> Self {
        let (client, conn) = std_pair();
        let server = std::thread::spawn(move || {
            pin_to_cpu(SERVER_CPU);
            let fd = conn.as_raw_fd();
            let reply = vec![1u8; exchange.reply];
            let mut buf = vec![0u8; exchange.request];
            while raw_recv_exact(fd, &mut buf) && raw_send_all(fd, &reply) {}
            drop(conn);
        });
        RawVariant {
            client: Some(client),
            server: Some(server),
            request: vec![7u8; exchange.request],
            buf: vec![0u8; exchange.reply],
        }
    }
}

impl RoundTrip for RawVariant {
    fn name(&self) -> &'static str {
        "raw libc"
    }

    fn round(&mut self) {
        let fd = self.client.as_ref().unwrap().as_raw_fd();
        assert!(raw_send_all(fd, &self.request));
        assert!(raw_recv_exact(fd, &mut self.buf));
    }
}

impl Drop for RawVariant {
    fn drop(&mut self) {
        drop(self.client.take());
        let _ = self.server.take().map(JoinHandle::join);
    }
}
