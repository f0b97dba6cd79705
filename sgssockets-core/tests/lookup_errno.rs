//! Name lookup on numeric hosts (no traffic leaves the machine), host name, errno table.
// Compares with libc values, so Unix only.
#![cfg(unix)]

use sgssockets_core::constants::{AF_INET, AF_INET6, AI_PASSIVE, SOCK_DGRAM, SOCK_STREAM};
use sgssockets_core::errno::{all, errno_by_name, errno_name, error_text};
use sgssockets_core::lookup::{getaddrinfo, hostname, AddrInfoHints};
use sgssockets_core::ErrorCategory;

#[test]
fn numeric_host_resolves_with_the_service_port_and_hints() {
    let hints = AddrInfoHints {
        socktype: SOCK_STREAM,
        family: AF_INET,
        ..Default::default()
    };
    let found = getaddrinfo(Some("127.0.0.1"), Some("8080"), &hints).unwrap();
    assert!(!found.is_empty());
    for entry in &found {
        assert_eq!(entry.family, AF_INET);
        assert_eq!(entry.socktype, SOCK_STREAM);
        assert_eq!(entry.addr.to_string(), "127.0.0.1:8080");
    }
    let dgram = AddrInfoHints {
        socktype: SOCK_DGRAM,
        family: AF_INET6,
        ..Default::default()
    };
    let found = getaddrinfo(Some("::1"), Some("53"), &dgram).unwrap();
    assert_eq!(found[0].addr.to_string(), "[::1]:53");
    assert_eq!(found[0].socktype, SOCK_DGRAM);
}

#[test]
fn passive_lookup_without_host_gives_the_wildcard() {
    let hints = AddrInfoHints {
        flags: AI_PASSIVE,
        family: AF_INET,
        socktype: SOCK_STREAM,
        ..Default::default()
    };
    let found = getaddrinfo(None, Some("0"), &hints).unwrap();
    assert_eq!(found[0].addr.to_string(), "0.0.0.0:0");
}

#[test]
fn failed_lookup_is_a_resolver_error_with_its_text() {
    // AI_NUMERICHOST: the resolver refuses at once, no query leaves the machine.
    let hints = AddrInfoHints {
        flags: libc::AI_NUMERICHOST,
        ..Default::default()
    };
    let err = getaddrinfo(Some("not-a-number.invalid"), Some("80"), &hints).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::Resolver);
    assert_eq!(err.operation(), "getaddrinfo");
    assert_ne!(err.code(), 0);
    assert!(
        err.message()
            .contains("failed to lookup address information"),
        "{err}"
    );

    let err = getaddrinfo(None, None, &AddrInfoHints::default()).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert!(getaddrinfo(Some("a\0b"), None, &AddrInfoHints::default()).is_err());
}

#[test]
fn host_name_is_not_empty() {
    assert!(!hostname().unwrap().is_empty());
}

#[test]
fn errno_table_has_every_name_of_the_spec() {
    let names = [
        "EBADMSG",
        "ECANCELED",
        "EIDRM",
        "ENODATA",
        "ENOLINK",
        "ENOMSG",
        "ENOSR",
        "ENOSTR",
        "ENOTRECOVERABLE",
        "ENOTSUP",
        "EOVERFLOW",
        "EOWNERDEAD",
        "EPROTO",
        "ETIME",
        "ETXTBSY",
        "EADDRINUSE",
        "EADDRNOTAVAIL",
        "EAFNOSUPPORT",
        "EALREADY",
        "ECONNABORTED",
        "ECONNREFUSED",
        "ECONNRESET",
        "EDESTADDRREQ",
        "EHOSTUNREACH",
        "EINPROGRESS",
        "EISCONN",
        "ELOOP",
        "EMSGSIZE",
        "ENETDOWN",
        "ENETRESET",
        "ENETUNREACH",
        "ENOBUFS",
        "ENOPROTOOPT",
        "ENOTCONN",
        "ENOTSOCK",
        "EOPNOTSUPP",
        "EPROTONOSUPPORT",
        "EPROTOTYPE",
        "ETIMEDOUT",
        "EWOULDBLOCK",
        "EPIPE",
        "EBADF",
        "EINTR",
        "EINVAL",
        "EAGAIN",
        "EMFILE",
        "ENFILE",
        "EACCES",
    ];
    for name in names {
        let code = errno_by_name(name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(code > 0);
        assert!(errno_name(code).is_some());
    }
    assert_eq!(errno_by_name("ECONNREFUSED"), Some(libc::ECONNREFUSED));
    assert_eq!(errno_by_name("nope"), None);
    assert_eq!(all().len(), names.len());
    assert_eq!(error_text(libc::ECONNREFUSED), "Connection refused");
    assert_eq!(error_text(0), "Success");
}

#[test]
fn constants_have_the_platform_values() {
    use sgssockets_core::constants::{self, ALL};
    assert_eq!(constants::AF_INET, libc::AF_INET);
    assert_eq!(constants::SHUT_RDWR, libc::SHUT_RDWR);
    let get = |name: &str| ALL.iter().find(|(n, _)| *n == name).unwrap().1;
    assert_eq!(get("PF_INET6"), libc::AF_INET6);
    assert_eq!(get("MSG_NOSIGNAL"), libc::MSG_NOSIGNAL);
    assert_eq!(get("SD_BOTH"), libc::SHUT_RDWR);
    for name in [
        "AF_UNSPEC",
        "AI_PASSIVE",
        "AF_IPX",
        "SOCK_SEQPACKET",
        "MSG_CONFIRM",
        "MSG_MORE",
        "MSG_EOR",
    ] {
        assert!(ALL.iter().any(|(n, _)| *n == name), "{name}");
    }
    assert_eq!(constants::family_name(libc::AF_INET6), Some("AF_INET6"));
}
