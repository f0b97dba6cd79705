//! Multicast send and receive, IPv4 and IPv6, inside a network namespace of its own
//! (`unshare -n`): the test re-runs its own binary there, with loopback up, multicast on
//! and a route for 224.0.0.0/4, so nothing leaves the machine.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::process::Command;
use std::time::Duration;

use sgssockets_core::{Incoming, MsgFlags, MulticastInterface, Socket, SocketAddress};

const BODY: &str = "SGSS_MULTICAST_TEST_BODY";

#[test]
fn multicast_in_a_network_namespace() {
    if std::env::var_os(BODY).is_some() {
        body();
        return;
    }
    if !cfg!(target_os = "linux") {
        eprintln!("multicast_in_a_network_namespace: skipped, network namespaces are Linux-only");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let namespace = if root { "-n" } else { "-rn" };
    let output = match Command::new("unshare")
        .arg(namespace)
        .arg("--")
        .arg(&exe)
        .args([
            "--exact",
            "multicast_in_a_network_namespace",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(BODY, "1")
        .output()
    {
        Ok(output) => output,
        Err(err) => {
            eprintln!("multicast_in_a_network_namespace: skipped, cannot run unshare: {err}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() && stderr.contains("unshare failed") {
        eprintln!(
            "multicast_in_a_network_namespace: skipped, network namespaces are not permitted here: {}",
            stderr.trim()
        );
        return;
    }
    assert!(
        output.status.success(),
        "the namespaced run failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(
        stdout.contains("multicast body: done"),
        "{stdout}\n{stderr}"
    );
    for line in stdout
        .lines()
        .filter(|line| line.contains("multicast body:"))
    {
        eprintln!("{line}");
    }
}

fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().expect("run ip(8)");
    assert!(status.success(), "ip {args:?} failed");
}

fn receive(socket: &Socket) -> Vec<u8> {
    socket
        .recv_bounded(256, MsgFlags::empty(), |incoming| match incoming {
            Incoming::Data(bytes) => bytes.to_vec(),
            Incoming::Closed => Vec::new(),
        })
        .unwrap()
}

/// Runs inside the namespace.
fn body() {
    if Command::new("ip").arg("-V").output().is_err() {
        println!("multicast body: skipped, ip(8) is not installed");
        println!("multicast body: done");
        return;
    }
    ip(&["link", "set", "lo", "up"]);
    ip(&["link", "set", "lo", "multicast", "on"]);
    ip(&["route", "add", "224.0.0.0/4", "dev", "lo"]);
    // IPv6 multicast needs a route too; without IPv6 in the namespace this fails, and the
    // IPv6 part below is skipped.
    let v6_route = Command::new("ip")
        .args(["-6", "route", "add", "ff00::/8", "dev", "lo"])
        .status()
        .is_ok_and(|status| status.success());

    // IPv4: join 239.1.2.3, receive what is sent there, leave, receive nothing.
    let group = Ipv4Addr::new(239, 1, 2, 3);
    let receiver = Socket::udp(false).unwrap();
    receiver.set_reuse_addr(true).unwrap();
    receiver.bind(&"0.0.0.0:0".parse().unwrap()).unwrap();
    receiver
        .set_recv_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let port = receiver.local_addr().unwrap().port().unwrap();
    receiver
        .join_multicast(
            group.into(),
            Some(MulticastInterface::Addr(Ipv4Addr::LOCALHOST)),
        )
        .unwrap();
    let sender = Socket::udp(false).unwrap();
    sender
        .set_multicast_if(MulticastInterface::Addr(Ipv4Addr::LOCALHOST))
        .unwrap();
    sender.set_multicast_ttl(1).unwrap();
    sender.set_multicast_loop(true).unwrap();
    let to = SocketAddress::from(std::net::SocketAddr::from((group, port)));
    sender.send_to(b"hello v4", &to, MsgFlags::empty()).unwrap();
    assert_eq!(receive(&receiver), b"hello v4");

    receiver
        .leave_multicast(
            group.into(),
            Some(MulticastInterface::Addr(Ipv4Addr::LOCALHOST)),
        )
        .unwrap();
    receiver
        .set_recv_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    sender
        .send_to(b"after leave", &to, MsgFlags::empty())
        .unwrap();
    let mut buf = [0u8; 64];
    let err = receiver.recv(&mut buf, MsgFlags::empty()).unwrap_err();
    assert!(err.is_would_block(), "nothing arrives after leaving: {err}");
    // Leaving twice is the OS's error, not a panic.
    assert!(receiver.leave_multicast(group.into(), None).is_err());
    println!("multicast body: IPv4 ok");

    // IPv6 on the loopback interface, by index.
    match Socket::udp(true) {
        Ok(_) if !v6_route => println!("multicast body: IPv6 skipped, no IPv6 route here"),
        Ok(receiver) => {
            let lo = loopback_index();
            let group: Ipv6Addr = "ff12::1234".parse().unwrap();
            receiver.bind(&"[::]:0".parse().unwrap()).unwrap();
            receiver
                .set_recv_timeout(Some(Duration::from_secs(2)))
                .unwrap();
            let port = receiver.local_addr().unwrap().port().unwrap();
            receiver
                .join_multicast(group.into(), Some(MulticastInterface::Index(lo)))
                .unwrap();
            let sender = Socket::udp(true).unwrap();
            sender
                .set_multicast_if(MulticastInterface::Index(lo))
                .unwrap();
            sender.set_multicast_loop(true).unwrap();
            sender.set_multicast_ttl(1).unwrap();
            let to = SocketAddress::from(std::net::SocketAddrV6::new(group, port, 0, lo));
            sender.send_to(b"hello v6", &to, MsgFlags::empty()).unwrap();
            let mut buf = [0u8; 64];
            match receiver.recv(&mut buf, MsgFlags::empty()) {
                Ok(got) => assert_eq!(got, Incoming::Data(8)),
                // Some kernels do not loop IPv6 multicast back on `lo` (Python's socket
                // module sees the same): join, send and leave were still checked.
                Err(err) if err.is_would_block() => println!(
                    "multicast body: IPv6 delivery on lo skipped, this kernel does not loop \
                     it back ({err})"
                ),
                Err(err) => panic!("IPv6 multicast receive: {err}"),
            }
            receiver
                .leave_multicast(group.into(), Some(MulticastInterface::Index(lo)))
                .unwrap();
            println!("multicast body: IPv6 ok");
        }
        Err(err) => println!("multicast body: IPv6 skipped, no IPv6 socket: {err}"),
    }
    println!("multicast body: done");
}

fn loopback_index() -> u32 {
    let name = std::ffi::CString::new("lo").unwrap();
    // SAFETY: `name` is a live NUL-terminated string; if_nametoindex only reads it.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    assert_ne!(index, 0, "no interface called lo");
    index
}
