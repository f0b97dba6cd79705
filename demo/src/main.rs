//! A loopback TCP and UDP echo through sgssockets-core, printing what it does.
//!
//! Run with `cargo run --release -p sgssockets-demo` (from the workspace root).

use std::time::{Duration, Instant};

use sgssockets_core::{select, Incoming, MsgFlags, Result, Socket};

const WAIT: Duration = Duration::from_secs(5);

fn bounded(socket: Socket) -> Result<Socket> {
    socket.set_recv_timeout(Some(WAIT))?;
    socket.set_send_timeout(Some(WAIT))?;
    Ok(socket)
}

fn tcp_echo() -> Result<()> {
    let listener = bounded(Socket::tcp(false)?)?;
    listener.set_reuse_addr(true)?;
    listener.bind(&"127.0.0.1:0".parse()?)?;
    listener.listen(8)?;
    let addr = listener.local_addr()?;
    println!("tcp: server listening on {addr}");

    let server = std::thread::spawn(move || -> Result<usize> {
        let (conn, peer) = listener.accept()?;
        let conn = bounded(conn)?;
        println!("tcp: server accepted {peer}");
        let mut echoed = 0;
        loop {
            let step =
                conn.recv_bounded(4096, MsgFlags::empty(), |incoming| match incoming {
                    Incoming::Data(bytes) => conn.send(bytes, MsgFlags::empty()).map(Some),
                    Incoming::Closed => Ok(None),
                })??;
            match step {
                Some(sent) => echoed += sent,
                None => return Ok(echoed),
            }
        }
    });

    let client = bounded(Socket::tcp(false)?)?;
    client.set_nodelay(true)?;
    client.connect(&addr)?;
    println!("tcp: client {} connected", client.local_addr()?);
    let rounds = 1000;
    let message = [b'x'; 64];
    let started = Instant::now();
    for _ in 0..rounds {
        client.send(&message, MsgFlags::empty())?;
        let mut got = 0;
        while got < message.len() {
            got += client.recv_bounded(message.len() - got, MsgFlags::empty(), |i| match i {
                Incoming::Data(bytes) => bytes.len(),
                Incoming::Closed => panic!("server closed early"),
            })?;
        }
    }
    let per_round = started.elapsed() / rounds;
    client.shutdown(std::net::Shutdown::Write)?;
    let echoed = server.join().expect("server thread")?;
    println!(
        "tcp: {rounds} round trips of 64 bytes, {per_round:?} each; server echoed {echoed} bytes"
    );
    Ok(())
}

fn udp_echo() -> Result<()> {
    let server = bounded(Socket::udp(false)?)?;
    server.bind(&"127.0.0.1:0".parse()?)?;
    let client = bounded(Socket::udp(false)?)?;
    client.bind(&"127.0.0.1:0".parse()?)?;
    println!(
        "udp: server on {}, client on {}",
        server.local_addr()?,
        client.local_addr()?
    );

    for text in ["hello", "", "goodbye"] {
        client.send_to(text.as_bytes(), &server.local_addr()?, MsgFlags::empty())?;
        let mut readable = vec![&server];
        select(&mut readable, &mut vec![], &mut vec![], Some(WAIT))?;
        let (data, from) =
            server.recv_from_bounded(1500, MsgFlags::empty(), |d, f| (datagram(d), f))?;
        server.send_to(&data, &from, MsgFlags::empty())?;
        let (reply, _) =
            client.recv_from_bounded(1500, MsgFlags::empty(), |d, f| (datagram(d), f))?;
        println!(
            "udp: sent {:?} ({} bytes) from {from}, echoed back {:?}",
            text,
            data.len(),
            String::from_utf8_lossy(&reply)
        );
    }
    Ok(())
}

fn main() -> Result<()> {
    tcp_echo()?;
    udp_echo()?;
    println!("echo: done");
    Ok(())
}

/// A received datagram's bytes (a datagram socket never reports a closed peer).
fn datagram(incoming: Incoming<&[u8]>) -> Vec<u8> {
    match incoming {
        Incoming::Data(bytes) => bytes.to_vec(),
        Incoming::Closed => Vec::new(),
    }
}
