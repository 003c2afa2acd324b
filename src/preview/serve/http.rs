//! The preview server's HTTP side, built to stay small whatever clients do. One event-loop
//! thread owns the listening socket, every connection still sending its request and every
//! parked long-poll; a fixed pool of workers computes and writes the other answers. Requests
//! are capped at [`MAX_HEAD`] bytes and must arrive within [`HEAD_TIMEOUT`]; open connections,
//! parked polls and queued requests are capped too, so the thread count never grows with the
//! number of clients or open tabs. Only loopback `Host` names are answered, which defeats DNS
//! rebinding (a foreign page whose name was re-pointed at 127.0.0.1 sends its own name).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

/// The request line and headers together; a longer request is refused (414 or 431).
const MAX_HEAD: usize = 16 * 1024;
/// More header lines than this are refused (431).
const MAX_HEADERS: usize = 64;
/// Connections still sending their request (or being closed); a new one closes the oldest.
const MAX_OPEN: usize = 512;
/// Parked long-polls; beyond this a poll is answered 503 and the page asks again a second later.
const MAX_PARKED: usize = 256;
/// The threads that answer requests.
const WORKERS: usize = 8;
/// Requests read but not yet taken by a worker; beyond this 503.
const QUEUE: usize = 64;
/// A client must send its whole request within this time of connecting (no slow-loris).
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// A worker gives up on a client that has not taken its whole answer within this time.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a parked long-poll waits for news before it is answered anyway.
pub(super) const POLL: Duration = Duration::from_secs(25);
/// After the loop answers, it reads and drops what the client still sends for at most this
/// long, so that closing does not reset the connection before the client has read the answer.
const LINGER: Duration = Duration::from_secs(2);
/// At most this much is read and dropped per readiness event, so that one client sending a flood
/// cannot hold up the loop ([`LINGER`] bounds the total).
const MAX_DRAIN: usize = 256 * 1024;
/// How often deadlines are checked.
const TICK: Duration = Duration::from_millis(200);

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);

/// An answer; every connection is closed after its answer.
pub(super) struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    pub(super) fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type,
            body: body.into(),
        }
    }

    /// A short plain-text refusal.
    fn refusal(status: u16, why: &str) -> Self {
        Self::new(
            status,
            "text/plain; charset=utf-8",
            format!("{status} {}: {why}\n", reason(status)),
        )
    }

    /// The bytes on the wire: one buffer, so that the head and body leave in one write.
    fn bytes(&self, head_only: bool) -> Vec<u8> {
        let allow = if self.status == 405 {
            "Allow: GET, HEAD\r\n"
        } else {
            ""
        };
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{allow}Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        let mut out = Vec::with_capacity(head.len() + self.body.len());
        out.extend_from_slice(head.as_bytes());
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// What the server serves.
pub(super) trait App: Send + Sync + 'static {
    /// What a long-poll waits for.
    type Wait: Send + 'static;
    /// The long-poll that `target` (path and query) asks for, if it is one. It is parked, not
    /// given a thread, until [`App::news`] has an answer.
    fn wait(&self, target: &str) -> Option<Self::Wait>;
    /// The answer to a parked long-poll once there is news; always an answer when `timed_out`.
    fn news(&self, wait: &Self::Wait, timed_out: bool) -> Option<Response>;
    /// The answer to any other `GET target`.
    fn answer(&self, target: &str) -> Response;
}

/// Wakes the server to look for news for its parked long-polls.
#[derive(Clone)]
pub(super) struct Notifier(Arc<Waker>);

impl Notifier {
    pub(super) fn notify(&self) {
        // A failed wake only delays the answers to the next deadline check.
        let _ = self.0.wake();
    }
}

/// A server bound to a loopback port, not yet answering.
pub(super) struct Server {
    poll: Poll,
    listener: TcpListener,
    waker: Arc<Waker>,
    port: u16,
}

impl Server {
    /// Listens on `127.0.0.1:port`; port 0 takes a free one (see [`Server::port`]).
    pub(super) fn bind(port: u16) -> io::Result<Server> {
        let mut listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
        let port = listener.local_addr()?.port();
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        Ok(Server {
            poll,
            listener,
            waker,
            port,
        })
    }

    /// The port actually listened on.
    pub(super) fn port(&self) -> u16 {
        self.port
    }

    pub(super) fn notifier(&self) -> Notifier {
        Notifier(Arc::clone(&self.waker))
    }

    /// Answers requests until a fatal error; this thread runs the event loop.
    pub(super) fn run<A: App>(self, app: Arc<A>) -> io::Result<()> {
        let (jobs, queue) = mpsc::sync_channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..WORKERS {
            let (app, queue) = (Arc::clone(&app), Arc::clone(&queue));
            std::thread::Builder::new()
                .name(format!("serve-{i}"))
                .spawn(move || work(&*app, &queue))?;
        }
        let mut event_loop = Loop {
            app,
            poll: self.poll,
            listener: self.listener,
            jobs,
            open: HashMap::new(),
            parked: HashMap::new(),
            next: WAKER.0 + 1,
        };
        event_loop.run()
    }
}

/// A request the loop has read, for a worker to answer.
struct Job {
    stream: std::net::TcpStream,
    target: String,
    head_only: bool,
}

/// A connection still sending its request, or answered by the loop and being closed.
struct Open {
    stream: TcpStream,
    since: Instant,
    /// The request so far; `None` once answered (lingering).
    head: Option<Vec<u8>>,
}

/// A long-poll waiting for news.
struct Parked<W> {
    stream: TcpStream,
    since: Instant,
    wait: W,
    head_only: bool,
}

struct Loop<A: App> {
    app: Arc<A>,
    poll: Poll,
    listener: TcpListener,
    jobs: SyncSender<Job>,
    open: HashMap<Token, Open>,
    parked: HashMap<Token, Parked<A::Wait>>,
    next: usize,
}

impl<A: App> Loop<A> {
    fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(256);
        let mut checked = Instant::now();
        loop {
            match self.poll.poll(&mut events, Some(TICK)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            for event in &events {
                match event.token() {
                    LISTENER => self.accept(),
                    WAKER => self.answer_parked(false),
                    token => self.ready(token),
                }
            }
            if checked.elapsed() >= TICK {
                checked = Instant::now();
                self.expire();
                // Accepting may have stopped on a full file table; try again.
                self.accept();
            }
        }
    }

    fn accept(&mut self) {
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted
                    ) => {}
                // Out of file descriptors or memory: leave the rest queued until the next tick.
                Err(_) => return,
            }
        }
    }

    fn admit(&mut self, mut stream: TcpStream) {
        if self.open.len() >= MAX_OPEN {
            self.close_oldest();
        }
        let token = Token(self.next);
        self.next += 1;
        if self
            .poll
            .registry()
            .register(&mut stream, token, Interest::READABLE)
            .is_err()
        {
            return;
        }
        let since = Instant::now();
        let head = Some(Vec::new());
        self.open.insert(
            token,
            Open {
                stream,
                since,
                head,
            },
        );
        // Data that came with the connection: read it now rather than after another poll.
        self.ready(token);
    }

    /// Makes room for a new connection: the one open longest goes, answered or not.
    fn close_oldest(&mut self) {
        let oldest = self
            .open
            .iter()
            .min_by_key(|(_, c)| c.since)
            .map(|(t, _)| *t);
        if let Some(token) = oldest {
            self.close(token);
        }
    }

    fn close(&mut self, token: Token) {
        if let Some(mut conn) = self.open.remove(&token) {
            let _ = self.poll.registry().deregister(&mut conn.stream);
        } else if let Some(mut conn) = self.parked.remove(&token) {
            let _ = self.poll.registry().deregister(&mut conn.stream);
        }
    }

    /// A connection has something to read: more of its request, or its end.
    fn ready(&mut self, token: Token) {
        if let Some(conn) = self.parked.get_mut(&token) {
            // A waiting page sends nothing more; data or the end means it went away.
            if drain(&mut conn.stream).is_err() {
                self.close(token);
            }
            return;
        }
        let Some(conn) = self.open.get_mut(&token) else {
            return;
        };
        let Some(head) = conn.head.as_mut() else {
            if drain(&mut conn.stream).is_err() {
                self.close(token);
            }
            return;
        };
        if read_head(&mut conn.stream, head).is_err() {
            self.close(token);
            return;
        }
        match parse(head) {
            Head::Partial => {}
            Head::Refused(status, why) => self.reply(token, &Response::refusal(status, why), false),
            Head::Get { target, head_only } => self.dispatch(token, target, head_only),
        }
    }

    /// Parks a long-poll, or hands any other request to a worker.
    fn dispatch(&mut self, token: Token, target: String, head_only: bool) {
        if let Some(wait) = self.app.wait(&target) {
            if let Some(answer) = self.app.news(&wait, false) {
                return self.reply(token, &answer, head_only);
            }
            if self.parked.len() >= MAX_PARKED {
                let why = "too many pages waiting for a change";
                return self.reply(token, &Response::refusal(503, why), head_only);
            }
            if let Some(conn) = self.open.remove(&token) {
                let (stream, since) = (conn.stream, Instant::now());
                let parked = Parked {
                    stream,
                    since,
                    wait,
                    head_only,
                };
                self.parked.insert(token, parked);
            }
            return;
        }
        let Some(mut conn) = self.open.remove(&token) else {
            return;
        };
        let _ = self.poll.registry().deregister(&mut conn.stream);
        let job = Job {
            stream: conn.stream.into(),
            target,
            head_only,
        };
        if let Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) =
            self.jobs.try_send(job)
        {
            let busy = Response::refusal(503, "too many requests at once; try again");
            let _ = (&job.stream).write(&busy.bytes(head_only));
        }
    }

    /// Answers from the loop: small answers only, written without waiting (they fit in the
    /// empty socket buffer). The connection then lingers until the client closes it.
    fn reply(&mut self, token: Token, answer: &Response, head_only: bool) {
        let stream = match (self.open.remove(&token), self.parked.remove(&token)) {
            (Some(conn), _) => conn.stream,
            (None, Some(conn)) => conn.stream,
            (None, None) => return,
        };
        let _ = (&stream).write(&answer.bytes(head_only));
        let _ = stream.shutdown(Shutdown::Write);
        let since = Instant::now();
        let mut conn = Open {
            stream,
            since,
            head: None,
        };
        if drain(&mut conn.stream).is_ok() {
            self.open.insert(token, conn);
        } else {
            let _ = self.poll.registry().deregister(&mut conn.stream);
        }
    }

    /// Answers the parked long-polls that have news (all of them when `timed_out`).
    fn answer_parked(&mut self, timed_out: bool) {
        let now = Instant::now();
        let answers: Vec<(Token, Response, bool)> = self
            .parked
            .iter()
            .filter(|(_, p)| !timed_out || now.duration_since(p.since) >= POLL)
            .filter_map(|(t, p)| Some((*t, self.app.news(&p.wait, timed_out)?, p.head_only)))
            .collect();
        for (token, answer, head_only) in answers {
            self.reply(token, &answer, head_only);
        }
    }

    /// Closes connections past their deadline and answers long-polls that waited long enough.
    fn expire(&mut self) {
        let now = Instant::now();
        let late: Vec<Token> = self
            .open
            .iter()
            .filter(|(_, c)| {
                let limit = if c.head.is_some() {
                    HEAD_TIMEOUT
                } else {
                    LINGER
                };
                now.duration_since(c.since) >= limit
            })
            .map(|(t, _)| *t)
            .collect();
        for token in late {
            self.close(token);
        }
        self.answer_parked(true);
    }
}

/// Reads what has arrived of a request, up to just past [`MAX_HEAD`]; an error when the client
/// closed or failed.
fn read_head(stream: &mut TcpStream, head: &mut Vec<u8>) -> io::Result<()> {
    let mut chunk = [0; 4096];
    while head.len() <= MAX_HEAD {
        match stream.read(&mut chunk) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads and drops what has arrived; an error when the client closed or failed.
fn drain(stream: &mut TcpStream) -> io::Result<()> {
    let mut chunk = [0; 16 * 1024];
    let mut total = 0;
    while total <= MAX_DRAIN {
        match stream.read(&mut chunk) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What the bytes read so far make of a request.
#[derive(Debug, PartialEq)]
enum Head {
    Partial,
    Refused(u16, &'static str),
    Get { target: String, head_only: bool },
}

fn parse(bytes: &[u8]) -> Head {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Complete(len)) if len <= MAX_HEAD => check(&request),
        Ok(_) if bytes.len() <= MAX_HEAD => Head::Partial,
        // Too long: no echo of any of it, and no reading of the rest.
        Ok(_) if !bytes[..MAX_HEAD].contains(&b'\n') => {
            Head::Refused(414, "the request line is longer than 16 KiB")
        }
        Ok(_) => Head::Refused(431, "the request headers are longer than 16 KiB"),
        Err(httparse::Error::TooManyHeaders) => Head::Refused(431, "too many request headers"),
        Err(_) => Head::Refused(400, "malformed request"),
    }
}

/// Only GET and HEAD, of a path, for a loopback host.
fn check(request: &httparse::Request<'_, '_>) -> Head {
    let mut hosts = request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"));
    match (hosts.next(), hosts.next()) {
        (Some(_), Some(_)) => return Head::Refused(400, "several Host headers"),
        (Some(host), None) if !loopback(host.value) => {
            return Head::Refused(
                403,
                "tiendo serve answers only localhost, 127.0.0.1 and [::1]",
            );
        }
        (None, _) if request.version != Some(0) => {
            return Head::Refused(400, "an HTTP/1.1 request needs a Host header");
        }
        _ => {}
    }
    let head_only = match request.method {
        Some("GET") => false,
        Some("HEAD") => true,
        _ => return Head::Refused(405, "only GET and HEAD"),
    };
    match request.path {
        Some(target) if target.starts_with('/') => Head::Get {
            target: target.to_string(),
            head_only,
        },
        _ => Head::Refused(400, "the request target must be a path"),
    }
}

/// `localhost`, `127.0.0.1` or `[::1]`, any case, with or without a port.
fn loopback(host: &[u8]) -> bool {
    let host = String::from_utf8_lossy(host).trim().to_ascii_lowercase();
    ["localhost", "127.0.0.1", "[::1]"].iter().any(|name| {
        host.strip_prefix(name).is_some_and(|port| {
            port.is_empty()
                || port.strip_prefix(':').is_some_and(|p| {
                    (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
                })
        })
    })
}

/// A worker: answers queued requests until the loop goes away. A panic while answering (a bug)
/// loses that answer, not the worker.
fn work<A: App>(app: &A, queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else {
            return;
        };
        let _ = panic::catch_unwind(AssertUnwindSafe(|| answer(app, job)));
    }
}

fn answer<A: App>(app: &A, job: Job) -> io::Result<()> {
    let Job {
        mut stream,
        target,
        head_only,
    } = job;
    let bytes = app.answer(&target).bytes(head_only);
    stream.set_nonblocking(false)?;
    let deadline = Instant::now() + WRITE_TIMEOUT;
    for chunk in bytes.chunks(64 * 1024) {
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(io::ErrorKind::TimedOut)?;
        stream.set_write_timeout(Some(left))?;
        stream.write_all(chunk)?;
    }
    stream.shutdown(Shutdown::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(target: &str) -> Head {
        Head::Get {
            target: target.into(),
            head_only: false,
        }
    }

    #[test]
    fn parses_get_and_head() {
        assert_eq!(
            parse(b"GET /a?b HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            get("/a?b")
        );
        assert_eq!(
            parse(b"GET / HTTP/1.0\r\n\r\n"),
            get("/"),
            "1.0 needs no Host"
        );
        assert_eq!(
            parse(b"HEAD / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"),
            Head::Get {
                target: "/".into(),
                head_only: true
            }
        );
        assert_eq!(parse(b"GET / HTTP/1.1\r\nHost: local"), Head::Partial);
    }

    #[test]
    fn refuses_what_it_does_not_serve() {
        let status = |raw: &[u8]| match parse(raw) {
            Head::Refused(status, _) => status,
            other => panic!("{other:?}"),
        };
        assert_eq!(status(b"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n"), 405);
        assert_eq!(status(b"GET / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(status(b"GET / HTTP/1.1\r\nHost: a.example\r\n\r\n"), 403);
        assert_eq!(
            status(b"GET http://a/ HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            400
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: x\r\n\r\n"),
            400
        );
        assert_eq!(status(b"\x01\x02 nonsense\r\n\r\n"), 400);
        let long_url = format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(status(long_url.as_bytes()), 414);
        let filler = "X-A: b\r\n".repeat(MAX_HEADERS + 1);
        let many = format!("GET / HTTP/1.1\r\n{filler}\r\n");
        assert_eq!(status(many.as_bytes()), 431);
        let big = format!("GET / HTTP/1.1\r\nX-A: {}\r\n", "b".repeat(MAX_HEAD));
        assert_eq!(status(big.as_bytes()), 431);
    }

    #[test]
    fn accepts_only_loopback_names() {
        for ok in [
            "localhost",
            "LOCALHOST:8024",
            "127.0.0.1:1",
            "[::1]",
            "[::1]:65535",
        ] {
            assert!(loopback(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "localhost:",
            "localhost:80:80",
            "localhost:123456",
            "[::1]x",
            "127.0.0.2",
        ] {
            assert!(!loopback(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn answers_say_their_length_and_close() {
        let answer = Response::new(404, "text/plain", "gone").bytes(false);
        let text = String::from_utf8(answer).unwrap();
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text.contains("Content-Length: 4\r\n") && text.contains("Connection: close\r\n"));
        assert!(text.ends_with("\r\n\r\ngone"));
        let head = Response::new(200, "text/plain", "body").bytes(true);
        assert!(String::from_utf8(head).unwrap().ends_with(
            "Content-Length: 4\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
        ));
    }
}
