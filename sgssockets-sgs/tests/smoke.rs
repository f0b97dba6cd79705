mod common;
use common::*;

#[test]
fn loads_and_echoes() {
    let host = loaded_host();
    let (client, server) = tcp_pair(&host);
    assert_eq!(
        host.method1(&client, "send", &[&host.str("hello")])
            .as_int(),
        Some(5)
    );
    let got = host.method1(&server, "recv", &[&host.int(100)]);
    assert_eq!(got.as_str().as_deref(), Some("hello"));
    assert_eq!(last_error(&host), 0);
}
