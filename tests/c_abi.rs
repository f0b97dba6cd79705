//! The C ABI from C: the programs in `tests/c/` are compiled with
//! `gcc -std=c99 -Wall -Wextra -Werror -pedantic`, linked once against the static and once
//! against the shared library, and run over loopback. The header is also compiled as C++11,
//! the library is installed with `install.sh` and linked through pkg-config, and the C
//! example is built and run.
//!
//! With `SGSS_VALGRIND=1` (and valgrind installed) every C program runs under
//! `valgrind --error-exitcode=1 --leak-check=full`. Without gcc every test prints a skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use sgssockets_tests::{build_package, target_root, workspace_root};

/// What a static link of the library needs on Linux: rustc's `--print native-static-libs`
/// (`-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc`) without `-lutil`, `-lrt` and `-lc`, as
/// `install.sh` puts it into `sgssockets-static.pc`; every static test links with only these.
const NATIVE_STATIC_LIBS: &[&str] = &["-lgcc_s", "-lpthread", "-lm", "-ldl"];

/// The SONAME the shared library carries (`build.rs`).
const SONAME: &str = "libsgssockets_ffi.so.0";

/// The C compiler's warnings-as-errors flags the issue asks for.
const C_FLAGS: &[&str] = &[
    "-std=c99",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-pedantic",
    "-D_POSIX_C_SOURCE=200809L",
    "-g",
];

/// The built library and where test programs go.
struct Setup {
    /// Cargo's output: the `.a` (and the `.so`).
    lib_dir: PathBuf,
    /// The `.so` with its SONAME link next to it, as programs linked against it load it.
    shared_dir: PathBuf,
    include_dir: PathBuf,
    out_dir: PathBuf,
}

/// Whether `program --version` runs.
fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Builds the library once; `None` (after printing why) when there is no gcc.
fn setup() -> Option<&'static Setup> {
    static SETUP: OnceLock<Option<Setup>> = OnceLock::new();
    let setup = SETUP.get_or_init(|| {
        if !cfg!(unix) || !have("gcc") {
            return None;
        }
        let lib_dir = build_package("sgssockets-ffi");
        let out_dir = target_root().join("c-tests");
        std::fs::create_dir_all(&out_dir).expect("the C test output folder can be made");
        // A program linked against the .so records its SONAME (libsgssockets_ffi.so.0) and
        // loads that name, which Cargo does not make: give it a folder with both names.
        let shared_dir = out_dir.join("shared-lib");
        let _ = std::fs::remove_dir_all(&shared_dir);
        std::fs::create_dir_all(&shared_dir).expect("the shared library folder can be made");
        std::fs::copy(
            lib_dir.join("libsgssockets_ffi.so"),
            shared_dir.join("libsgssockets_ffi.so"),
        )
        .expect("the shared library can be copied");
        #[cfg(unix)]
        std::os::unix::fs::symlink("libsgssockets_ffi.so", shared_dir.join(SONAME))
            .expect("the SONAME link can be made");
        Some(Setup {
            lib_dir,
            shared_dir,
            include_dir: workspace_root().join("sgssockets-ffi/include"),
            out_dir,
        })
    });
    if setup.is_none() {
        println!("skipped: gcc is not installed (or this is not a Unix-like system)");
    }
    setup.as_ref()
}

/// Runs a command and panics with its output when it fails.
fn run(command: &mut Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{what}: cannot start {command:?}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    output
}

/// How a program is linked to the library.
#[derive(Clone, Copy, Debug)]
enum Link {
    Static,
    Shared,
}

/// Compiles `tests/c/<name>.c` against the library.
fn compile(setup: &Setup, name: &str, link: Link) -> PathBuf {
    let source = workspace_root().join("tests/c").join(format!("{name}.c"));
    compile_source(setup, &source, name, link)
}

fn compile_source(setup: &Setup, source: &Path, name: &str, link: Link) -> PathBuf {
    let exe = setup
        .out_dir
        .join(format!("{name}-{link:?}").to_lowercase());
    let mut gcc = Command::new("gcc");
    gcc.args(C_FLAGS)
        .arg("-I")
        .arg(&setup.include_dir)
        .arg("-I")
        .arg(workspace_root().join("tests/c"))
        .arg(source)
        .arg("-o")
        .arg(&exe);
    match link {
        Link::Static => {
            gcc.arg(setup.lib_dir.join("libsgssockets_ffi.a"))
                .args(NATIVE_STATIC_LIBS);
        }
        Link::Shared => {
            gcc.arg("-L")
                .arg(&setup.shared_dir)
                .arg("-lsgssockets_ffi")
                .arg(format!("-Wl,-rpath,{}", setup.shared_dir.display()))
                .args(["-lpthread", "-lm"]);
        }
    }
    run(&mut gcc, &format!("compiling {name} ({link:?})"));
    exe
}

/// valgrind's option for `tests/c/valgrind.supp`: the known false positives of ring's
/// AES-GCM assembly (each explained in the file), so TLS programs run under memcheck too.
fn suppressions_arg() -> String {
    let file = workspace_root().join("tests/c/valgrind.supp");
    format!("--suppressions={}", file.display())
}

/// Runs a compiled test program, under valgrind when `SGSS_VALGRIND=1`.
fn run_program(exe: &Path, args: &[&str]) -> Output {
    let valgrind = std::env::var("SGSS_VALGRIND").is_ok_and(|v| v == "1");
    let mut command = if valgrind && have("valgrind") {
        let mut command = Command::new("valgrind");
        command
            .args(["--error-exitcode=1", "--leak-check=full", "--quiet"])
            .arg(suppressions_arg())
            .arg(exe);
        println!("{}: under valgrind --leak-check=full", exe.display());
        command
    } else {
        if valgrind {
            println!("SGSS_VALGRIND=1 but valgrind is not installed: running without it");
        }
        Command::new(exe)
    };
    command.args(args);
    run(&mut command, &format!("running {}", exe.display()))
}

/// Compiles and runs one C test program with one kind of link.
fn c_test(name: &str, link: Link) {
    let Some(setup) = setup() else { return };
    let exe = compile(setup, name, link);
    let output = run_program(&exe, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(" 0 failed"),
        "{name} printed no clean summary:\n{stdout}"
    );
}

#[test]
fn c_address_static() {
    c_test("test_address", Link::Static);
}

#[test]
fn c_address_shared() {
    c_test("test_address", Link::Shared);
}

#[test]
fn c_socket_static() {
    c_test("test_socket", Link::Static);
}

#[test]
fn c_socket_shared() {
    c_test("test_socket", Link::Shared);
}

#[test]
fn c_select_static() {
    c_test("test_select", Link::Static);
}

#[test]
fn c_select_shared() {
    c_test("test_select", Link::Shared);
}

#[test]
fn c_threads_static() {
    c_test("test_threads", Link::Static);
}

#[test]
fn c_threads_shared() {
    c_test("test_threads", Link::Shared);
}

#[test]
fn c_misc_static() {
    c_test("test_misc", Link::Static);
}

#[test]
fn c_misc_shared() {
    c_test("test_misc", Link::Shared);
}

/// The calls people reach for (SPEC §9): send_all and its deadline, connect with a timeout
/// (ETIMEDOUT against a full backlog), connect by host name, pairs, multicast, raw options,
/// detach and adopting a duplicate descriptor, reverse lookup, the option constants.
#[test]
fn c_calls_static() {
    c_test("test_calls", Link::Static);
}

#[test]
fn c_calls_shared() {
    c_test("test_calls", Link::Shared);
}

/// The poller: every function, readiness semantics, kept events, notify from a thread,
/// closing registered sockets, bad arguments and 2,000 registered sockets.
#[test]
fn c_poller_static() {
    c_test("test_poller", Link::Static);
}

#[test]
fn c_poller_shared() {
    c_test("test_poller", Link::Shared);
}

/// A test PKI made with rcgen at run time (no private key is committed), written into `dir`
/// as the PEM files `tests/c/test_tls.c` reads: `ca.pem`; `server.pem`/`server.key` for
/// `localhost` and `127.0.0.1`, issued by the CA; `client.pem`/`client.key`, a client
/// certificate issued by the CA.
fn write_test_pki(dir: &Path) {
    use sgssockets_test_support::certs::Ca;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("the PKI folder can be made");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).expect("a PKI file can be written");
    };
    let ca = Ca::new("sgssockets C test CA");
    write("ca.pem", &ca.pem.cert);
    for (name, pem) in [
        ("server", ca.server(&["localhost", "127.0.0.1"])),
        ("client", ca.client("sgssockets C test client")),
    ] {
        write(&format!("{name}.pem"), &pem.cert);
        write(&format!("{name}.key"), &pem.key);
    }
}

/// Removes a test PKI folder (with its private keys) however the test ends.
struct RemoveOnDrop<'a>(&'a Path);

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0);
    }
}

/// TLS from C (`tests/c/test_tls.c`): a loopback TLS 1.3 echo with both streams in one
/// thread, non-blocking, on the poller and `sgss_tls_select`; verification failures;
/// insecure skip-verify; ALPN; client certificates; buffered plaintext reported readable;
/// close_notify versus truncation; timeouts; bad PEM; NULL arguments. The PKI is made here
/// and given to the program as a folder, removed afterwards.
fn tls_test(link: Link) {
    let Some(setup) = setup() else { return };
    let pki = setup
        .out_dir
        .join(format!("tls-pki-{link:?}").to_lowercase());
    let _remove = RemoveOnDrop(&pki);
    write_test_pki(&pki);
    let exe = compile(setup, "test_tls", link);
    let output = run_program(&exe, &[pki.to_str().expect("a UTF-8 path")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(" 0 failed"),
        "test_tls printed no clean summary:\n{stdout}"
    );
}

#[test]
fn c_tls_static() {
    tls_test(Link::Static);
}

#[test]
fn c_tls_shared() {
    tls_test(Link::Shared);
}

/// The conventions of issue 11: new names and every deprecated alias, `const` (natural
/// handle arrays, setters), the one timeout rule of calls that wait, the version macros,
/// `sgss_result_name`, and `AF_*`/`SHUT_*` from the header alone.
#[test]
fn c_conventions_static() {
    c_test("test_conventions", Link::Static);
}

#[test]
fn c_conventions_shared() {
    c_test("test_conventions", Link::Shared);
}

/// The same program compiled as C++11 (warnings as errors): the header's types, handle
/// arrays and macros need no cast there either.
#[test]
fn cxx_conventions() {
    let Some(setup) = setup() else { return };
    if !have("g++") {
        println!("skipped: g++ is not installed");
        return;
    }
    let exe = setup.out_dir.join("test_conventions-cxx");
    run(
        Command::new("g++")
            .args([
                "-x",
                "c++",
                "-std=c++11",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-g",
            ])
            .arg("-I")
            .arg(&setup.include_dir)
            .arg("-I")
            .arg(workspace_root().join("tests/c"))
            .arg(workspace_root().join("tests/c/test_conventions.c"))
            .arg("-o")
            .arg(&exe)
            .arg("-L")
            .arg(&setup.shared_dir)
            .arg("-lsgssockets_ffi")
            .arg(format!("-Wl,-rpath,{}", setup.shared_dir.display())),
        "compiling test_conventions.c as C++",
    );
    let output = run_program(&exe, &[]);
    assert!(String::from_utf8_lossy(&output.stdout).contains(" 0 failed"));
}

/// Every handle kind made and ended exactly once (no leak, no invalid free under valgrind),
/// borrowed addresses never freed, and `_free(NULL)` for every `_free`.
#[test]
fn c_handles_static() {
    c_test("test_handles", Link::Static);
}

#[test]
fn c_handles_shared() {
    c_test("test_handles", Link::Shared);
}

/// A borrowed address (`const sgss_address *` from a list) cannot be given to
/// `sgss_address_free`, which takes an owned `sgss_address *`, without a cast: the
/// compiler rejects it with the flags of the tests.
#[test]
fn borrowed_address_cannot_be_freed_without_a_cast() {
    let Some(setup) = setup() else { return };
    let source = setup.out_dir.join("free_borrowed.c");
    std::fs::write(
        &source,
        "#include \"sgssockets.h\"\n\
         void end(const sgss_addrinfo *info) { sgss_address_free(info->addr); }\n",
    )
    .expect("the snippet can be written");
    let output = Command::new("gcc")
        .args(C_FLAGS)
        .arg("-c")
        .arg("-I")
        .arg(&setup.include_dir)
        .arg(&source)
        .arg("-o")
        .arg(setup.out_dir.join("free_borrowed.o"))
        .output()
        .expect("gcc can be started");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "gcc accepted freeing a borrowed address"
    );
    assert!(
        stderr.contains("const"),
        "rejected for another reason:\n{stderr}"
    );
}

/// The header is right for both builds of the library: by default it defines `SGSS_TLS`
/// and declares the TLS API; with `-DSGSS_NO_TLS` (for a library built without the `tls`
/// feature) it declares none of it, so those names are free.
#[test]
fn header_declares_tls_unless_sgss_no_tls() {
    let Some(setup) = setup() else { return };
    let compile_snippet = |name: &str, code: &str, defines: &[&str]| -> Output {
        let source = setup.out_dir.join(format!("{name}.c"));
        std::fs::write(&source, code).expect("the snippet can be written");
        Command::new("gcc")
            .args(C_FLAGS)
            .args(defines)
            .arg("-c")
            .arg("-I")
            .arg(&setup.include_dir)
            .arg(&source)
            .arg("-o")
            .arg(setup.out_dir.join(format!("{name}.o")))
            .output()
            .expect("gcc can be started")
    };
    let with_tls = compile_snippet(
        "header_with_tls",
        "#include \"sgssockets.h\"\n\
         #if !defined(SGSS_TLS)\n#error SGSS_TLS is not defined\n#endif\n\
         void end(sgss_tls *tls) { sgss_tls_free(tls); }\n",
        &[],
    );
    assert!(
        with_tls.status.success(),
        "{}",
        String::from_utf8_lossy(&with_tls.stderr)
    );
    // These definitions clash with the TLS declarations if the header made them.
    let without_tls = compile_snippet(
        "header_without_tls",
        "#include \"sgssockets.h\"\n\
         #if defined(SGSS_TLS)\n#error SGSS_TLS is defined\n#endif\n\
         typedef int sgss_tls;\ntypedef int sgss_select_item;\n\
         int sgss_tls_new_client(void) { return SGSS_RESULT_OK; }\n",
        &["-DSGSS_NO_TLS"],
    );
    assert!(
        without_tls.status.success(),
        "{}",
        String::from_utf8_lossy(&without_tls.stderr)
    );
}

/// The header is valid C++11 and links from C++.
#[test]
fn header_compiles_as_cxx11() {
    let Some(setup) = setup() else { return };
    if !have("g++") {
        println!("skipped: g++ is not installed");
        return;
    }
    let exe = setup.out_dir.join("header_cxx");
    run(
        Command::new("g++")
            .args(["-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .arg("-I")
            .arg(&setup.include_dir)
            .arg(workspace_root().join("tests/c/header_cxx.cpp"))
            .arg("-o")
            .arg(&exe)
            .arg("-L")
            .arg(&setup.shared_dir)
            .arg("-lsgssockets_ffi")
            .arg(format!("-Wl,-rpath,{}", setup.shared_dir.display())),
        "compiling header_cxx.cpp",
    );
    run_program(&exe, &[]);
}

/// The echo example builds with the same flags and echoes over loopback.
#[test]
fn example_echo_runs() {
    let Some(setup) = setup() else { return };
    let source = workspace_root().join("examples/c/echo.c");
    let exe = compile_source(setup, &source, "echo", Link::Shared);
    let output = run_program(&exe, &["hello from C"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("echoed: hello from C"), "{stdout}");
}

/// The poller echo example builds with the same flags and serves several loopback clients
/// at once (each sending several messages, interleaved, one of them large enough to need
/// more than one send), then exits once they have all come and gone.
#[test]
fn example_poller_echo_serves_many_clients() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    const CLIENTS: usize = 6;
    let Some(setup) = setup() else { return };
    let source = workspace_root().join("examples/c/poller_echo.c");
    let exe = compile_source(setup, &source, "poller_echo", Link::Shared);
    let valgrind = std::env::var("SGSS_VALGRIND").is_ok_and(|v| v == "1") && have("valgrind");
    let mut command = if valgrind {
        let mut command = Command::new("valgrind");
        command
            .args(["--error-exitcode=1", "--leak-check=full", "--quiet"])
            .arg(&exe);
        command
    } else {
        Command::new(&exe)
    };
    let mut server = command
        .args(["0", &CLIENTS.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("poller_echo starts");
    let mut stdout = BufReader::new(server.stdout.take().expect("piped stdout"));
    let mut first = String::new();
    stdout
        .read_line(&mut first)
        .expect("poller_echo prints its address");
    let address = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();

    let mut clients: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| {
            let stream = TcpStream::connect(&address).expect("connects to poller_echo");
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .expect("read timeout");
            stream
        })
        .collect();
    for round in 0..3 {
        for (i, client) in clients.iter_mut().enumerate() {
            // One big message (several sends on the server's side) on client 0, round 1.
            let message = if i == 0 && round == 1 {
                vec![b'z'; 1 << 20]
            } else {
                format!("client {i} round {round}").into_bytes()
            };
            // Written by another thread while this one reads: the server stops reading
            // while its echo cannot be sent, so a client that only wrote would stall.
            let mut writer = client.try_clone().expect("the stream can be cloned");
            let mut echo = vec![0; message.len()];
            std::thread::scope(|scope| {
                scope.spawn(|| writer.write_all(&message).expect("send"));
                client.read_exact(&mut echo).expect("the echo comes back");
            });
            assert!(echo == message, "client {i} round {round}: wrong echo");
        }
    }
    drop(clients);

    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = server.try_wait().expect("poller_echo can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = server.kill();
            panic!("poller_echo did not exit after its clients left");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("stdout");
    let mut stderr = String::new();
    if let Some(mut pipe) = server.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("stderr");
    }
    print!("{first}{rest}");
    assert!(
        status.success(),
        "poller_echo failed ({status}):\n{rest}\n{stderr}"
    );
    assert!(
        rest.contains(&format!("served {CLIENTS} clients")),
        "{rest}\n{stderr}"
    );
}

/// The HTTPS example builds with the same flags and fetches a page from a loopback TLS
/// server (core's `TlsStream`, a certificate for `localhost` from the test PKI), verifying it
/// against the PKI's CA given as its ROOTS argument; it never goes to the internet here.
#[test]
fn example_tls_get_fetches_from_a_loopback_server() {
    use sgssockets_tests::one_request_https_server;
    use std::time::Duration;

    let Some(setup) = setup() else { return };
    let pki = setup.out_dir.join("tls-pki-example");
    let _remove = RemoveOnDrop(&pki);
    write_test_pki(&pki);
    let read = |name: &str| std::fs::read_to_string(pki.join(name)).expect("a PKI file");
    // Every wait of the server is bounded (generously: the example may run under valgrind).
    let (port, server) = one_request_https_server(
        &read("server.pem"),
        &read("server.key"),
        "hello from a loopback TLS server\n",
        Duration::from_secs(60),
    );

    let source = workspace_root().join("examples/c/tls_get.c");
    let exe = compile_source(setup, &source, "tls_get", Link::Shared);
    let ca = pki.join("ca.pem");
    let output = run_program(
        &exe,
        &[
            "localhost",
            &port.to_string(),
            "/hello",
            ca.to_str().expect("a UTF-8 path"),
        ],
    );
    let request = server.join().expect("the server thread").head;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        request.starts_with("GET /hello HTTP/1.1\r\nHost: localhost\r\n"),
        "{request}"
    );
    assert!(stdout.starts_with("HTTP/1.1 200 OK\r\n"), "{stdout}");
    assert!(
        stdout.ends_with("hello from a loopback TLS server\n"),
        "{stdout}"
    );
    assert!(stderr.contains("tls_get: protocol TLSv1.3"), "{stderr}");
    assert!(stderr.contains("tls_get: alpn http/1.1"), "{stderr}");
}

/// `readelf -d` of a binary: its dynamic section as text.
fn dynamic_section(path: &Path) -> String {
    let out = Command::new("readelf")
        .arg("-d")
        .arg(path)
        .output()
        .expect("readelf can be started");
    assert!(out.status.success(), "readelf -d {}", path.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The shared library carries the SONAME `libsgssockets_ffi.so.0`.
#[test]
fn shared_library_has_a_soname() {
    let Some(setup) = setup() else { return };
    if !have("readelf") {
        println!("skipped: readelf is not installed");
        return;
    }
    let dynamic = dynamic_section(&setup.lib_dir.join("libsgssockets_ffi.so"));
    assert!(
        dynamic.contains(&format!("Library soname: [{SONAME}]")),
        "{dynamic}"
    );
}

/// `install.sh PREFIX` installs the versioned shared library with its links, the archive,
/// the header and two `.pc` files; then, with the .so and the .a in one folder:
/// - `cc app.c $(pkg-config --cflags --libs sgssockets) -Wl,-rpath,PREFIX/lib` runs with no
///   `LD_LIBRARY_PATH` and needs `libsgssockets_ffi.so.0` (the SONAME);
/// - without the rpath it runs with `LD_LIBRARY_PATH=PREFIX/lib`;
/// - `cc app.c $(pkg-config --cflags --libs --static sgssockets-static)` needs no
///   libsgssockets at all and runs in an empty environment.
#[test]
fn pkg_config_install_and_link() {
    let Some(setup) = setup() else { return };
    if !have("pkg-config") || !have("readelf") {
        println!("skipped: pkg-config or readelf is not installed");
        return;
    }
    let prefix = setup.out_dir.join("prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    run(
        Command::new("sh")
            .arg(workspace_root().join("sgssockets-ffi/install.sh"))
            .arg(&prefix)
            .arg("debug")
            .env("SGSS_NO_BUILD", "1")
            .env("CARGO_TARGET_DIR", target_root()),
        "install.sh",
    );
    let lib = prefix.join("lib");
    let version = env!("CARGO_PKG_VERSION");
    let link = |name: &str| std::fs::read_link(lib.join(name)).ok();
    assert_eq!(
        link("libsgssockets_ffi.so"),
        Some(PathBuf::from(SONAME)),
        "the .so link"
    );
    assert_eq!(
        link(SONAME),
        Some(PathBuf::from(format!("libsgssockets_ffi.so.{version}"))),
        "the SONAME link"
    );
    assert!(lib
        .join(format!("libsgssockets_ffi.so.{version}"))
        .is_file());
    assert!(lib.join("libsgssockets_ffi.a").is_file());

    let pc_path = lib.join("pkgconfig");
    let pkg_config = |args: &[&str]| -> Vec<String> {
        let out = run(
            Command::new("pkg-config")
                .args(args)
                .env("PKG_CONFIG_PATH", &pc_path),
            "pkg-config",
        );
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let static_flags = pkg_config(&["--cflags", "--libs", "--static", "sgssockets-static"]);
    assert_eq!(
        static_flags,
        pkg_config(&["--cflags", "--libs", "sgssockets-static"]),
        "--static is optional for sgssockets-static"
    );
    for unneeded in ["-lutil", "-lrt"] {
        assert!(
            !static_flags.iter().any(|f| f == unneeded),
            "{static_flags:?}"
        );
    }
    let app = workspace_root().join("tests/c/pkgconfig_app.c");
    let cc = |name: &str, flags: &[String], extra: &[String]| -> PathBuf {
        let exe = setup.out_dir.join(name);
        run(
            Command::new("cc")
                .args(C_FLAGS)
                .arg(&app)
                .arg("-o")
                .arg(&exe)
                .args(flags)
                .args(extra),
            &format!("cc {name}"),
        );
        exe
    };
    let ok = |output: Output| {
        assert!(String::from_utf8_lossy(&output.stdout).contains("pkgconfig_app: ok"));
    };
    let needs_lib = |exe: &Path| {
        dynamic_section(exe)
            .lines()
            .filter(|line| line.contains("(NEEDED)"))
            .find(|line| line.contains("libsgssockets"))
            .map(str::to_owned)
    };

    // Shared, with the rpath step the README shows: runs without LD_LIBRARY_PATH.
    let shared = pkg_config(&["--cflags", "--libs", "sgssockets"]);
    let exe = cc(
        "pkgconfig_app_rpath",
        &shared,
        &[format!("-Wl,-rpath,{}", lib.display())],
    );
    let needed = needs_lib(&exe).expect("the shared program needs the library");
    assert!(needed.contains(&format!("[{SONAME}]")), "{needed}");
    ok(run(
        Command::new(&exe).env_remove("LD_LIBRARY_PATH"),
        "pkgconfig_app_rpath",
    ));

    // Shared without rpath: runs with LD_LIBRARY_PATH (the README's other step).
    let exe = cc("pkgconfig_app_shared", &shared, &[]);
    ok(run(
        Command::new(&exe).env("LD_LIBRARY_PATH", &lib),
        "pkgconfig_app_shared",
    ));

    // Static through pkg-config, the .so right next to the .a: no libsgssockets needed,
    // runs in an empty environment (and under valgrind when asked).
    let exe = cc("pkgconfig_app_static", &static_flags, &[]);
    assert_eq!(needs_lib(&exe), None, "the static program needs the .so");
    ok(run(Command::new(&exe).env_clear(), "pkgconfig_app_static"));
    ok(run_program(&exe, &[]));
}

/// Every function the header declares is called by at least one C test program.
#[test]
fn every_header_function_is_exercised_from_c() {
    let root = workspace_root();
    let header = std::fs::read_to_string(root.join("sgssockets-ffi/include/sgssockets.h"))
        .expect("the header is readable");
    let mut sources = String::new();
    for entry in std::fs::read_dir(root.join("tests/c")).expect("tests/c is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|ext| ext == "c") {
            sources += &std::fs::read_to_string(&path).expect("a C test is readable");
        }
    }
    let declared: Vec<&str> = header
        .lines()
        .filter(|line| {
            line.starts_with("sgss_result sgss_")
                || line.starts_with("void sgss_")
                || line.starts_with("const char *sgss_")
        })
        .filter_map(|line| line.split('(').next())
        .filter_map(|head| head.rsplit([' ', '*']).next())
        .collect();
    assert!(
        declared.len() > 50,
        "found only {} functions",
        declared.len()
    );
    let missing: Vec<&str> = declared
        .iter()
        .copied()
        .filter(|name| !sources.contains(&format!("{name}(")))
        .collect();
    assert!(missing.is_empty(), "not called from tests/c: {missing:?}");
    println!(
        "{} header functions, all called from tests/c",
        declared.len()
    );
}
