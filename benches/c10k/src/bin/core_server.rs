//! C10k echo server on `sgssockets_core::Poller` (level-triggered, one thread, safe code
//! only).
//!
//! `core_server [PORT=0 [LIFETIME_SECONDS=120]]` listens on 127.0.0.1:PORT, prints
//! `port N` on its first line, echoes whatever each connection sends, and exits by itself
//! after LIFETIME_SECONDS.

use std::process::exit;
use std::time::{Duration, Instant};

use sgssockets_core::{Incoming, Interest, MsgFlags, PollEvents, Poller, Socket, SocketAddress};

const LISTENER: u64 = u64::MAX - 1;

struct Conn {
    socket: Socket,
    /// Bytes not yet echoed because the send buffer was full (then the connection waits
    /// for writability instead of reading).
    unsent: Vec<u8>,
}

fn die(what: &str, err: sgssockets_core::Error) -> ! {
    eprintln!("core_server: {what}: {err}");
    exit(1)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).map_or(0, |p| p.parse().expect("PORT"));
    let lifetime = Duration::from_secs(args.get(2).map_or(120, |s| s.parse().expect("SECONDS")));

    let listener = Socket::tcp(false).unwrap_or_else(|e| die("socket", e));
    listener
        .set_reuse_addr(true)
        .unwrap_or_else(|e| die("SO_REUSEADDR", e));
    let addr: SocketAddress = format!("127.0.0.1:{port}").parse().expect("address");
    listener.bind(&addr).unwrap_or_else(|e| die("bind", e));
    listener.listen(4096).unwrap_or_else(|e| die("listen", e));
    listener
        .set_blocking(false)
        .unwrap_or_else(|e| die("O_NONBLOCK", e));
    let bound = listener
        .local_addr()
        .unwrap_or_else(|e| die("getsockname", e));
    println!("port {}", bound.port().expect("an IPv4 address has a port"));

    let poller = Poller::new().unwrap_or_else(|e| die("poller", e));
    poller
        .add(&listener, LISTENER, Interest::READ)
        .unwrap_or_else(|e| die("poller add", e));
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut events = PollEvents::new();
    let mut buf = vec![0u8; 64 * 1024];
    let deadline = Instant::now() + lifetime;
    let mut closed = Vec::new();

    while Instant::now() < deadline {
        poller
            .wait(&mut events, Some(Duration::from_millis(200)))
            .unwrap_or_else(|e| die("poller wait", e));
        for event in events.iter() {
            if event.key == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((socket, _)) => {
                            if let Err(e) = socket.set_blocking(false) {
                                die("O_NONBLOCK", e);
                            }
                            let _ = socket.set_nodelay(true);
                            let slot = free.pop().unwrap_or_else(|| {
                                conns.push(None);
                                conns.len() - 1
                            });
                            poller
                                .add(&socket, slot as u64, Interest::READ)
                                .unwrap_or_else(|e| die("poller add", e));
                            conns[slot] = Some(Conn {
                                socket,
                                unsent: Vec::new(),
                            });
                        }
                        Err(e) if e.is_would_block() => break,
                        // EMFILE and friends: leave the rest queued for the next wait.
                        Err(e) => {
                            eprintln!("core_server: accept: {e}");
                            break;
                        }
                    }
                }
                continue;
            }
            let slot = event.key as usize;
            let Some(conn) = conns[slot].as_mut() else {
                continue;
            };
            if !conn.unsent.is_empty() {
                // Waiting for room to finish an echo.
                match conn.socket.send(&conn.unsent, MsgFlags::empty()) {
                    Ok(n) => {
                        conn.unsent.drain(..n);
                        if conn.unsent.is_empty() {
                            let _ = poller.modify(&conn.socket, Interest::READ);
                        }
                    }
                    Err(e) if e.is_would_block() => {}
                    Err(_) => closed.push(slot),
                }
                continue;
            }
            match conn.socket.recv(&mut buf, MsgFlags::empty()) {
                Ok(Incoming::Data(n)) => match conn.socket.send(&buf[..n], MsgFlags::empty()) {
                    Ok(sent) if sent == n => {}
                    Ok(sent) => {
                        conn.unsent.extend_from_slice(&buf[sent..n]);
                        let _ = poller.modify(&conn.socket, Interest::WRITE);
                    }
                    Err(e) if e.is_would_block() => {
                        conn.unsent.extend_from_slice(&buf[..n]);
                        let _ = poller.modify(&conn.socket, Interest::WRITE);
                    }
                    Err(_) => closed.push(slot),
                },
                Ok(Incoming::Closed) => closed.push(slot),
                Err(e) if e.is_would_block() => {}
                Err(_) => closed.push(slot),
            }
        }
        for slot in closed.drain(..) {
            // Dropping the socket removes it from the poller.
            if conns[slot].take().is_some() {
                free.push(slot);
            }
        }
    }
}
