//! `tiendo email` read back by a second, independent parser (Python's `email` package), as a
//! mail system would: structure, headers, encodings, and every part's bytes against the site.

mod common;

use std::fs;
use std::process::Command;

use common::{build_bundled, root, scratch, text, tiendo};

/// Python's reading of a message: JSON with its headers and parts.
const READ: &str = r#"
import email, email.policy, json, sys
raw = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(raw, policy=email.policy.default)
out = {
    'subject': str(m['subject']), 'from': str(m['from']), 'to': str(m['to']),
    'date': str(m['date']), 'message_id': str(m['message-id']),
    'type': m.get_content_type(), 'crlf_only': b'\n' not in raw.replace(b'\r\n', b''),
    'parts': [],
}
for p in m.walk():
    if p.is_multipart():
        out['parts'].append({'type': p.get_content_type()})
        continue
    payload = p.get_payload(decode=True)
    out['parts'].append({
        'type': p.get_content_type(), 'filename': p.get_filename(),
        'disposition': p.get_content_disposition(),
        'text': payload.decode('utf-8'),
    })
print(json.dumps(out))
"#;

fn read(path: &std::path::Path) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-c", READ, path.to_str().unwrap()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_message_is_read_back_whole_by_an_independent_parser() {
    let work = scratch("email");
    common::copy_dir(&root().join("content"), &work.join("content"));
    let args = [
        "email",
        "--with-data",
        "--from",
        "Văn phòng UBND tỉnh <vanphong@tiengiang.gov.vn>",
        "--to",
        "Chủ tịch UBND tỉnh <chutich@tiengiang.gov.vn>",
        "--output",
        "thu.eml",
    ];
    let out = tiendo(&work, &args);
    assert!(out.status.success(), "{}", text(&out).1);
    let eml = work.join("thu.eml");
    let m = read(&eml);
    assert_eq!(m["type"], "multipart/mixed");
    assert_eq!(m["crlf_only"], true, "lines end in CRLF");
    assert_eq!(m["from"], "Văn phòng UBND tỉnh <vanphong@tiengiang.gov.vn>");
    assert_eq!(m["to"], "Chủ tịch UBND tỉnh <chutich@tiengiang.gov.vn>");
    let subject = m["subject"].as_str().unwrap();
    assert!(
        subject.starts_with("Tiền Giang 2024: ") && subject.contains("01/04/2025"),
        "the subject names the plan and the status date: {subject}"
    );
    assert!(m["date"].as_str().unwrap().contains("01 Apr 2025"));

    // The parts are the site's own files, unchanged.
    let site = work.join("site");
    build_bundled(&site);
    let file = |name: &str| fs::read_to_string(site.join(name)).unwrap();
    let parts = m["parts"].as_array().unwrap();
    let types: Vec<&str> = parts.iter().map(|p| p["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/html",
            "text/csv"
        ]
    );
    // Text parts travel with CRLF line ends (MIME's canonical form); attachments as they are.
    let lf = |v: &serde_json::Value| v.as_str().unwrap().replace("\r\n", "\n");
    assert_eq!(
        lf(&parts[2]["text"]),
        file("digest.txt"),
        "the plain-text digest"
    );
    assert_eq!(
        lf(&parts[3]["text"]),
        file("digest.html"),
        "the HTML digest"
    );
    assert_eq!(parts[4]["disposition"], "attachment");
    assert_eq!(
        parts[4]["filename"],
        "Tiền Giang 2024 - báo cáo toàn văn.html"
    );
    assert_eq!(
        parts[4]["text"],
        file("report.html"),
        "report.html, unchanged"
    );
    assert_eq!(
        parts[5]["filename"],
        "Tiền Giang 2024 - số liệu chỉ tiêu.csv"
    );
    assert_eq!(parts[5]["text"], file("data/indicators.csv"));

    // The same content gives the same bytes (no clock, no random boundary).
    let first = fs::read(&eml).unwrap();
    assert!(tiendo(&work, &args).status.success());
    assert_eq!(fs::read(&eml).unwrap(), first);
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn the_message_needs_a_sender_and_never_replaces_other_files() {
    let work = scratch("email-refuse");
    common::copy_dir(&root().join("content"), &work.join("content"));
    let out = tiendo(&work, &["email"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("the message needs a sender"),
        "{}",
        text(&out).1
    );
    // site.yaml's `email:` gives the addresses; a wrong one is reported at its line.
    let site_yaml = work.join("content/site.yaml");
    let base = fs::read_to_string(&site_yaml).unwrap();
    fs::write(
        &site_yaml,
        format!(
            "{base}email:\n  from: vanphong@tiengiang.gov.vn\n  to: [chutich.tiengiang.gov.vn]\n"
        ),
    )
    .unwrap();
    let bad = tiendo(&work, &["email"]);
    assert!(
        text(&bad)
            .1
            .contains("site.yaml:7:8: error: `chutich.tiengiang.gov.vn` is not an email address"),
        "{}",
        text(&bad).1
    );
    fs::write(
        &site_yaml,
        format!(
            "{base}email:\n  from: vanphong@tiengiang.gov.vn\n  to: [chutich@tiengiang.gov.vn]\n"
        ),
    )
    .unwrap();
    fs::write(work.join("ghi-chu.txt"), "của tôi").unwrap();
    let refused = tiendo(&work, &["email", "--output", "ghi-chu.txt"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(work.join("ghi-chu.txt")).unwrap(),
        "của tôi"
    );
    let ok = tiendo(&work, &["email"]);
    assert!(ok.status.success(), "{}", text(&ok).1);
    let m = read(&work.join("tien-giang-2024.eml"));
    assert_eq!(m["to"], "chutich@tiengiang.gov.vn");
    fs::remove_dir_all(&work).unwrap();
}
