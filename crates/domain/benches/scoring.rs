//! Parse + validate + score one questionnaire from its JSON bytes (issue 3: ≥ 200,000/s on one
//! core). Run: `cargo bench -p mimik-domain --bench scoring`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mimik_domain::{Instrument, MissingMode, parse_answers_json, score};
use std::hint::black_box;

const FACE: &[u8] = br#"{"answers": {"q1": 2, "q2": 1, "q3": 3, "q4": 2, "q5": 3, "q6": 2, "q7": 4, "q8": 3, "q9": 4, "q10": 5, "q11": 4, "q12": 3, "q13": 2, "q14": 3, "q15": 5}}"#;
const FDI: &[u8] = br#"{"answers": {"q1": 4, "q2": 5, "q3": 3, "q4": 2, "q5": "other_reasons", "q6": 3, "q7": 5, "q8": 3, "q9": 2, "q10": 6}}"#;
const SAQ: &[u8] = br#"{"answers": {"q1": 4, "q2": 3, "q3": 2, "q4": 1, "q5": 5, "q6": 3, "q7": 2, "q8": 1, "q9": 1}}"#;

fn parse_validate_score(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_validate_score");
    group.throughput(Throughput::Elements(1));
    for (name, instrument, json) in [
        ("face", Instrument::Face, FACE),
        ("fdi", Instrument::Fdi, FDI),
        ("saq", Instrument::Saq, SAQ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let answers = parse_answers_json(instrument, black_box(json)).expect("valid");
                black_box(score(&answers, MissingMode::Strict))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_validate_score);
criterion_main!(benches);
