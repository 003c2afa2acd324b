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
    'date': str(m['date']), 'message_id': str(m['message-id']), 'unsent': str(m['x-unsent']),
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

/// What a helper program (installed by .ci/run) prints as JSON, failing on its errors.
fn json_of(cmd: &mut Command) -> serde_json::Value {
    let out = cmd
        .output()
        .expect("the helper program runs (installed by .ci/run)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn read(path: &std::path::Path) -> serde_json::Value {
    json_of(Command::new("python3").args(["-c", READ, path.to_str().unwrap()]))
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
    assert_eq!(m["unsent"], "1", "Outlook opens it as a draft to send");

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

#[test]
fn the_digest_passes_caniemail_and_reads_with_styles_stripped() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let site = scratch("email-digest").join("site");
    build_bundled(&site);
    let shots = root().join("target/browser-shots");
    fs::create_dir_all(&shots).unwrap();
    let report = json_of(
        Command::new("node")
            .arg(root().join("tests/browser/email.mjs"))
            .arg(site.join("digest.html"))
            .arg(&shots),
    );
    let errors = report["lint"]["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        errors.is_empty(),
        "doiuse-email: Outlook for Windows, Gmail and Apple Mail must support everything the digest uses: {errors:?}"
    );
    assert_eq!(report["lint"]["success"], true);
    for r in report["render"].as_array().unwrap() {
        assert_eq!(r["problems"], serde_json::json!([]), "at {} px", r["width"]);
        assert!(
            r["texts"].as_u64().unwrap() > 50,
            "the digest has its text: {r}"
        );
    }
    fs::remove_dir_all(site.parent().unwrap()).unwrap();
}

/// A one-message SMTP server on 127.0.0.1 (enough of RFC 5321 for one delivery): returns its
/// port and, when the message has arrived, the AUTH PLAIN credentials and the message bytes.
fn smtp_server() -> (u16, std::thread::JoinHandle<(String, Vec<u8>)>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut out = stream.try_clone().unwrap();
        let mut input = BufReader::new(stream);
        let mut say = |s: &str| out.write_all(s.as_bytes()).unwrap();
        say("220 localhost ESMTP test\r\n");
        let (mut auth, mut data) = (String::new(), Vec::new());
        loop {
            let mut line = String::new();
            if input.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("EHLO") {
                say("250-localhost\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
            } else if upper.starts_with("AUTH PLAIN") {
                let b64 = line.trim_end().rsplit(' ').next().unwrap().to_string();
                let decoded = Command::new("python3")
                    .args([
                        "-c",
                        "import base64,sys;sys.stdout.buffer.write(base64.b64decode(sys.argv[1]))",
                        &b64,
                    ])
                    .output()
                    .unwrap()
                    .stdout;
                auth = String::from_utf8(decoded).unwrap();
                say("235 2.7.0 accepted\r\n");
            } else if upper.starts_with("MAIL") || upper.starts_with("RCPT") {
                say("250 2.1.0 ok\r\n");
            } else if upper.starts_with("DATA") {
                say("354 go ahead\r\n");
                loop {
                    let mut l = Vec::new();
                    input.read_until(b'\n', &mut l).unwrap();
                    if l == b".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing.
                    data.extend_from_slice(if l.starts_with(b"..") { &l[1..] } else { &l });
                }
                say("250 2.0.0 queued\r\n");
            } else if upper.starts_with("QUIT") {
                say("221 2.0.0 bye\r\n");
                break;
            } else {
                say("250 ok\r\n");
            }
        }
        (auth, data)
    });
    (port, handle)
}

#[test]
fn send_delivers_the_message_over_smtp_and_never_shows_the_password() {
    let work = scratch("email-send");
    common::copy_dir(&root().join("content"), &work.join("content"));
    let (port, server) = smtp_server();
    let password = "mật-khẩu-s3cret";
    let out = Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .args([
            "email",
            "--send",
            "--smtp",
            &format!("127.0.0.1:{port}"),
            "--from",
            "vanphong@tiengiang.gov.vn",
            "--to",
            "chutich@tiengiang.gov.vn",
        ])
        .current_dir(&work)
        .env("NO_COLOR", "1")
        .env("TIENDO_SMTP_USER", "vanphong")
        .env("TIENDO_SMTP_PASSWORD", password)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with(
            "sent vanphong@tiengiang.gov.vn to chutich@tiengiang.gov.vn via 127.0.0.1:"
        ),
        "{stdout}"
    );
    let (auth, arrived) = server.join().unwrap();
    assert_eq!(
        auth,
        format!("\0vanphong\0{password}"),
        "AUTH PLAIN with the environment's credentials"
    );
    let eml = fs::read(work.join("tien-giang-2024.eml")).unwrap();
    assert!(
        !String::from_utf8_lossy(&eml).contains("X-Unsent"),
        "a sent message is not a draft"
    );
    let differs = arrived.iter().zip(&eml).position(|(a, b)| a != b);
    assert!(
        arrived == eml,
        "what arrived ({} bytes) is byte for byte the message file ({} bytes); first difference at {differs:?}: {:?}",
        arrived.len(),
        eml.len(),
        String::from_utf8_lossy(
            &arrived[differs.unwrap_or(0).saturating_sub(20)..][..60.min(arrived.len())]
        )
    );
    for shown in [stdout.as_bytes(), stderr.as_bytes(), &eml[..]] {
        assert!(
            !String::from_utf8_lossy(shown).contains(password),
            "the password is never shown"
        );
    }
    // Without a server, or with only half the credentials, nothing is sent and it says why.
    let half = Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .args([
            "email",
            "--send",
            "--smtp",
            "127.0.0.1:9",
            "--from",
            "a@b.vn",
            "--to",
            "c@d.vn",
        ])
        .current_dir(&work)
        .env("TIENDO_SMTP_USER", "vanphong")
        .env_remove("TIENDO_SMTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(half.status.code(), Some(1));
    assert!(
        text(&half)
            .1
            .contains("set both TIENDO_SMTP_USER and TIENDO_SMTP_PASSWORD")
    );
    // A message with nobody to send to is not sent (to the sender, say).
    let nobody = tiendo(
        &work,
        &[
            "email",
            "--send",
            "--smtp",
            "127.0.0.1:9",
            "--from",
            "a@b.vn",
        ],
    );
    assert_eq!(nobody.status.code(), Some(1));
    assert!(
        text(&nobody)
            .1
            .contains("sending needs at least one recipient")
    );
    fs::remove_dir_all(&work).unwrap();
}
