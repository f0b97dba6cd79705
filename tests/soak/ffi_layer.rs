//! Ping-pong through the C ABI (`sgss_*`) on both ends, called as a C host would.

use std::ptr;

use sgssockets_ffi::address::*;
use sgssockets_ffi::options::*;
use sgssockets_ffi::socket::*;
use sgssockets_ffi::{sgss_error, sgss_result};

use crate::MESSAGE;

/// Panics with the library's message unless `result` is OK.
fn check(result: sgss_result, err: &sgss_error) {
    if result != sgss_result::Ok {
        // SAFETY: the library NUL-terminates `message` in every error it fills.
        let text = unsafe { std::ffi::CStr::from_ptr(err.message.as_ptr()) };
        panic!("{result:?}: {}", text.to_string_lossy());
    }
}

/// A socket pointer that may move to another thread (the C API allows that).
struct Shared(*mut sgss_socket);
// SAFETY: sgssockets-ffi documents socket handles as usable from any thread.
unsafe impl Send for Shared {}

fn new_error() -> sgss_error {
    // SAFETY: sgss_error is plain data (integers and a byte array); all-zero is valid.
    unsafe { std::mem::zeroed() }
}

/// Receives exactly `len` bytes into `buf`; `false` if the peer closed first.
fn recv_exact(socket: *mut sgss_socket, buf: &mut [u8], err: &mut sgss_error) -> bool {
    let mut got = 0;
    while got < buf.len() {
        let mut n = 0;
        // SAFETY: `socket` is live; the pointer and length describe `buf[got..]`.
        let result = unsafe {
            sgss_socket_recv(
                socket,
                buf[got..].as_mut_ptr().cast(),
                buf.len() - got,
                0,
                &mut n,
                err,
            )
        };
        if result == sgss_result::PeerClosed {
            return false;
        }
        check(result, err);
        got += n;
    }
    true
}

fn send_all(socket: *mut sgss_socket, data: &[u8], err: &mut sgss_error) {
    let mut sent = 0;
    // SAFETY: `socket` is live; the pointer and length describe `data`.
    check(
        unsafe { sgss_socket_send(socket, data.as_ptr().cast(), data.len(), 0, &mut sent, err) },
        err,
    );
    assert_eq!(sent, data.len());
}

fn configure(socket: *mut sgss_socket, err: &mut sgss_error) {
    // SAFETY: `socket` is a live handle from this library.
    unsafe {
        check(sgss_socket_set_recv_timeout(socket, 10.0, err), err);
        check(sgss_socket_set_send_timeout(socket, 10.0, err), err);
        check(sgss_socket_set_nodelay(socket, true, err), err);
    }
}

pub fn run(rounds: u64, checkpoint: &mut dyn FnMut(u64)) {
    let mut err = new_error();
    let c_text = c"127.0.0.1";
    let (mut listener, mut client, mut server) =
        (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    let (mut bind_to, mut listen_at, mut peer) =
        (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    // SAFETY: every pointer passed is a live handle from this library or a valid out-slot.
    unsafe {
        check(sgss_socket_tcp(false, &mut listener, &mut err), &err);
        check(
            sgss_address_parse(
                sgssockets_core::constants::AF_INET,
                c_text.as_ptr(),
                0,
                &mut bind_to,
                &mut err,
            ),
            &err,
        );
        check(sgss_socket_bind(listener, bind_to, &mut err), &err);
        check(sgss_socket_listen(listener, 1, &mut err), &err);
        check(
            sgss_socket_local_address(listener, &mut listen_at, &mut err),
            &err,
        );
        check(sgss_socket_tcp(false, &mut client, &mut err), &err);
        configure(client, &mut err);
        check(sgss_socket_connect(client, listen_at, &mut err), &err);
        check(
            sgss_socket_accept(listener, &mut server, &mut peer, &mut err),
            &err,
        );
        configure(server, &mut err);
        sgss_address_free(bind_to);
        sgss_address_free(listen_at);
        sgss_address_free(peer);
        sgss_socket_free(listener);
    }
    let server = Shared(server);
    let echo = std::thread::spawn(move || {
        let server = server;
        let mut err = new_error();
        let mut buf = [0u8; MESSAGE];
        let pong = [2u8; MESSAGE];
        while recv_exact(server.0, &mut buf, &mut err) {
            send_all(server.0, &pong, &mut err);
        }
        // SAFETY: this thread owns the server handle and frees it once.
        unsafe { sgss_socket_free(server.0) };
    });
    let ping = [1u8; MESSAGE];
    let mut buf = [0u8; MESSAGE];
    for done in 1..=rounds {
        send_all(client, &ping, &mut err);
        assert!(
            recv_exact(client, &mut buf, &mut err),
            "server closed early"
        );
        checkpoint(done);
    }
    // SAFETY: the client handle is freed once; the server sees the close and exits.
    unsafe { sgss_socket_free(client) };
    echo.join().unwrap();
}
