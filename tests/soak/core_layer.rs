//! Ping-pong through sgssockets-core on both ends.

use std::time::Duration;

use sgssockets_core::{Incoming, MsgFlags, Socket};

use crate::MESSAGE;

fn bounded(socket: Socket) -> Socket {
    socket
        .set_recv_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket
        .set_send_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket.set_nodelay(true).unwrap();
    socket
}

/// Receives exactly `len` bytes; `false` if the peer closed first.
fn recv_exact(socket: &Socket, len: usize) -> bool {
    let mut got = 0;
    while got < len {
        let step = socket
            .recv_bounded(len - got, MsgFlags::empty(), |incoming| match incoming {
                Incoming::Data(bytes) => bytes.len(),
                Incoming::Closed => 0,
            })
            .expect("recv");
        if step == 0 {
            return false;
        }
        got += step;
    }
    true
}

pub fn run(rounds: u64, checkpoint: &mut dyn FnMut(u64)) {
    let listener = Socket::tcp(false).unwrap();
    listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    listener.listen(1).unwrap();
    let client = bounded(Socket::tcp(false).unwrap());
    client.connect(&listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    let server = bounded(server);
    let echo = std::thread::spawn(move || {
        let pong = [2u8; MESSAGE];
        while recv_exact(&server, MESSAGE) {
            server.send(&pong, MsgFlags::empty()).expect("send pong");
        }
    });
    let ping = [1u8; MESSAGE];
    for done in 1..=rounds {
        assert_eq!(client.send(&ping, MsgFlags::empty()).unwrap(), MESSAGE);
        assert!(recv_exact(&client, MESSAGE), "server closed early");
        checkpoint(done);
    }
    drop(client);
    echo.join().unwrap();
}
