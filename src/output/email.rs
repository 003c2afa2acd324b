//! `tiendo email`: a plan's update as a standards-conforming message (RFC 5322, MIME) that
//! any mail client opens ready to send: `multipart/mixed` holding `multipart/alternative`
//! (the plain-text digest, then the HTML digest) and `report.html` attached under a readable
//! Vietnamese file name (RFC 2231), optionally with the plan's indicators as CSV. Built with
//! lettre's message builder. The same content gives the same bytes: the date is the plan's
//! status date, and the boundaries and Message-ID are derived from the content, never from
//! the clock or a random number.

use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};

/// Who the message is from and to.
#[derive(Debug, Clone, Default)]
pub struct Addresses {
    /// Sender.
    pub from: Option<String>,
    /// Recipients.
    pub to: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
}

/// A file attached to the message.
pub struct File<'a> {
    /// Its name as the reader sees it.
    pub name: String,
    /// Its content type.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// What goes into the message.
pub struct Letter<'a> {
    /// Subject line.
    pub subject: String,
    /// The message's date (the plan's status date).
    pub date: NaiveDate,
    /// The digest as plain text.
    pub text: &'a str,
    /// The digest as HTML.
    pub html: &'a str,
    /// Attachments, in order.
    pub files: Vec<File<'a>>,
}

/// A stable digest of everything the message holds, for its boundaries and Message-ID.
fn fingerprint(letter: &Letter<'_>, to: &Addresses) -> u64 {
    // FNV-1a: stable across runs and Rust versions, unlike the std hasher's keys.
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    letter.subject.hash(&mut h);
    letter.date.to_string().hash(&mut h);
    letter.text.hash(&mut h);
    letter.html.hash(&mut h);
    for f in &letter.files {
        f.name.hash(&mut h);
        f.bytes.hash(&mut h);
    }
    (&to.from, &to.to, &to.cc).hash(&mut h);
    h.finish()
}

/// The message as bytes (CRLF line ends, as RFC 5322 wants).
pub fn message(letter: &Letter<'_>, to: &Addresses) -> Result<Vec<u8>, String> {
    let mailbox = |a: &str| {
        a.parse::<Mailbox>()
            .map_err(|e| format!("`{a}` is not an email address ({e})"))
    };
    let from = to.from.as_deref().ok_or_else(|| {
        "the message needs a sender: set `email: {from: …}` in site.yaml or pass --from".to_string()
    })?;
    let id = fingerprint(letter, to);
    let mut builder = Message::builder()
        .from(mailbox(from)?)
        .subject(letter.subject.clone())
        .date(date_time(letter.date))
        .message_id(Some(format!("<{id:016x}.tiendo@localhost>")));
    for a in &to.to {
        builder = builder.to(mailbox(a)?);
    }
    for a in &to.cc {
        builder = builder.cc(mailbox(a)?);
    }
    // Opened in a mail client, a message without recipients is still a draft to complete.
    builder = builder.header(XMailer(format!("tiendo {}", env!("CARGO_PKG_VERSION"))));
    let alternative = MultiPart::alternative()
        .boundary(format!("alt-{id:016x}"))
        .singlepart(SinglePart::plain(letter.text.to_string()))
        .singlepart(SinglePart::html(letter.html.to_string()));
    let mut mixed = MultiPart::mixed()
        .boundary(format!("mixed-{id:016x}"))
        .multipart(alternative);
    for f in &letter.files {
        let kind = ContentType::parse(f.content_type).map_err(|e| e.to_string())?;
        mixed = mixed.singlepart(Attachment::new(f.name.clone()).body(f.bytes.to_vec(), kind));
    }
    let built = if to.to.is_empty() && to.cc.is_empty() {
        // lettre wants an envelope recipient; a draft has none, so give it the sender's.
        builder
            .envelope(
                lettre::address::Envelope::new(None, vec![mailbox(from)?.email])
                    .map_err(|e| e.to_string())?,
            )
            .multipart(mixed)
    } else {
        builder.multipart(mixed)
    };
    built.map(|m| m.formatted()).map_err(|e| e.to_string())
}

/// Midnight UTC of `date`.
fn date_time(date: NaiveDate) -> std::time::SystemTime {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp());
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// `X-Mailer`: marks a message file as tiendo's, so a later run may replace it (and nothing
/// else).
#[derive(Clone)]
struct XMailer(String);

impl lettre::message::header::Header for XMailer {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Mailer")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XMailer(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Whether `bytes` (the start of an existing file) is a message tiendo wrote.
pub fn is_ours(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    String::from_utf8_lossy(head).contains("\r\nX-Mailer: tiendo ")
        || String::from_utf8_lossy(head).starts_with("X-Mailer: tiendo ")
}
