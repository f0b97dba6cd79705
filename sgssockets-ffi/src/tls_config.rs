//! TLS configurations: options built up with setter calls, then a configuration made from
//! them once and shared by every stream (`sgss_tls_client_config`, `sgss_tls_server_config`).
//!
//! Options are owned handles holding core's [`ClientOptions`] / [`ServerOptions`]; each
//! setter checks what it can at once (a roots text that is neither a keyword nor PEM, an
//! empty ALPN name) and `sgss_tls_*_config_new` checks the rest (PEM that does not parse, a
//! key that does not fit): every error names the option (`"roots: ..."`, `"key: ..."`).
//! Configurations are shared handles (an `Arc`): thread-safe, `const` everywhere, each
//! stream keeps its own reference, so a configuration may be freed while streams made from
//! it live on.

use std::ffi::{c_char, CStr};

use sgssockets_core::tls::{ClientConfig, ClientOptions, Roots, ServerConfig, ServerOptions};

use crate::boundary::{
    arc_castable, box_castable, ffi_boundary, ffi_boundary_void, free_arc, free_box, to_arc,
    to_box, try_mut, try_out, try_ref, try_str,
};
use crate::result::{sgss_error, sgss_result, Failure};

/// What a client configuration is made from: trusted roots, ALPN protocols, a client
/// certificate, and the insecure switch that turns verification off. Opaque: use it through
/// pointers and the `sgss_tls_client_options_*` functions.
///
/// An owned handle: owned by the caller from `sgss_tls_client_options_new` until
/// `sgss_tls_client_options_free`. Setters need it to themselves; several threads may make
/// configurations from it at once.
#[derive(Debug)]
pub struct sgss_tls_client_options {
    _private: [u8; 0],
}

// Owned: made by `sgss_tls_client_options_new`, ended by `sgss_tls_client_options_free`.
box_castable! { sgss_tls_client_options => ClientOptions }

/// What a server configuration is made from: its certificate chain and key, ALPN
/// protocols, and the CAs of required client certificates. Opaque: use it through pointers
/// and the `sgss_tls_server_options_*` functions.
///
/// An owned handle: owned by the caller from `sgss_tls_server_options_new` until
/// `sgss_tls_server_options_free`. Setters need it to themselves; several threads may make
/// configurations from it at once.
#[derive(Debug)]
pub struct sgss_tls_server_options {
    _private: [u8; 0],
}

// Owned: made by `sgss_tls_server_options_new`, ended by `sgss_tls_server_options_free`.
box_castable! { sgss_tls_server_options => ServerOptions }

/// A TLS client configuration (verification, ALPN, client certificate), made once and used
/// for any number of client streams. Opaque.
///
/// A shared handle: `sgss_tls_client_config_new` gives the caller one reference, given
/// back by one `sgss_tls_client_config_free`. Every stream made from it holds its own, so
/// the configuration may be freed as soon as the streams are made. Thread-safe: every
/// function takes `const sgss_tls_client_config *`.
#[derive(Debug)]
pub struct sgss_tls_client_config {
    _private: [u8; 0],
}

// Shared: one count per `sgss_tls_client_config_new`, each given back by one `_free`.
arc_castable! { sgss_tls_client_config => ClientConfig }

/// A TLS server configuration (certificate chain, key, ALPN, client certificates), made once
/// and used for any number of server streams. Opaque.
///
/// A shared handle: `sgss_tls_server_config_new` gives the caller one reference, given
/// back by one `sgss_tls_server_config_free`. Every stream made from it holds its own.
/// Thread-safe: every function takes `const sgss_tls_server_config *`.
#[derive(Debug)]
pub struct sgss_tls_server_config {
    _private: [u8; 0],
}

// Shared: one count per `sgss_tls_server_config_new`, each given back by one `_free`.
arc_castable! { sgss_tls_server_config => ServerConfig }

/// The roots a client trusts, from C text: `"system"`, `"mozilla"`, or PEM certificates.
fn roots_from_text(text: &str) -> Result<Roots, Failure> {
    match text {
        "system" => Ok(Roots::System),
        "mozilla" => Ok(Roots::Mozilla),
        pem if pem.contains("-----BEGIN") => Ok(Roots::Pem(pem.to_owned())),
        other => Err(Failure::Invalid(format!(
            "roots: {:?} is not \"system\", \"mozilla\" or PEM text (-----BEGIN CERTIFICATE-----)",
            shorten(other)
        ))),
    }
}

/// At most 40 characters of `text`, for messages about a value that may be long.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// The C strings of a `(list, count)` argument of option `option` (`count` 0: none).
///
/// # Safety
/// `list` is NULL or points to `count` readable pointers, each NULL or a NUL-terminated
/// string that stays valid and unchanged during the call.
unsafe fn text_list_arg<'a>(
    option: &str,
    list: *const *const c_char,
    count: usize,
) -> Result<Vec<&'a CStr>, Failure> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if list.is_null() {
        return Err(Failure::Null(if option == "alpn" {
            "protocols"
        } else {
            "names"
        }));
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(Failure::Invalid(format!(
            "{option}: count {count} is too large"
        )));
    }
    let mut texts = Vec::with_capacity(count.min(64));
    for index in 0..count {
        // SAFETY: `list` holds `count` readable pointers (this function's contract).
        let entry = unsafe { list.add(index).read() };
        if entry.is_null() {
            let name = if option == "alpn" {
                "protocols"
            } else {
                "names"
            };
            return Err(Failure::Invalid(format!(
                "{option}: {name}[{index}] is NULL"
            )));
        }
        // SAFETY: a non-NULL entry is a NUL-terminated string (this function's contract).
        texts.push(unsafe { CStr::from_ptr(entry) });
    }
    Ok(texts)
}

/// An ALPN list `(protocols, count)` from C: each a NUL-terminated name of 1 to 255 bytes.
///
/// # Safety
/// `protocols` is NULL or points at `count` readable pointers, each NULL or a
/// NUL-terminated string, unchanged during the call.
unsafe fn alpn_arg(protocols: *const *const c_char, count: usize) -> Result<Vec<Vec<u8>>, Failure> {
    // SAFETY: forwarded contract.
    let names = unsafe { text_list_arg("alpn", protocols, count) }?;
    let mut list = Vec::with_capacity(names.len());
    for (index, name) in names.into_iter().enumerate() {
        let name = name.to_bytes();
        if name.is_empty() || name.len() > 255 {
            return Err(Failure::Invalid(format!(
                "alpn: protocols[{index}] is {} bytes long; a protocol name has 1 to 255",
                name.len()
            )));
        }
        list.push(name.to_vec());
    }
    Ok(list)
}

/// The `cipher_suites` list: IANA names (checked against what the provider offers when the
/// configuration is made).
///
/// # Safety
/// As [`text_list_arg`].
unsafe fn suites_arg(names: *const *const c_char, count: usize) -> Result<Vec<String>, Failure> {
    // SAFETY: forwarded contract.
    let texts = unsafe { text_list_arg("cipher_suites", names, count) }?;
    texts
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            text.to_str().map(str::to_owned).map_err(|_| {
                Failure::Invalid(format!("cipher_suites: names[{index}] is not UTF-8"))
            })
        })
        .collect()
}

/// Makes empty client options: the system's roots, no ALPN, no client certificate,
/// verification on.
///
/// Ownership: on success the caller owns `*out` until it passes it to
/// `sgss_tls_client_options_free`; on failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_options_new(
    out: *mut *mut sgss_tls_client_options,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        out.write(to_box(ClientOptions::default()));
        Ok(())
    })
}

/// Frees client options. NULL is ignored. Configurations made from them are independent
/// and stay valid.
///
/// Ownership: ends the caller's ownership of `options` (from
/// `sgss_tls_client_options_new`): call it once.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_options_free(options: *mut sgss_tls_client_options) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or options it owns and no longer uses.
        unsafe { free_box(options) };
    })
}

/// Sets the certificate authorities the client trusts: `"system"` (the operating system's
/// store and verifier; the default), `"mozilla"` (Mozilla's root program, built in), or PEM
/// text holding one or more `CERTIFICATE` blocks. The text is copied. PEM that does not
/// parse is reported by `sgss_tls_client_config_new` (naming `roots`).
///
/// Ownership: `options` (needed to itself) and `roots` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `roots`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (not UTF-8, or neither keyword and no `-----BEGIN` line; the message names `roots`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_options_set_roots(
    options: *mut sgss_tls_client_options,
    roots: *const c_char,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        let roots = roots_from_text(try_str!(roots))?;
        options.roots = roots;
        Ok(())
    })
}

/// Sets the ALPN protocols the client offers, in order of preference: `count` names in
/// `protocols` (e.g. `{"h2", "http/1.1"}`), each 1 to 255 bytes. `count` 0 (`protocols`
/// may then be NULL) offers none, the default. The names are copied.
///
/// Ownership: `options` (needed to itself) and `protocols` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `protocols` with `count > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (a NULL entry, an empty or too long name; the message names
/// `alpn` and the index). On error the options are unchanged.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_options_set_alpn(
    options: *mut sgss_tls_client_options,
    protocols: *const *const c_char,
    count: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        // SAFETY: `(protocols, count)` is the list argument of this function, whose caller
        // promises what `alpn_arg` needs.
        let alpn = unsafe { alpn_arg(protocols, count) }?;
        options.alpn = alpn;
        Ok(())
    })
}

/// Limits the cipher suites to `names` (IANA names such as `"TLS_AES_128_GCM_SHA256"`), in
/// order of preference; `count` 0 restores the defaults (every suite of the ring provider).
/// The names are copied; one the provider does not offer is reported by
/// `sgss_tls_client_config_new` (naming `cipher_suites`).
///
/// Ownership: `options` (needed to itself) and `names` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `names` with `count > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (a NULL entry, not UTF-8). On error the options are
/// unchanged.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_options_set_cipher_suites(
    options: *mut sgss_tls_client_options,
    names: *const *const c_char,
    count: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        // SAFETY: `(names, count)` is the list argument of this function, whose caller
        // promises what `suites_arg` needs.
        options.cipher_suites = unsafe { suites_arg(names, count) }?;
        Ok(())
    })
}

/// Sets the client certificate chain (`cert`: PEM, leaf first) and its private key (`key`:
/// PEM, PKCS#8, PKCS#1 or SEC1), sent to servers that ask for one. Both are copied; PEM that
/// does not parse is reported by `sgss_tls_client_config_new` (naming `client_cert` or
/// `client_key`).
///
/// Ownership: `options` (needed to itself), `cert` and `key` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `cert`, `key`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_options_set_client_cert(
    options: *mut sgss_tls_client_options,
    cert: *const c_char,
    key: *const c_char,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        let cert = try_str!(cert);
        let key = try_str!(key);
        options.client_cert = Some(cert.to_owned());
        options.client_key = Some(key.to_owned());
        Ok(())
    })
}

/// **Insecure** when `insecure` is true: the client then accepts any server certificate for
/// any name, so anyone on the path can read and change the traffic (the handshake
/// signatures are still checked). For tests against self-signed servers only. `false`, the
/// default, verifies the chain against the roots and the server name.
///
/// Ownership: `options` (needed to itself) is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_options_set_insecure_skip_verify(
    options: *mut sgss_tls_client_options,
    insecure: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        options.insecure_skip_verify = insecure;
        Ok(())
    })
}

/// Makes a client configuration from `options` (TLS 1.2 and 1.3). The options are only read:
/// change and reuse them, or free them, afterwards.
///
/// Ownership: `options` is borrowed for the call only. On success the caller holds one
/// reference to `*out` and gives it back with `sgss_tls_client_config_free`; on failure
/// `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `out`), `SGSS_RESULT_INVALID_ARGUMENT` (code
/// `EINVAL`; the message names the option: `roots` with PEM that holds no usable
/// certificate or `"system"` on a machine without a certificate store, `client_cert` /
/// `client_key` that do not parse or do not match, `alpn`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_config_new(
    options: *const sgss_tls_client_options,
    out: *mut *mut sgss_tls_client_config,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_ref!(options);
        let out = try_out!(out);
        let config = ClientConfig::new(options)?;
        // The caller's pointer is not `const` (only `_free` takes it that way); every other
        // function shares the configuration through a `const` pointer.
        out.write(to_arc::<sgss_tls_client_config>(std::sync::Arc::new(config)).cast_mut());
        Ok(())
    })
}

/// Gives back the caller's reference to a client configuration. NULL is ignored. Streams
/// made from it keep their own and stay valid.
///
/// Ownership: ends one reference (from `sgss_tls_client_config_new`): call it once per
/// reference; the pointer must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_client_config_free(config: *mut sgss_tls_client_config) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or a reference it holds and no longer uses.
        unsafe { free_arc(config) };
    })
}

/// Makes empty server options: no certificate yet (`sgss_tls_server_options_set_cert` is
/// required), no ALPN, no client certificates asked for.
///
/// Ownership: on success the caller owns `*out` until it passes it to
/// `sgss_tls_server_options_free`; on failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_options_new(
    out: *mut *mut sgss_tls_server_options,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        out.write(to_box(ServerOptions::default()));
        Ok(())
    })
}

/// Frees server options. NULL is ignored. Configurations made from them stay valid.
///
/// Ownership: ends the caller's ownership of `options` (from
/// `sgss_tls_server_options_new`): call it once.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_options_free(options: *mut sgss_tls_server_options) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or options it owns and no longer uses.
        unsafe { free_box(options) };
    })
}

/// Sets the server's certificate chain (`cert`: PEM, leaf first) and private key (`key`:
/// PEM, PKCS#8, PKCS#1 or SEC1). Required. Both are copied; PEM that does not parse is
/// reported by `sgss_tls_server_config_new` (naming `cert` or `key`).
///
/// Ownership: `options` (needed to itself), `cert` and `key` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `cert`, `key`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_options_set_cert(
    options: *mut sgss_tls_server_options,
    cert: *const c_char,
    key: *const c_char,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        let cert = try_str!(cert);
        let key = try_str!(key);
        options.cert = cert.to_owned();
        options.key = key.to_owned();
        Ok(())
    })
}

/// Sets the ALPN protocols the server accepts, in order of preference (as
/// `sgss_tls_client_options_set_alpn`). A client offering none of them is refused with an
/// alert (`no_application_protocol`); a client offering no ALPN at all connects without
/// one.
///
/// Ownership: `options` (needed to itself) and `protocols` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `protocols` with `count > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (a NULL entry, an empty or too long name). On error the
/// options are unchanged.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_options_set_alpn(
    options: *mut sgss_tls_server_options,
    protocols: *const *const c_char,
    count: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        // SAFETY: `(protocols, count)` is the list argument of this function, whose caller
        // promises what `alpn_arg` needs.
        let alpn = unsafe { alpn_arg(protocols, count) }?;
        options.alpn = alpn;
        Ok(())
    })
}

/// Limits the cipher suites to `names` (IANA names such as `"TLS_AES_128_GCM_SHA256"`), in
/// order of preference; `count` 0 restores the defaults (every suite of the ring provider).
/// The names are copied; one the provider does not offer is reported by
/// `sgss_tls_server_config_new` (naming `cipher_suites`).
///
/// Ownership: `options` (needed to itself) and `names` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `names` with `count > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (a NULL entry, not UTF-8). On error the options are
/// unchanged.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_options_set_cipher_suites(
    options: *mut sgss_tls_server_options,
    names: *const *const c_char,
    count: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        // SAFETY: `(names, count)` is the list argument of this function, whose caller
        // promises what `suites_arg` needs.
        options.cipher_suites = unsafe { suites_arg(names, count) }?;
        Ok(())
    })
}

/// Requires a client certificate issued by one of the CAs in `client_ca` (PEM
/// certificates): clients without one fail the handshake. The text is copied; PEM that
/// does not parse is reported by `sgss_tls_server_config_new` (naming `client_ca`).
///
/// Ownership: `options` (needed to itself) and `client_ca` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `client_ca`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_options_set_client_ca(
    options: *mut sgss_tls_server_options,
    client_ca: *const c_char,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_mut!(options);
        let client_ca = try_str!(client_ca);
        options.client_ca = Some(client_ca.to_owned());
        Ok(())
    })
}

/// Makes a server configuration from `options` (TLS 1.2 and 1.3). The options are only read.
///
/// Ownership: `options` is borrowed for the call only. On success the caller holds one
/// reference to `*out` and gives it back with `sgss_tls_server_config_free`; on failure
/// `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`options`, `out`), `SGSS_RESULT_INVALID_ARGUMENT` (code
/// `EINVAL`; the message names the option: `cert` missing or not PEM certificates, `key`
/// missing, not a PEM key or not the certificate's, `client_ca`, `alpn`).
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_config_new(
    options: *const sgss_tls_server_options,
    out: *mut *mut sgss_tls_server_config,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let options = try_ref!(options);
        let out = try_out!(out);
        let config = ServerConfig::new(options)?;
        // The caller's pointer is not `const` (only `_free` takes it that way); every other
        // function shares the configuration through a `const` pointer.
        out.write(to_arc::<sgss_tls_server_config>(std::sync::Arc::new(config)).cast_mut());
        Ok(())
    })
}

/// Gives back the caller's reference to a server configuration. NULL is ignored. Streams
/// made from it keep their own and stay valid.
///
/// Ownership: ends one reference (from `sgss_tls_server_config_new`): call it once per
/// reference; the pointer must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_server_config_free(config: *mut sgss_tls_server_config) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or a reference it holds and no longer uses.
        unsafe { free_arc(config) };
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_a_keyword_or_pem() {
        assert_eq!(roots_from_text("system").unwrap(), Roots::System);
        assert_eq!(roots_from_text("mozilla").unwrap(), Roots::Mozilla);
        let pem = "-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n";
        assert_eq!(roots_from_text(pem).unwrap(), Roots::Pem(pem.to_owned()));
        match roots_from_text("sytem") {
            Err(Failure::Invalid(why)) => assert!(why.starts_with("roots: \"sytem\""), "{why}"),
            other => panic!("{other:?}"),
        }
        let long = "x".repeat(100);
        match roots_from_text(&long) {
            Err(Failure::Invalid(why)) => {
                assert!(why.contains(&format!("{}...", &long[..40])), "{why}");
                assert!(!why.contains(&long[..41]), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn alpn_names_are_checked_with_their_index() {
        let names = [c"h2".as_ptr(), c"".as_ptr()];
        // SAFETY: `names` holds 2 NUL-terminated strings; NULL with count 0 is allowed.
        unsafe {
            assert_eq!(alpn_arg(names.as_ptr(), 1).unwrap(), vec![b"h2".to_vec()]);
            match alpn_arg(names.as_ptr(), 2) {
                Err(Failure::Invalid(why)) => assert!(why.contains("protocols[1]"), "{why}"),
                other => panic!("{other:?}"),
            }
            assert!(alpn_arg(std::ptr::null(), 0).unwrap().is_empty());
            assert!(matches!(
                alpn_arg(std::ptr::null(), 1),
                Err(Failure::Null("protocols"))
            ));
            let holes = [c"h2".as_ptr(), std::ptr::null()];
            assert!(matches!(
                alpn_arg(holes.as_ptr(), 2),
                Err(Failure::Invalid(_))
            ));
        }
    }
}
