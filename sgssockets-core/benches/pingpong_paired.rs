//! The ping-pong and bulk comparisons of `pingpong`, measured interleaved: each batch runs
//! a few hundred round trips through every variant in turn, so load that comes and goes on
//! the machine hits all variants alike. Reports the median batch per variant and each
//! variant's median ratio to raw libc over the same batches.
//!
//! `cargo bench -p sgssockets-core --bench pingpong_paired`

#[cfg(not(unix))]
fn main() {
    eprintln!("this benchmark compares against raw libc calls and runs on Unix only");
}

#[cfg(unix)]
mod tcp_variants;

#[cfg(unix)]
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[cfg(unix)]
fn compare(title: &str, exchange: tcp_variants::Exchange, rounds_per_batch: u32, batches: usize) {
    use std::time::Instant;
    tcp_variants::pin_to_cpu(0);
    let mut variants = tcp_variants::all(exchange);
    for variant in &mut variants {
        for _ in 0..rounds_per_batch {
            variant.round(); // warm up
        }
    }
    let mut per_round: Vec<Vec<f64>> = vec![Vec::with_capacity(batches); variants.len()];
    for batch in 0..batches {
        // Rotate the starting variant so none always runs first in a batch.
        for offset in 0..variants.len() {
            let index = (batch + offset) % variants.len();
            let started = Instant::now();
            for _ in 0..rounds_per_batch {
                variants[index].round();
            }
            per_round[index].push(started.elapsed().as_secs_f64() / f64::from(rounds_per_batch));
        }
    }
    let raw = variants.len() - 1;
    println!("{title}: {batches} batches of {rounds_per_batch} round trips, interleaved");
    for (index, variant) in variants.iter().enumerate() {
        let mut ratios: Vec<f64> = per_round[index]
            .iter()
            .zip(&per_round[raw])
            .map(|(mine, base)| mine / base)
            .collect();
        let ratio = median(&mut ratios);
        let time = median(&mut per_round[index].clone());
        println!(
            "  {:<16} median {:>9.2} µs per round trip   vs raw libc {:+6.2}%",
            variant.name(),
            time * 1e6,
            (ratio - 1.0) * 100.0
        );
    }
}

#[cfg(unix)]
fn main() {
    let ping = tcp_variants::Exchange {
        request: 64,
        reply: 64,
    };
    let bulk = tcp_variants::Exchange {
        request: 64 * 1024,
        reply: 1,
    };
    compare("tcp_pingpong_64B", ping, 500, 60);
    compare("tcp_bulk_64KiB", bulk, 100, 60);
}
