//! SPEC §5 in the binding: no panic crosses into the VM, engine state is dropped with the
//! engine, and calls leave nothing behind.

mod common;
use common::*;
use sgssockets::host::context::Ctx;
use sgssockets::host::trampoline;
use sgssockets::last_error;

#[test]
fn a_panic_becomes_an_error_message_and_the_fallback() {
    let host = loaded_host();
    let raw = host.raw_context().cast();
    // SAFETY: the host's live context, used only during this call.
    let result = unsafe { trampoline::enter(raw, 7, |_ctx: Ctx<'_>| -> i32 { panic!("boom") }) };
    assert_eq!(result, 7);
    let messages = host.take_messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].level, 300);
    assert!(
        messages[0].text.contains("internal error: boom"),
        "{messages:?}"
    );
}

#[test]
fn engine_state_is_dropped_with_the_engine() {
    let host = loaded_host();
    let root = host.raw_context() as usize;
    assert!(last_error::is_tracked(root));
    let s = host.call1("socket_tcp", &[]);
    drop(s);
    drop(host);
    assert!(!last_error::is_tracked(root));
}

#[test]
fn objects_are_collected_and_the_stack_is_balanced() {
    let host = loaded_host();
    let baseline = host.live_objects();
    {
        let (client, server) = tcp_pair(&host);
        host.method1(&client, "send", &[&host.str("x")]);
        host.method1(&server, "recv", &[&host.int(1)]);
        let _ = host.call_method(&server, "recvfrom", &[&host.int(0)]);
        let _ = host.get(&client, "recv_timeout");
        let read = host.array(&[&client, &server]);
        let _ = host.call1(
            "socket_select",
            &[&read, &host.array(&[]), &host.array(&[]), &host.int(0)],
        );
    }
    host.take_messages();
    assert_eq!(host.live_objects(), baseline);
    assert_eq!(host.stack_len(), 0);
}
