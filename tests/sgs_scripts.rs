//! Runs the SGScript test scripts in `tests/sgs/` against a real SGScript VM.
//!
//! SGScript is in no package registry, so the VM comes from outside the project: set
//! `SGSCRIPT_DIR` to a folder holding `sgsvm` and `libsgscript.so`. Without it (when the
//! tests were built) the test is reported as ignored, with the reason. Each script includes `testlib.sgs`, ends by printing
//! `N passed, M failed`, and must report no failures; every run is bounded by a timeout.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sgssockets_test_support::certs::{Ca, Pem};
use sgssockets_tests::{build_package, workspace_root};

/// Longest a single script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// The test scripts (every `.sgs` in `tests/sgs/` except the shared `testlib.sgs`).
fn scripts() -> Vec<PathBuf> {
    let dir = workspace_root().join("tests").join("sgs");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/sgs exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sgs"))
        .filter(|path| path.file_stem().is_some_and(|stem| stem != "testlib"))
        .collect();
    found.sort();
    found
}

/// What one script run produced.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub output: String,
}

/// Runs `script` with the VM in `vm_dir`, the module found in `module_dir` (the working
/// directory, where SGScript's `include` looks), killing it after [`SCRIPT_TIMEOUT`].
fn run_script(vm_dir: &Path, module_dir: &Path, script: &Path, args: &[&str]) -> Run {
    let library_path = match std::env::var_os("LD_LIBRARY_PATH") {
        Some(old) => {
            let mut paths = vec![vm_dir.to_path_buf()];
            paths.extend(std::env::split_paths(&old));
            std::env::join_paths(paths).expect("valid library path")
        }
        None => vm_dir.as_os_str().to_owned(),
    };
    let mut command = Command::new(vm_dir.join("sgsvm"));
    if !args.is_empty() {
        command.arg("-p"); // the script's arguments follow it
    }
    let mut child = command
        .arg(script)
        .args(args)
        .current_dir(module_dir)
        .env("LD_LIBRARY_PATH", library_path)
        .env("DYLD_LIBRARY_PATH", vm_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {}: {err}", vm_dir.join("sgsvm").display()));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("child can be waited for") {
            break Some(status);
        }
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        // Polling the child process for the timeout, not synchronising sockets.
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = format!(
        "{}{}",
        out_reader.join().unwrap_or_default(),
        err_reader.join().unwrap_or_default()
    );
    match status {
        Some(status) => Run {
            success: status.success(),
            output,
        },
        None => Run {
            success: false,
            output: format!("{output}\n(killed after {SCRIPT_TIMEOUT:?})"),
        },
    }
}

/// The `N passed, M failed` summary of a script's output.
fn summary(output: &str) -> Option<(u32, u32)> {
    output.lines().rev().find_map(|line| {
        let (passed, rest) = line.trim().split_once(" passed, ")?;
        let failed = rest.strip_suffix(" failed")?;
        Some((passed.parse().ok()?, failed.parse().ok()?))
    })
}

#[test]
#[cfg_attr(
    not(sgscript_vm),
    ignore = "SGSCRIPT_DIR is not set: no SGScript VM to run the scripts in"
)]
fn sgs_scripts_pass_in_a_real_vm() {
    let scripts = scripts();
    assert!(!scripts.is_empty(), "no scripts found in tests/sgs");
    let Some(vm_dir) = std::env::var_os("SGSCRIPT_DIR").map(PathBuf::from) else {
        println!(
            "sgs_scripts: SGSCRIPT_DIR not set, skipped {} SGScript scripts",
            scripts.len()
        );
        return;
    };
    let module_dir = build_package("sgssockets-sgs");
    assert!(
        module_dir.join("libsgssockets.so").exists() || module_dir.join("sgssockets.dll").exists(),
        "the module was not built in {}",
        module_dir.display()
    );
    let pki = TestPki::new();
    pki.write_include(&module_dir);
    let mut failures = Vec::new();
    let mut total_checks = 0;
    for script in &scripts {
        let name = script
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let run = run_script(&vm_dir, &module_dir, script, &[]);
        match summary(&run.output) {
            Some((passed, 0))
                if run.success
                    && passed > 0
                    && !run.output.contains("FAIL:")
                    && !run.output.contains("SGSVM Error") =>
            {
                println!("sgs_scripts: {name}: {passed} passed, 0 failed");
                total_checks += passed;
            }
            _ => failures.push(format!("--- {name} ---\n{}", run.output)),
        }
    }
    println!(
        "sgs_scripts: {} scripts, {total_checks} checks passed",
        scripts.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "failing scripts:\n{}",
        failures.join("\n")
    );
    // The self-contained example runs as documented.
    let example = workspace_root()
        .join("examples")
        .join("sgs")
        .join("udp_exchange.sgs");
    let run = run_script(&vm_dir, &module_dir, &example, &[]);
    assert!(
        run.success
            && run.output.contains("bob got 'ping from alice'")
            && run.output.contains("alice got 'pong from bob'")
            && run.output.contains("empty datagram: length 0"),
        "examples/sgs/udp_exchange.sgs:\n{}",
        run.output
    );
    println!("sgs_scripts: examples/sgs/udp_exchange.sgs ran as documented");
    poller_server_echoes(&vm_dir, &module_dir);
    tls_examples::run(&vm_dir, &module_dir, &pki);
}

/// The certificates the TLS scripts use, made at run time (no key is committed) and handed
/// to the scripts as an include file, `sgss_test_certs.sgs`, written beside the module (the
/// working directory of every run, where `include` looks).
#[derive(Debug)]
pub struct TestPki {
    pub ca: Ca,
    pub server: Pem,
    other_ca: Ca,
    client: Pem,
    expired: Pem,
}

impl TestPki {
    fn new() -> TestPki {
        let ca = Ca::new("sgssockets test CA");
        let server = ca.server(&["localhost", "127.0.0.1"]);
        let client = ca.client("script client");
        let expired = ca.server_valid(&["localhost"], 2001, 2002);
        TestPki {
            ca,
            server,
            other_ca: Ca::new("another CA"),
            client,
            expired,
        }
    }

    fn write_include(&self, dir: &Path) {
        let mut text = String::from("// Made by tests/sgs_scripts.rs for this run.\n");
        for (name, pem) in [
            ("TEST_CA", &self.ca.pem.cert),
            ("OTHER_CA", &self.other_ca.pem.cert),
            ("SERVER_CERT", &self.server.cert),
            ("SERVER_KEY", &self.server.key),
            ("CLIENT_CERT", &self.client.cert),
            ("CLIENT_KEY", &self.client.key),
            ("EXPIRED_CERT", &self.expired.cert),
            ("EXPIRED_KEY", &self.expired.key),
        ] {
            let escaped = pem
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            text.push_str(&format!("global {name} = \"{escaped}\";\n"));
        }
        std::fs::write(dir.join("sgss_test_certs.sgs"), text).expect("writable module folder");
    }
}

mod tls_examples;

/// Starts an example server script (`sgsvm -p script args`) and reads the `port N` line it
/// prints first on stderr. The caller kills it.
pub fn start_server(
    vm_dir: &Path,
    module_dir: &Path,
    script: &Path,
    args: &[&str],
) -> (std::process::Child, u16) {
    use std::io::{BufRead, BufReader};
    let mut server = Command::new(vm_dir.join("sgsvm"))
        .arg("-p")
        .arg(script)
        .args(args)
        .current_dir(module_dir)
        .env("LD_LIBRARY_PATH", vm_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sgsvm starts");
    let mut first = String::new();
    BufReader::new(server.stderr.take().expect("piped stderr"))
        .read_line(&mut first)
        .expect("the server prints its port");
    let port = first
        .trim()
        .strip_prefix("port ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("expected 'port N', got {first:?}"));
    (server, port)
}

/// `examples/sgs/poller_server.sgs` (bounded to 20 s by its own argument) serves several
/// clients at once, each several rounds, and reports what it served when it stops.
fn poller_server_echoes(vm_dir: &Path, module_dir: &Path) {
    use std::io::{Read as _, Write as _};
    use std::net::TcpStream;
    let example = workspace_root()
        .join("examples")
        .join("sgs")
        .join("poller_server.sgs");
    let (mut server, port) = start_server(vm_dir, module_dir, &example, &["0", "20"]);
    let mut clients: Vec<TcpStream> = (0..20)
        .map(|_| {
            let client = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            client
                .set_read_timeout(Some(SCRIPT_TIMEOUT))
                .expect("timeout");
            client
        })
        .collect();
    for round in 0..3u8 {
        for (n, client) in (0u8..).zip(clients.iter_mut()) {
            client.write_all(&[round, n, b'!']).expect("send");
        }
        for (n, client) in (0u8..).zip(clients.iter_mut()) {
            let mut echo = [0u8; 3];
            client.read_exact(&mut echo).expect("echo");
            assert_eq!(echo, [round, n, b'!']);
        }
    }
    drop(clients);
    let _ = server.kill();
    let _ = server.wait();
    println!("sgs_scripts: examples/sgs/poller_server.sgs echoed 20 clients x 3 rounds");
}
