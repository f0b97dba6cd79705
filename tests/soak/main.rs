//! Memory soak: 1,000,000 64-byte TCP ping-pong round trips through each layer (`core`;
//! `ffi`, the C ABI; `sgs`, the SGScript module driven through its test host), reporting
//! the peak resident set size at 10% and at 100% of the rounds. A layer passes when the
//! peak grows by less than 1 MiB between the two (nothing accumulates per call).
//!
//! ```sh
//! cargo bench -p sgssockets-tests --bench soak              # every layer, each in its own process
//! cargo bench -p sgssockets-tests --bench soak -- core      # one layer (core, ffi or sgs)
//! SGSS_SOAK_ROUNDS=100000 cargo bench -p sgssockets-tests --bench soak
//! ```
//!
//! Each layer runs in a child process so one layer's peak does not hide another's.

mod core_layer;
mod ffi_layer;
mod rss;
mod sgs_layer;

use std::process::{Command, ExitCode};
use std::time::Instant;

/// Bytes per ping and per pong.
const MESSAGE: usize = 64;

/// Growth of the peak RSS between 10% and 100% that fails the soak.
const GROWTH_LIMIT: u64 = 1024 * 1024;

/// A layer's round-trip loop: `rounds` pings, calling `checkpoint(done)` after each.
type Layer = fn(rounds: u64, checkpoint: &mut dyn FnMut(u64));

const LAYERS: &[(&str, Layer)] = &[
    ("core", core_layer::run),
    ("ffi", ffi_layer::run),
    ("sgs", sgs_layer::run),
];

fn rounds() -> u64 {
    std::env::var("SGSS_SOAK_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// Runs one layer in this process and reports; `true` when it passes.
fn soak(name: &str, layer: Layer) -> bool {
    let rounds = rounds();
    let tenth = (rounds / 10).max(1);
    let mut at_tenth = None;
    let started = Instant::now();
    layer(rounds, &mut |done| {
        if done == tenth {
            at_tenth = rss::peak_bytes();
        }
    });
    let elapsed = started.elapsed();
    let at_end = rss::peak_bytes();
    let per_round = elapsed / u32::try_from(rounds).unwrap_or(u32::MAX);
    match (at_tenth, at_end) {
        (Some(first), Some(last)) => {
            let growth = last.saturating_sub(first);
            let pass = growth < GROWTH_LIMIT;
            println!(
                "soak {name}: {rounds} round trips in {elapsed:.2?} ({per_round:?} each); \
                 peak RSS {:.2} MiB at 10%, {:.2} MiB at 100%, growth {} KiB: {}",
                first as f64 / 1048576.0,
                last as f64 / 1048576.0,
                growth / 1024,
                if pass { "PASS" } else { "FAIL (limit 1 MiB)" }
            );
            pass
        }
        _ => {
            println!("soak {name}: {rounds} round trips in {elapsed:.2?}; peak RSS unavailable on this platform");
            true
        }
    }
}

fn main() -> ExitCode {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    if let [only] = wanted.as_slice() {
        let Some((name, layer)) = LAYERS.iter().find(|(name, _)| name == only) else {
            eprintln!("soak: unknown layer {only:?}; layers: core, ffi, sgs");
            return ExitCode::FAILURE;
        };
        return if soak(name, *layer) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let exe = std::env::current_exe().expect("the soak binary knows its path");
    let mut all_pass = true;
    for (name, _) in LAYERS {
        let status = Command::new(&exe)
            .arg(name)
            .status()
            .expect("the soak binary re-runs itself");
        all_pass &= status.success();
    }
    if all_pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
