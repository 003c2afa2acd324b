//! Hot paths, one thread each: YAML load of a sector file, the status of every indicator,
//! chart drawing (charts per second), and a whole in-memory render of the bundled plan.
//! Run with `cargo bench`; the numbers are reported in the README.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tiendo::chart::bullet::{Bullet, bounds, draw};
use tiendo::chart::series::{self, Point, Series};
use tiendo::input::SectorFile;
use tiendo::model::Target;

const SECTOR: &str = include_str!("../content/tien-giang-2024/sectors/so-nong-nghiep.yaml");

fn yaml(c: &mut Criterion) {
    let mut g = c.benchmark_group("yaml");
    g.throughput(Throughput::Bytes(SECTOR.len() as u64));
    g.bench_function("parse sector file with locations", |b| {
        b.iter(|| {
            tiendo::yaml::parse::<SectorFile>(Path::new("s.yaml"), black_box(SECTOR)).unwrap()
        })
    });
    g.finish();
}

fn status(c: &mut Criterion) {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content"));
    let mut diags = Vec::new();
    let content = tiendo::load::load(root, 10 << 20, &mut diags);
    let skip = tiendo::validate::Locations::Skip;
    let plans = (content.plans.iter())
        .map(|p| tiendo::validate::one_plan(p, "vi", skip, &mut diags))
        .collect::<Option<_>>()
        .expect("the bundled plan is valid");
    let site = tiendo::validate::site(content.site.as_ref(), &["vi".into()], plans, &mut diags);
    let plan = &site.plans[0];
    let count: usize = plan.sectors.iter().map(|s| s.indicators.len()).sum();
    let mut g = c.benchmark_group("status");
    g.throughput(Throughput::Elements(count as u64));
    g.bench_function("decide every status of the bundled plan", |b| {
        b.iter(|| black_box(tiendo::status::decide(black_box(plan))))
    });
    g.finish();
}

fn bullet() -> Bullet<'static> {
    let target = Target::Range { min: 7.0, max: 7.5 };
    Bullet {
        id: "c-grdp",
        title: "Tốc độ tăng trưởng GRDP",
        desc: "Tốc độ tăng trưởng GRDP: 7,02 % (Năm 2024) so với mục tiêu 7–7,5 %: Đạt.",
        target,
        actual: Some(7.02),
        actual_label: Some("7,02 %".into()),
        provisional: false,
        baseline: Some((5.72, "2023: 5,72 %".into(), "2023".into())),
        expected: None,
        bound_labels: bounds(&target, Some(5.72))
            .iter()
            .map(|v| format!("{v} %"))
            .collect(),
        target_label: "7–7,5 %".into(),
        number: &|v| format!("{v}"),
    }
}

fn charts(c: &mut Criterion) {
    let mut g = c.benchmark_group("charts");
    g.throughput(Throughput::Elements(1));
    let b = bullet();
    g.bench_function("bullet chart", |bench| bench.iter(|| draw(black_box(&b))));
    let months: Vec<String> = (1..=12).map(|m| format!("T{m}")).collect();
    let fmt = |v: f64| format!("{v}");
    let s = Series {
        id: "s-grdp",
        title: "Tốc độ tăng trưởng GRDP qua các kỳ",
        desc: "6 tháng 5,56 %, 9 tháng 6,18 %, năm 7,02 %",
        points: (1..=12)
            .map(|m| Point {
                month: m,
                value: 4.0 + f64::from(m) * 0.25,
                provisional: m < 12,
            })
            .collect(),
        target: Target::Range { min: 7.0, max: 7.5 },
        cumulative: false,
        baseline: Some(5.72),
        fmt: &fmt,
        latest_label: "7 %".into(),
        unit: "%",
        months: &months,
        legend: [
            "Số liệu chính thức",
            "Số liệu tạm tính",
            "Mục tiêu",
            "Năm gốc 2023",
        ],
    };
    g.bench_function("series chart, 12 points", |bench| {
        bench.iter(|| series::draw(black_box(&s)))
    });
    g.finish();
}

fn site(c: &mut Criterion) {
    let opts = tiendo::Options::new(
        concat!(env!("CARGO_MANIFEST_DIR"), "/content"),
        "/tmp/unused",
    );
    let mut g = c.benchmark_group("site");
    g.sample_size(20);
    g.bench_function("render the bundled plan in memory", |b| {
        b.iter(|| tiendo::render_site(black_box(&opts)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, yaml, status, charts, site);
criterion_main!(benches);
