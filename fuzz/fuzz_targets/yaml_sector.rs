//! `tiendo::yaml::parse` alone (serde typed parse, then the yaml-rust2 span recorder), fed the
//! text of a sector file; much faster than the whole pipeline, so it goes deeper into the YAML
//! layer. The same text is also parsed as a `plan.yaml` and a `site.yaml`, and every error is
//! formatted as the CLI prints it. Any panic is a finding.

#![no_main]

use std::fmt::Write;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tiendo::input::{PlanFile, SectorFile, SiteFile};
use tiendo::yaml::parse;

fuzz_target!(|data: &[u8]| {
    // Files go through `load::decode` (BOM, UTF-8 check, NFC) before the YAML parser.
    let Ok(text) = tiendo::load::decode(data) else {
        return;
    };
    let mut sink = String::new();
    match parse::<SectorFile>(Path::new("p/sectors/s.yaml"), &text) {
        Ok(doc) => {
            // Look up a few spans the validator asks for.
            for i in 0..doc.value.indicators.len().min(4) {
                let _ = doc.spans.get(&format!("indicators[{i}].target.range"));
            }
            let _ = doc.spans.get("commentary");
        }
        Err(d) => {
            let _ = write!(sink, "{d}");
        }
    }
    if let Err(d) = parse::<PlanFile>(Path::new("p/plan.yaml"), &text) {
        let _ = write!(sink, "{d}");
    }
    if let Err(d) = parse::<SiteFile>(Path::new("site.yaml"), &text) {
        let _ = write!(sink, "{d}");
    }
    std::hint::black_box(sink);
});
