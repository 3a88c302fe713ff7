//! The compiler's stages over generated recipes (`benches/support/generate.rs`), at 10^3, 10^4
//! and 10^5 steps: lexing, parsing, name resolution and binding, the phase checks, the
//! step graphs, the layer stacks, `seipc check` (everything, keeping diagnostics only)
//! and the whole `compile`; and scheduling a pilot-line batch of 10^2, 10^3 and 10^4
//! samples. A stage's own output is freed outside the timing (`iter_with_large_drop`);
//! `check` and `compile` include everything. Throughput is reported in bytes of
//! source, so MB/s reads straight off criterion's output; `bench/README.md` records the
//! figures.
//!
//! `SEIP_BENCH_MAX_STEPS` caps the sizes (default 100000).

#[path = "support/generate.rs"]
mod generate;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};

fn sizes() -> Vec<usize> {
    let cap = std::env::var("SEIP_BENCH_MAX_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    [1_000, 10_000, 100_000].into_iter().filter(|&n| n <= cap).collect()
}

fn stages(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("stages");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    for steps in sizes() {
        let source = generate::protocols(steps, 1, 7);
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_with_input(BenchmarkId::new("lex", steps), &source, |b, source| {
            b.iter(|| seip::syntax::lexer::Lexer::new(black_box(source)).count())
        });
        group.bench_with_input(BenchmarkId::new("parse", steps), &source, |b, source| {
            b.iter_with_large_drop(|| seip::syntax::parser::parse(black_box(source)))
        });
        let library = seip::sema::library::Library::builtin();
        let (file, _) = seip::syntax::parser::parse(&source);
        group.bench_with_input(BenchmarkId::new("resolve", steps), &file, |b, file| {
            b.iter_with_large_drop(|| seip::sema::resolve(black_box(file), library, &[], &[]))
        });
        let (program, library, chemistry, _) = seip::sema::resolve(&file, library, &[], &[]);
        drop(file);
        group.bench_with_input(BenchmarkId::new("reagents", steps), &program, |b, program| {
            b.iter_with_large_drop(|| seip::sema::reagents::check(black_box(program), &library, &chemistry))
        });
        group.bench_with_input(BenchmarkId::new("dag", steps), &program, |b, program| {
            b.iter_with_large_drop(|| seip::plan::dag::build(black_box(program), &library))
        });
        group.bench_with_input(BenchmarkId::new("physics", steps), &program, |b, program| {
            b.iter_with_large_drop(|| seip::physics::predict(black_box(program), &library, &chemistry))
        });
        group.bench_with_input(BenchmarkId::new("check", steps), &source, |b, source| {
            b.iter(|| seip::compile_keeping(black_box(source), seip::Keep::Diagnostics))
        });
        group.bench_with_input(BenchmarkId::new("compile", steps), &source, |b, source| {
            b.iter(|| seip::compile(black_box(source)))
        });
    }
    group.finish();
}

fn scheduling(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("schedule");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    for batch in [100u32, 1_000, 10_000] {
        let source = generate::one_batch(batch);
        let compilation = seip::compile(&source);
        assert!(!compilation.has_errors(), "the generated pilot line compiles");
        group.throughput(Throughput::Elements(u64::from(batch) * 7));
        group.bench_with_input(BenchmarkId::new("pilot_line", batch), &compilation, |b, compilation| {
            b.iter(|| seip::schedule(black_box(compilation), Duration::from_secs(2)))
        });
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    stages(&mut criterion);
    scheduling(&mut criterion);
    criterion.final_summary();
}
