//! TCP over loopback through sgssockets-core, std::net and raw libc, side by side in one
//! criterion run: a 64-byte ping-pong round trip, and a 64 KiB bulk transfer acknowledged
//! by one byte. `pingpong_paired` measures the same variants interleaved, which is steadier
//! on a busy machine.

#[cfg(not(unix))]
fn main() {
    eprintln!("this benchmark compares against raw libc calls and runs on Unix only");
}

#[cfg(unix)]
mod tcp_variants;

#[cfg(unix)]
mod unix_bench {
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};

    use crate::tcp_variants::{all, Exchange};

    fn bench_exchange(c: &mut Criterion, name: &str, exchange: Exchange) {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(
            (exchange.request + exchange.reply) as u64,
        ));
        for mut variant in all(exchange) {
            group.bench_function(BenchmarkId::from_parameter(variant.name()), |b| {
                b.iter(|| variant.round())
            });
        }
        group.finish();
    }

    fn ping_pong(c: &mut Criterion) {
        bench_exchange(
            c,
            "tcp_pingpong_64B",
            Exchange {
                request: 64,
                reply: 64,
            },
        );
    }

    fn bulk(c: &mut Criterion) {
        bench_exchange(
            c,
            "tcp_bulk_64KiB",
            Exchange {
                request: 64 * 1024,
                reply: 1,
            },
        );
    }

    criterion_group! {
        name = benches;
        config = Criterion::default()
            .sample_size(30)
            .warm_up_time(std::time::Duration::from_secs(1))
            .measurement_time(std::time::Duration::from_secs(3));
        targets = ping_pong, bulk
    }
}

#[cfg(unix)]
use unix_bench::benches;
#[cfg(unix)]
criterion::criterion_main!(benches);
