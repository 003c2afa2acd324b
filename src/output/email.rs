//! `tiendo email`: a plan's update as a standards-conforming message (RFC 5322, MIME) that
//! any mail client opens ready to send: `multipart/mixed` holding `multipart/alternative`
//! (the plain-text digest, then the HTML digest) and `report.html` attached under a readable
//! Vietnamese file name (RFC 2231), optionally with the plan's indicators as CSV. Built with
//! lettre's message builder. The same content gives the same bytes: the date is the plan's
//! status date, and the boundaries and Message-ID are derived from the content, never from
//! the clock or a random number.

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

impl Addresses {
    /// These addresses, each taken from `settings` (site.yaml) when not given here.
    pub fn or(&self, settings: &crate::model::Email) -> Addresses {
        let list = |given: &Vec<String>, set: &Vec<String>| {
            if given.is_empty() {
                set.clone()
            } else {
                given.clone()
            }
        };
        Addresses {
            from: self.from.clone().or_else(|| settings.from.clone()),
            to: list(&self.to, &settings.to),
            cc: list(&self.cc, &settings.cc),
        }
    }
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

/// A stable digest of everything the message holds, for its boundaries and Message-ID: FNV-1a
/// over each part's length (little-endian) and bytes, the same on every platform and version.
fn fingerprint(letter: &Letter<'_>, to: &Addresses) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        let len = (bytes.len() as u64).to_le_bytes();
        for b in len.iter().chain(bytes) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    };
    feed(letter.subject.as_bytes());
    feed(letter.date.to_string().as_bytes());
    feed(letter.text.as_bytes());
    feed(letter.html.as_bytes());
    for f in &letter.files {
        feed(f.name.as_bytes());
        feed(f.bytes);
    }
    for a in to.from.iter().chain(&to.to).chain(&to.cc) {
        feed(a.as_bytes());
    }
    h
}

/// When a message is dated.
#[derive(Debug, Clone, Copy)]
pub enum Dated {
    /// On the plan's status date (a file: the same content gives the same bytes).
    StatusDate,
    /// Now (a message being sent).
    Now,
}

/// The message as bytes (CRLF line ends, as RFC 5322 wants) and its envelope.
pub fn message(
    letter: &Letter<'_>,
    to: &Addresses,
    dated: Dated,
) -> Result<(Vec<u8>, lettre::address::Envelope), String> {
    let mailbox = |a: &str| {
        a.parse::<Mailbox>()
            .map_err(|e| format!("`{a}` is not an email address ({e})"))
    };
    let from = to.from.as_deref().ok_or_else(|| {
        "the message needs a sender: set `email: {from: …}` in site.yaml or pass --from".to_string()
    })?;
    let sent_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let id = match dated {
        Dated::StatusDate => fingerprint(letter, to),
        // A message sent again is a new message: mail systems drop repeated Message-IDs.
        Dated::Now => fingerprint(letter, to) ^ sent_at.wrapping_mul(0x9e37_79b9_7f4a_7c15),
    };
    let domain = from
        .rsplit_once('@')
        .map_or("localhost", |(_, d)| d.trim_end_matches('>'));
    let mut builder = Message::builder()
        .from(mailbox(from)?)
        .subject(letter.subject.clone())
        .date(match dated {
            Dated::StatusDate => date_time(letter.date),
            Dated::Now => std::time::SystemTime::now(),
        })
        .message_id(Some(format!("<{id:016x}.tiendo@{domain}>")));
    for a in &to.to {
        builder = builder.to(mailbox(a)?);
    }
    for a in &to.cc {
        builder = builder.cc(mailbox(a)?);
    }
    builder = builder.header(XMailer(format!("tiendo {}", env!("CARGO_PKG_VERSION"))));
    if matches!(dated, Dated::StatusDate) {
        // A file to open and send: Outlook opens a message marked unsent as a draft.
        builder = builder.header(XUnsent);
    }
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
    let message = built.map_err(|e| e.to_string())?;
    let mut bytes = message.formatted();
    // A message file ends with a line break (and SMTP would add one before its final dot).
    if !bytes.ends_with(b"\r\n") {
        bytes.extend_from_slice(b"\r\n");
    }
    Ok((bytes, message.envelope().clone()))
}

/// Where and how to send: `host[:port]` (587 by default); credentials from the environment.
#[derive(Clone)]
pub struct Smtp {
    /// Server name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// User and password, from `TIENDO_SMTP_USER` and `TIENDO_SMTP_PASSWORD`.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let user = self.credentials.as_ref().map(|(u, _)| u.as_str());
        write!(
            f,
            "Smtp {{ {}:{}, user: {user:?}, password: hidden }}",
            self.host, self.port
        )
    }
}

/// The environment variables credentials are read from (never from files, never printed).
pub const USER_VAR: &str = "TIENDO_SMTP_USER";
/// See [`USER_VAR`].
pub const PASSWORD_VAR: &str = "TIENDO_SMTP_PASSWORD";

impl Smtp {
    /// The server `host[:port]`, with credentials from the environment when both are set.
    pub fn from_env(server: &str) -> Result<Smtp, String> {
        let (host, port) = match server.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse::<u16>()
                    .map_err(|_| format!("`{p}` is not a port number"))?,
            ),
            None => (server.to_string(), 587),
        };
        let user = std::env::var(USER_VAR).ok().filter(|u| !u.is_empty());
        let password = std::env::var(PASSWORD_VAR).ok().filter(|p| !p.is_empty());
        let credentials = match (user, password) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => {
                return Err(format!(
                    "set both {USER_VAR} and {PASSWORD_VAR}, or neither (to send without logging in)"
                ));
            }
        };
        Ok(Smtp {
            host,
            port,
            credentials,
        })
    }

    /// Whether the server is this machine (plain SMTP is allowed only there; anywhere else
    /// the connection must be upgraded with STARTTLS before anything is sent).
    pub fn is_loopback(&self) -> bool {
        matches!(
            self.host.as_str(),
            "localhost" | "127.0.0.1" | "::1" | "[::1]"
        )
    }

    /// Sends `bytes` exactly as they are.
    pub fn send(&self, envelope: &lettre::address::Envelope, bytes: &[u8]) -> Result<(), String> {
        use lettre::Transport;
        use lettre::transport::smtp::SmtpTransport;
        use lettre::transport::smtp::authentication::Credentials;
        let builder = if self.is_loopback() {
            SmtpTransport::builder_dangerous(self.host.clone())
        } else if self.port == 465 {
            // Port 465 speaks TLS from the first byte (RFC 8314).
            SmtpTransport::relay(&self.host).map_err(|e| e.to_string())?
        } else {
            SmtpTransport::starttls_relay(&self.host).map_err(|e| e.to_string())?
        };
        let mut builder = builder
            .port(self.port)
            .timeout(Some(std::time::Duration::from_secs(30)));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        // lettre ends the data with CRLF "." CRLF, whose first CRLF ends the last line: send
        // the message without its own final line break, so what arrives is the file exactly.
        let bytes = bytes.strip_suffix(b"\r\n").unwrap_or(bytes);
        builder
            .build()
            .send_raw(envelope, bytes)
            .map(|_| ())
            // lettre's errors name the server's reply, never the password.
            .map_err(|e| e.to_string())
    }
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

/// `X-Unsent: 1`: Outlook opens the file as a draft ready to send, not as received mail.
#[derive(Clone)]
struct XUnsent;

impl lettre::message::header::Header for XUnsent {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Unsent")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XUnsent)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "1".to_string())
    }
}

/// Whether the file at `path` is a message tiendo wrote (its headers carry tiendo's
/// `X-Mailer`); only its first 8 KiB are read.
pub fn is_ours(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(8192).read_to_end(&mut head));
    let head = String::from_utf8_lossy(&head);
    read.is_ok()
        && (head.starts_with("X-Mailer: tiendo ") || head.contains("\r\nX-Mailer: tiendo "))
}
