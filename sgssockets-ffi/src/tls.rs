//! `sgss_tls`: a TLS stream (core's [`TlsStream`]) over a socket it takes from the caller.
//!
//! A stream handle is owned by the caller and freed with `sgss_tls_free`. It owns its
//! socket: `sgss_tls_new_client` / `sgss_tls_new_server` take the `sgss_socket` (the caller
//! no longer frees it), and `sgss_tls_socket` lends it back as a `const sgss_socket *` for
//! its mode, timeouts, addresses and the poller. Calls that run the session (`handshake`,
//! `send`, `recv`, `close`, `free`) take `sgss_tls *` and need the stream, its socket
//! included, to themselves; the readers take `const sgss_tls *`.
//!
//! Results follow the socket's calls: a non-blocking call that cannot proceed, or one that
//! runs into the socket's timeout, gives `SGSS_RESULT_WOULD_BLOCK` and `sgss_tls_want` says
//! which direction to wait for; a TLS failure is `SGSS_RESULT_OS_ERROR` with code `EPROTO`
//! and rustls's reason as text; an end of stream without close_notify is
//! `SGSS_RESULT_OS_ERROR` with `ECONNRESET`; the peer's close_notify is
//! `SGSS_RESULT_PEER_CLOSED`.

use std::ffi::{c_char, c_void};

use sgssockets_core::tls::{check_server_name, TlsStream, Want};
use sgssockets_core::{constants, Error, Incoming, Socket};

use crate::boundary::{
    box_castable, ffi_boundary, ffi_boundary_void, free_box, lend, to_box, try_box, try_bytes_out,
    try_mut, try_out, try_ref, try_slice, try_slice_mut, try_str, try_text_out,
};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;
use crate::tls_config::{sgss_tls_client_config, sgss_tls_server_config};

/// A TLS stream: a client or server session over a socket it owns. Opaque: use it through
/// pointers and the `sgss_tls_*` functions.
///
/// An owned handle: owned by the caller from `sgss_tls_new_client` / `sgss_tls_new_server`
/// until `sgss_tls_free`, exactly once. Functions taking `sgss_tls *` (handshake, send,
/// receive, close, free) need the stream and its socket to themselves: no other call on
/// either may run meanwhile. Functions taking `const sgss_tls *` only read it and may run
/// together on several threads while none of the former runs.
#[derive(Debug)]
pub struct sgss_tls {
    _private: [u8; 0],
}

// Owned: made by `sgss_tls_new_client` and `sgss_tls_new_server`, ended by `sgss_tls_free`.
box_castable! { sgss_tls => TlsStream }

/// What a TLS call that gave `SGSS_RESULT_WOULD_BLOCK` waits for, as `sgss_tls_want` reports
/// it: one of the `SGSS_WANT_*` values.
pub type sgss_want = u32;

/// Nothing: the last call did not give `SGSS_RESULT_WOULD_BLOCK`.
pub const SGSS_WANT_NOTHING: sgss_want = 0;
/// The socket must become readable: wait (`sgss_tls_select`, the poller), then call again.
pub const SGSS_WANT_READ: sgss_want = 1;
/// The socket must become writable: wait, then call again.
pub const SGSS_WANT_WRITE: sgss_want = 2;

/// A socket that can carry TLS: open and a stream. Checked before the socket is taken, so
/// that on these failures it stays the caller's.
fn check_stream_socket(socket: &Socket, operation: &'static str) -> Result<(), Failure> {
    if socket.is_closed() {
        return Err(Error::closed(operation).into());
    }
    if socket.socket_type() != constants::SOCK_STREAM {
        return Err(Failure::Invalid(
            "socket: TLS needs a stream (SOCK_STREAM) socket".to_owned(),
        ));
    }
    Ok(())
}

/// Starts a TLS client session over `socket` (a connected stream socket), verifying the
/// server as `config` says. `server_name` (a DNS name, or an IP address checked against the
/// certificate's IP entries) is sent as SNI (not for an IP address) and verified. Nothing is
/// sent yet: the handshake runs in `sgss_tls_handshake`, or on the first send or receive.
///
/// The stream follows the socket's mode: set blocking mode and timeouts through
/// `sgss_tls_socket` (before or after this call).
///
/// Ownership: on success the stream owns `socket`: the caller must not use or free it any
/// more (reach it through `sgss_tls_socket`), and owns `*out` until `sgss_tls_free`. The
/// arguments are checked before `socket` is taken: after `SGSS_RESULT_NULL_ARGUMENT`,
/// `SGSS_RESULT_INVALID_ARGUMENT` or `SGSS_RESULT_CLOSED` the caller still owns `socket`,
/// untouched. `SGSS_RESULT_OS_ERROR` comes only from rustls failing to start a session
/// (no random numbers from the OS); the socket was taken then, and is closed and freed.
/// `config` is borrowed for the call (the stream keeps its own reference).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `config`, `server_name`, `out`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (`server_name` is neither a DNS name nor an IP address;
/// `socket` is not `SOCK_STREAM`), `SGSS_RESULT_CLOSED` (`socket` was closed),
/// `SGSS_RESULT_OS_ERROR` (`EPROTO`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_new_client(
    socket: *mut sgss_socket,
    config: *const sgss_tls_client_config,
    server_name: *const c_char,
    out: *mut *mut sgss_tls,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let open = try_ref!(socket);
        let config = try_ref!(config);
        let server_name = try_str!(server_name);
        let out = try_out!(out);
        check_server_name(server_name)?;
        check_stream_socket(open, "tls client")?;
        // Taken only after every check above, which leave the socket to the caller.
        let socket = try_box!(socket);
        let stream = TlsStream::client(*socket, config, server_name)?;
        out.write(to_box(stream));
        Ok(())
    })
}

/// Starts a TLS server session over `socket` (an accepted stream socket) with `config`'s
/// certificate. Nothing is sent yet: the handshake runs in `sgss_tls_handshake`, or on the
/// first send or receive.
///
/// Ownership: as `sgss_tls_new_client`: on success the stream owns `socket` and the caller
/// owns `*out` until `sgss_tls_free`; after `SGSS_RESULT_NULL_ARGUMENT`,
/// `SGSS_RESULT_INVALID_ARGUMENT` or `SGSS_RESULT_CLOSED` the caller still owns `socket`;
/// after `SGSS_RESULT_OS_ERROR` (rustls could not start a session) it was closed and freed.
/// `config` is borrowed for the call.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `config`, `out`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (`socket` is not `SOCK_STREAM`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR` (`EPROTO`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_new_server(
    socket: *mut sgss_socket,
    config: *const sgss_tls_server_config,
    out: *mut *mut sgss_tls,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let open = try_ref!(socket);
        let config = try_ref!(config);
        let out = try_out!(out);
        check_stream_socket(open, "tls server")?;
        // Taken only after the checks above, which leave the socket to the caller.
        let socket = try_box!(socket);
        let stream = TlsStream::server(*socket, config)?;
        out.write(to_box(stream));
        Ok(())
    })
}

/// Frees the stream and closes its socket, without sending close_notify (call
/// `sgss_tls_close` first for an orderly end: a peer that sees the connection end without it
/// reports `ECONNRESET`). NULL is ignored. The stream must not be in use by another thread,
/// and neither it nor its lent socket may be used afterwards.
///
/// Ownership: ends the caller's ownership of `tls` (from `sgss_tls_new_client` /
/// `sgss_tls_new_server`) and of the socket it took: call it once per stream. The socket
/// lent by `sgss_tls_socket` is freed with it; the stream leaves every poller.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_free(tls: *mut sgss_tls) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or a stream it owns and no longer uses.
        unsafe { free_box(tls) };
    })
}

/// Lends the stream's socket: `*out` points at it, for its blocking mode and timeouts
/// (`sgss_socket_set_blocking`, `sgss_socket_set_recv_timeout`, ...), its addresses, its
/// descriptor, and `sgss_poller_modify` / `sgss_poller_remove` after
/// `sgss_poller_add_tls`. It is the same pointer every time.
///
/// Do not send or receive on it directly (that breaks the TLS session), nor close it:
/// `sgss_tls_close` does that.
///
/// Ownership: `tls` is borrowed for the call. `*out` is borrowed from `tls`: valid until
/// `sgss_tls_free(tls)`, never freed by the caller (it is `const`); while a call taking
/// `sgss_tls *` runs on the stream, no other thread may use it.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_socket(
    tls: *const sgss_tls,
    out: *mut *const sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_out!(out);
        out.write(lend::<sgss_socket>(stream.socket()));
        Ok(())
    })
}

/// Runs the handshake to its end. Blocking: waits, each wait bounded by the socket's
/// receive or send timeout. Non-blocking (or a timeout expired): `SGSS_RESULT_WOULD_BLOCK`
/// and `sgss_tls_want` says what to wait for; call it again then. Once the handshake is done
/// this does nothing and gives `SGSS_RESULT_OK`. A failed handshake fails every later call
/// on the stream the same way, and nothing is ever sent on it as plaintext.
///
/// Ownership: `tls` is borrowed for the call (needed to itself).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED` (after `sgss_tls_close`),
/// `SGSS_RESULT_WOULD_BLOCK`, `SGSS_RESULT_OS_ERROR`: `EPROTO` for a TLS failure (bad or
/// untrusted certificate, wrong name, an alert, garbage from the peer) with rustls's reason
/// (`"tls handshake: invalid peer certificate: UnknownIssuer"`), `ECONNRESET` when the peer
/// closed the connection during the handshake, or the socket's own error.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_handshake(
    tls: *mut sgss_tls,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_mut!(tls);
        stream.handshake().map_err(Failure::from)
    })
}

/// Encrypts and sends `len` bytes from `buf` (running the handshake first if needed);
/// `*out_sent` receives how many were taken. Blocking: all of them unless the send timeout
/// expires. Non-blocking: as many as the socket takes now.
///
/// `SGSS_RESULT_WOULD_BLOCK` (want write, or read during the handshake) may come after some
/// bytes were already taken and encrypted: call again with the same data once the socket is
/// ready; that call finishes sending them and reports their count first.
///
/// Ownership: `tls` (needed to itself) and `buf` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_sent`, `buf` with `len > 0`),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK`, `SGSS_RESULT_OS_ERROR` (`EPROTO`,
/// `EPIPE`, `ECONNRESET`, ...).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_send(
    tls: *mut sgss_tls,
    buf: *const c_void,
    len: usize,
    out_sent: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_mut!(tls);
        let data = try_slice!(buf, len);
        let out = try_out!(out_sent);
        out.write(stream.send(data)?);
        Ok(())
    })
}

/// Receives up to `len` decrypted bytes into `buf` (running the handshake first if needed);
/// `*out_received` receives the count. Bytes already decrypted and buffered
/// (`sgss_tls_pending`) come back without a system call.
///
/// Like `sgss_socket_recv`: after the peer's close_notify the result is
/// `SGSS_RESULT_PEER_CLOSED` and `*out_received` is 0; an end of the connection *without*
/// close_notify is an error, `SGSS_RESULT_OS_ERROR` with `ECONNRESET` (the data may have
/// been cut short). `len` 0 receives nothing and gives `SGSS_RESULT_OK` with 0.
///
/// Ownership: `tls` (needed to itself) and `buf` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_received`, `buf` with `len > 0`),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK` (nothing decrypted in time /
/// non-blocking; see `sgss_tls_want`), `SGSS_RESULT_OS_ERROR` (`ECONNRESET`, `EPROTO`, ...).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_recv(
    tls: *mut sgss_tls,
    buf: *mut c_void,
    len: usize,
    out_received: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_mut!(tls);
        let out = try_out!(out_received);
        let room = try_slice_mut!(buf, len);
        if room.is_empty() {
            out.write(0);
            return Ok(());
        }
        let incoming = stream.recv_bounded(room.len(), |incoming| match incoming {
            Incoming::Data(bytes) => {
                for (slot, byte) in room.iter_mut().zip(bytes) {
                    slot.write(*byte);
                }
                Incoming::Data(bytes.len())
            }
            Incoming::Closed => Incoming::Closed,
        })?;
        match incoming {
            Incoming::Data(received) => {
                out.write(received);
                Ok(())
            }
            Incoming::Closed => {
                out.write(0);
                Err(Failure::PeerClosed)
            }
        }
    })
}

/// Ends the session: sends close_notify (after anything still queued; a blocking socket
/// waits within its send timeout, a non-blocking one sends what fits now), then closes the
/// socket, which leaves every poller. No close_notify is sent before the handshake finished
/// or after it failed. The handle stays valid: every later call that runs the session gives
/// `SGSS_RESULT_CLOSED`, the readers still answer; free it with `sgss_tls_free`.
///
/// Ownership: the caller still owns `tls` (needed to itself for the call).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED` (already closed),
/// `SGSS_RESULT_OS_ERROR` (what close(2) reported; the socket is closed all the same).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_close(tls: *mut sgss_tls, err: *mut sgss_error) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_mut!(tls);
        stream.close().map_err(Failure::from)
    })
}

/// Writes what the last call that gave `SGSS_RESULT_WOULD_BLOCK` waits for to `*out_want`:
/// `SGSS_WANT_READ`, `SGSS_WANT_WRITE`, or `SGSS_WANT_NOTHING` after a call that did not
/// block.
///
/// Ownership: `tls` is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_want`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_want(
    tls: *const sgss_tls,
    out_want: *mut sgss_want,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_out!(out_want);
        out.write(match stream.want() {
            Want::Nothing => SGSS_WANT_NOTHING,
            Want::Read => SGSS_WANT_READ,
            Want::Write => SGSS_WANT_WRITE,
        });
        Ok(())
    })
}

/// Writes the number of decrypted bytes buffered and not yet received to `*out_pending`:
/// that many come back from `sgss_tls_recv` without a system call, and `sgss_tls_select`
/// and the poller (`sgss_poller_add_tls`) report the stream readable meanwhile, although the
/// socket itself has nothing to read.
///
/// Ownership: `tls` is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_pending`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_pending(
    tls: *const sgss_tls,
    out_pending: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        try_out!(out_pending).write(stream.pending());
        Ok(())
    })
}

/// Writes the negotiated protocol version, `"TLSv1.3"` or `"TLSv1.2"`, into `buf` (text-out
/// convention: `*out_len` gets the length without the NUL; `buf` needs `*out_len + 1`
/// bytes; a NULL `buf` with `len` 0 asks for the length).
///
/// Ownership: `tls`, `buf` and `out_len` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_NOT_FOUND` (the handshake has not finished), `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_version(
    tls: *const sgss_tls,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_text_out!(buf, len, out_len);
        let version = stream
            .protocol_version()
            .ok_or_else(|| Failure::NotFound("a negotiated protocol version".to_owned()))?;
        out.write(version)
    })
}

/// Writes the negotiated cipher suite's IANA name into `buf` (text-out convention), e.g.
/// `"TLS_AES_128_GCM_SHA256"` or `"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"`.
///
/// Ownership: `tls`, `buf` and `out_len` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_NOT_FOUND` (the handshake has not finished), `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_cipher(
    tls: *const sgss_tls,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_text_out!(buf, len, out_len);
        let cipher = stream
            .cipher_suite()
            .ok_or_else(|| Failure::NotFound("a negotiated cipher suite".to_owned()))?;
        out.write(cipher)
    })
}

/// Writes the ALPN protocol both sides agreed on into `buf` (text-out convention), e.g.
/// `"h2"`.
///
/// Ownership: `tls`, `buf` and `out_len` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_NOT_FOUND` (none: the handshake has not finished, or one side offered no
/// ALPN), `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_alpn(
    tls: *const sgss_tls,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_text_out!(buf, len, out_len);
        let protocol = stream
            .alpn_protocol()
            .ok_or_else(|| Failure::NotFound("an agreed ALPN protocol".to_owned()))?;
        // Names set from C are text; a server of another kind may pick any bytes.
        out.write(&String::from_utf8_lossy(protocol))
    })
}

/// Writes the server name into `buf` (text-out convention): on a client the name given to
/// `sgss_tls_new_client`, on a server the SNI name the client sent.
///
/// Ownership: `tls`, `buf` and `out_len` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_NOT_FOUND` (a server before the handshake, or a client that sent no SNI,
/// e.g. because it connected to an IP address), `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_name(
    tls: *const sgss_tls,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_text_out!(buf, len, out_len);
        let name = stream
            .server_name()
            .ok_or_else(|| Failure::NotFound("a server name".to_owned()))?;
        out.write(name)
    })
}

/// Writes the number of certificates in the peer's chain to `*out_count` (0 before the
/// handshake, or when the peer sent none, e.g. a client when none was asked for).
///
/// Ownership: `tls` is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_count`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_peer_certificate_count(
    tls: *const sgss_tls,
    out_count: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_out!(out_count);
        out.write(stream.peer_certificates().len());
        Ok(())
    })
}

/// Copies certificate `index` of the peer's chain (0 is the peer's own, the leaf; then its
/// issuers as the peer sent them) into `buf` as DER bytes (byte-out convention: `*out_len`
/// gets the length; a NULL `buf` with `len` 0 asks for it).
///
/// Ownership: `tls`, `buf` and `out_len` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`tls`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_NOT_FOUND` (`index` is not below `sgss_tls_peer_certificate_count`),
/// `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_peer_certificate(
    tls: *const sgss_tls,
    index: usize,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let stream = try_ref!(tls);
        let out = try_bytes_out!(buf, len, out_len);
        let chain = stream.peer_certificates();
        let cert = chain.get(index).ok_or_else(|| {
            Failure::NotFound(format!(
                "certificate {index} in the peer's chain of {}",
                chain.len()
            ))
        })?;
        out.write(cert)
    })
}
