//! SPEC §2: registration, constants, name lookup, `socket_error`, `socket_geterrnobyname`,
//! socket constructors, the version check and per-engine error state.

mod common;
use common::*;
use sgssockets_core::{constants, errno};
use sgssockets_sgs_testhost::{Host, SGS_VERSION_INT};

#[test]
fn registers_types_functions_and_every_constant() {
    let host = loaded_host();
    assert!(host.has_type("socket") && host.has_type("socket_address"));
    for name in [
        "socket_error",
        "socket_geterrnobyname",
        "socket_address",
        "socket_address_frombytes",
        "socket_getaddrinfo",
        "socket_gethostname",
        "socket",
        "socket_tcp",
        "socket_udp",
        "socket_select",
    ] {
        assert_eq!(
            host.global(name).map(|v| host.type_of(&v)),
            Some("cfunc".into()),
            "{name}"
        );
    }
    for (name, value) in constants::ALL {
        assert_eq!(host.constant(name), i64::from(*value), "{name}");
    }
    // The seed doc's names, plus AF_UNSPEC and AI_PASSIVE.
    for name in [
        "AF_INET",
        "AF_INET6",
        "AF_UNIX",
        "AF_IPX",
        "PF_INET",
        "PF_INET6",
        "PF_UNIX",
        "PF_IPX",
        "SOCK_STREAM",
        "SOCK_DGRAM",
        "SOCK_RAW",
        "SOCK_SEQPACKET",
        "IPPROTO_TCP",
        "IPPROTO_UDP",
        "MSG_CONFIRM",
        "MSG_DONTROUTE",
        "MSG_DONTWAIT",
        "MSG_EOR",
        "MSG_MORE",
        "MSG_NOSIGNAL",
        "MSG_OOB",
        "SHUT_RD",
        "SHUT_WR",
        "SHUT_RDWR",
        "SD_RECEIVE",
        "SD_SEND",
        "SD_BOTH",
        "AF_UNSPEC",
        "AI_PASSIVE",
    ] {
        host.constant(name);
    }
    assert_eq!(host.constant("SD_SEND"), host.constant("SHUT_WR"));
    assert_eq!(host.constant("PF_INET6"), host.constant("AF_INET6"));
}

#[test]
fn version_mismatch_is_an_error_and_a_failure_code() {
    let host = Host::with_version(SGS_VERSION_INT + 1);
    // SAFETY: the host passes its live context.
    let code = host.load(|ctx| unsafe { sgssockets::sgscript_main(ctx.cast()) });
    assert!(code < 0);
    let messages = host.take_messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].level, 300);
    assert!(
        messages[0].text.contains("version mismatch"),
        "{messages:?}"
    );
    assert!(host.global("socket_tcp").is_none(), "nothing registered");
}

#[test]
fn getaddrinfo_numeric_host() {
    let host = loaded_host();
    let list = host.call1(
        "socket_getaddrinfo",
        &[&host.str("127.0.0.1"), &host.str("8080")],
    );
    let items = host.array_items(&list).expect("an array");
    assert!(!items.is_empty());
    for info in &items {
        for key in [
            "flags",
            "family",
            "socktype",
            "protocol",
            "canonname",
            "addr",
        ] {
            assert!(host.dict_get(info, key).is_some(), "{key}");
        }
        assert_eq!(
            host.dict_get(info, "family").unwrap().as_int(),
            Some(host.constant("AF_INET"))
        );
        let addr = host.dict_get(info, "addr").unwrap();
        assert_eq!(host.to_string(&addr), "127.0.0.1:8080");
    }
    // Without a type hint, every socket type is listed (as Python's getaddrinfo does).
    let types: Vec<i64> = items
        .iter()
        .map(|info| host.dict_get(info, "socktype").unwrap().as_int().unwrap())
        .collect();
    assert!(types.contains(&host.constant("SOCK_STREAM")), "{types:?}");
    assert!(types.contains(&host.constant("SOCK_DGRAM")), "{types:?}");
    assert_eq!(last_error(&host), 0);
}

#[test]
fn getaddrinfo_hints_and_localhost() {
    let host = loaded_host();
    let dgram = host.int(host.constant("SOCK_DGRAM"));
    let inet = host.int(host.constant("AF_INET"));
    let list = host.call1(
        "socket_getaddrinfo",
        &[&host.str("localhost"), &host.str("53"), &dgram, &inet],
    );
    let items = host.array_items(&list).expect("localhost resolves");
    assert!(!items.is_empty());
    for info in &items {
        assert_eq!(
            host.dict_get(info, "socktype").unwrap().as_int(),
            Some(host.constant("SOCK_DGRAM"))
        );
        let addr = host.dict_get(info, "addr").unwrap();
        assert_eq!(host.get(&addr, "port").unwrap().as_int(), Some(53));
        assert_eq!(
            host.get(&addr, "family").unwrap().as_int(),
            Some(host.constant("AF_INET"))
        );
    }
    // A null host with AI_PASSIVE semantics is allowed: service only.
    let list = host.call1("socket_getaddrinfo", &[&host.null(), &host.str("80")]);
    assert!(host.array_items(&list).is_some(), "{:?}", host.messages());
}

#[test]
fn getaddrinfo_unknown_host_warns_and_sets_error() {
    let host = loaded_host();
    let r = host.call(
        "socket_getaddrinfo",
        &[&host.str("no-such-host.invalid"), &host.str("80")],
    );
    assert!(r.is_empty());
    let warnings = host.take_warnings();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("socket_getaddrinfo(): failed to resolve 'no-such-host.invalid'"),
        "{warnings:?}"
    );
    assert_ne!(last_error(&host), 0);
    // The text is the resolver's, not the OS table's entry for an EAI_* number.
    let text = host
        .call1("socket_error", &[&host.bool(true)])
        .as_str()
        .unwrap();
    assert!(warnings[0].ends_with(&text), "{text:?} vs {warnings:?}");
    assert!(
        !text.is_empty() && !text.starts_with("Unknown error"),
        "{text:?}"
    );
    let r = host.call("socket_getaddrinfo", &[&host.int(5)]);
    assert!(r.is_empty());
    assert_eq!(host.take_warnings().len(), 1);
}

#[test]
fn gethostname_is_a_string() {
    let host = loaded_host();
    let name = host
        .call1("socket_gethostname", &[])
        .as_str()
        .expect("a string");
    assert!(!name.is_empty());
    assert_eq!(last_error(&host), 0);
    assert!(host.call("socket_gethostname", &[&host.int(1)]).is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_gethostname(): function expects exactly 0 arguments, 1 given"]
    );
}

#[test]
fn socket_error_code_and_text() {
    let host = loaded_host();
    assert_eq!(last_error(&host), 0);
    assert_eq!(
        host.call1("socket_error", &[&host.bool(true)])
            .as_str()
            .as_deref(),
        Some("Success")
    );
    let s = host.call1("socket_tcp", &[]);
    assert_eq!(host.method1(&s, "close", &[]).as_bool(), Some(true));
    assert_eq!(host.method1(&s, "close", &[]).as_bool(), Some(false));
    host.take_messages();
    assert_eq!(last_error(&host), i64::from(errno::EBADF));
    let text = host
        .call1("socket_error", &[&host.bool(true)])
        .as_str()
        .unwrap();
    assert_eq!(text, errno::error_text(errno::EBADF));
    assert_eq!(
        host.call1("socket_error", &[&host.bool(false)]).as_int(),
        Some(i64::from(errno::EBADF))
    );
    // A success clears it.
    let _t = host.call1("socket_tcp", &[]);
    assert_eq!(last_error(&host), 0);
}

#[test]
fn socket_error_is_per_engine() {
    let first = loaded_host();
    let second = loaded_host();
    let s = first.call1("socket_udp", &[]);
    first.method1(&s, "close", &[]);
    first.method1(&s, "close", &[]);
    assert_eq!(last_error(&first), i64::from(errno::EBADF));
    assert_eq!(last_error(&second), 0);
    assert!(
        second.global("__socket_error").is_none(),
        "not a script-visible global"
    );
}

#[test]
fn geterrnobyname_knows_every_name_of_the_core_table() {
    // Core's own tests check that its table holds every name of the seed list and SPEC §2;
    // here every one of them must come through the module with the same code.
    let host = loaded_host();
    assert!(errno::all().len() >= 33);
    for &(name, code) in errno::all() {
        assert_eq!(errno_named(&host, name), i64::from(code), "{name}");
    }
    #[cfg(unix)]
    assert_eq!(errno_named(&host, "EPIPE"), i64::from(libc::EPIPE));
    assert!(host.take_warnings().is_empty());
    assert!(host
        .call("socket_geterrnobyname", &[&host.str("ENOTANERROR")])
        .is_empty());
    let warnings = host.take_warnings();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].starts_with("socket_geterrnobyname(): unknown error name 'ENOTANERROR'"));
}

#[test]
fn socket_constructors() {
    let host = loaded_host();
    let tcp = host.call1("socket_tcp", &[]);
    assert_eq!(host.type_of(&tcp), "socket");
    assert_eq!(host.to_string(&tcp), "socket");
    assert!(host.to_bool(&tcp));
    let udp = host.call1("socket_udp", &[&host.bool(false)]);
    assert_eq!(host.type_of(&udp), "socket");
    let raw = host.call1(
        "socket",
        &[
            &host.int(host.constant("AF_INET")),
            &host.int(host.constant("SOCK_DGRAM")),
            &host.int(host.constant("IPPROTO_UDP")),
        ],
    );
    assert_eq!(host.type_of(&raw), "socket");
    assert!(
        host.dump(&raw).starts_with("socket (descriptor "),
        "{}",
        host.dump(&raw)
    );
    assert_eq!(last_error(&host), 0);
    assert!(host.take_warnings().is_empty());
}

#[test]
fn socket_failure_warns_returns_null_and_sets_error() {
    let host = loaded_host();
    let r = host.call(
        "socket",
        &[
            &host.int(9999),
            &host.int(host.constant("SOCK_STREAM")),
            &host.int(0),
        ],
    );
    assert!(r.is_empty());
    let warnings = host.take_warnings();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("socket(): failed to create socket"),
        "{warnings:?}"
    );
    assert_eq!(last_error(&host), errno_named(&host, "EAFNOSUPPORT"));
    assert!(host
        .call("socket", &[&host.int(1), &host.int(2)])
        .is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket(): argument 3 - expected int, got nothing"]
    );
    assert!(host.call("socket_tcp", &[&host.str("yes")]).is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_tcp(): argument 1 - expected bool, got string"]
    );
}

#[test]
fn ipv6_sockets_where_available() {
    let host = loaded_host();
    let r = host.call("socket_tcp", &[&host.bool(true)]);
    match r.first() {
        Some(s) if !s.is_null() => assert_eq!(host.type_of(s), "socket"),
        _ => eprintln!(
            "skipped: IPv6 sockets unavailable here ({:?})",
            host.messages()
        ),
    }
}

#[test]
fn calls_leave_the_stack_and_objects_balanced() {
    let host = loaded_host();
    let objects = host.live_objects();
    for _ in 0..10 {
        let _ = host.call(
            "socket_getaddrinfo",
            &[&host.str("127.0.0.1"), &host.str("1")],
        );
        let _ = host.call("socket_address", &[&host.str("bad")]);
        let _ = host.call("socket_tcp", &[]);
    }
    host.take_messages();
    assert_eq!(host.stack_len(), 0);
    assert_eq!(host.live_objects(), objects);
}
