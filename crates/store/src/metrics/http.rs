//! `certisante metrics --listen`: a deliberately small HTTP/1.1 server with one page,
//! `GET /metrics`. One connection at a time (a scrape every 15 s or more needs no more),
//! each bounded: the request head at most [`Limits::max_request`] bytes, read within
//! [`Limits::read_time`], the answer written within [`Limits::write_time`], then the
//! connection closed. Anything else gets a short error status; nothing a client sends
//! can make it wait longer, grow, or stop.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsHttpError {
    #[error("not an address to listen on: {0:?} (ADDRESS:PORT, e.g. 127.0.0.1:9464 or [::]:9464)")]
    Address(String),
    #[error("cannot listen on {address}: {reason}")]
    Bind { address: String, reason: String },
}

certisante_pki::error_codes!(MetricsHttpError {
    Self::Address(_) => "metrics.address",
    Self::Bind { .. } => "metrics.bind",
});

/// The bounds of one connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The request line and headers, at most (a GET has no body).
    pub max_request: usize,
    /// To receive the request head, from the connection's start.
    pub read_time: Duration,
    /// To write the whole answer.
    pub write_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_request: 8 * 1024, read_time: Duration::from_secs(5), write_time: Duration::from_secs(20) }
    }
}

/// What `render` gives back: the exposition, or an error text (answered 500, and
/// Prometheus marks the target down).
pub type Rendered = Result<String, String>;

pub struct MetricsServer {
    listener: TcpListener,
    limits: Limits,
}

impl MetricsServer {
    /// Listens on `address` (`HOST:PORT`; port 0 picks a free one).
    pub fn bind(address: &str, limits: Limits) -> Result<Self, MetricsHttpError> {
        let looks_right = address.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !looks_right {
            return Err(MetricsHttpError::Address(address.to_owned()));
        }
        let listener = TcpListener::bind(address).map_err(|e| MetricsHttpError::Bind { address: address.to_owned(), reason: e.to_string() })?;
        Ok(Self { listener, limits })
    }

    /// The address bound (with the port picked for port 0).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Serves forever.
    pub fn serve(&self, render: &mut dyn FnMut() -> Rendered) {
        self.serve_connections(None, render)
    }

    /// Serves `count` connections (all when `None`), one after the other.
    pub fn serve_connections(&self, count: Option<usize>, render: &mut dyn FnMut() -> Rendered) {
        let mut served = 0;
        while count.is_none_or(|n| served < n) {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    handle(stream, &self.limits, render);
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

/// Reads one request head (bounded) and answers it.
fn handle(mut stream: TcpStream, limits: &Limits, render: &mut dyn FnMut() -> Rendered) {
    let _ = stream.set_nodelay(true);
    let start = Instant::now();
    let mut head: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let complete = loop {
        if let Some(end) = head_end(&head) {
            head.truncate(end);
            break true;
        }
        if head.len() >= limits.max_request {
            answer(&mut stream, limits, 431, "Request Header Fields Too Large", &[], "request head too large\n");
            return;
        }
        let left = limits.read_time.saturating_sub(start.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break false;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return,
            // At most one chunk past the limit, checked at the top of the loop.
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => break false,
            Err(_) => return,
        }
    };
    if !complete {
        answer(&mut stream, limits, 408, "Request Timeout", &[], "request not received in time\n");
        return;
    }
    let text = String::from_utf8_lossy(&head);
    let mut words = text.lines().next().unwrap_or("").split(' ');
    let (method, target, version) = (words.next().unwrap_or(""), words.next().unwrap_or(""), words.next().unwrap_or(""));
    if !version.starts_with("HTTP/1.") || words.next().is_some() {
        answer(&mut stream, limits, 400, "Bad Request", &[], "bad request\n");
    } else if target.split('?').next() != Some("/metrics") {
        answer(&mut stream, limits, 404, "Not Found", &[], "only /metrics is served here\n");
    } else if method != "GET" {
        answer(&mut stream, limits, 405, "Method Not Allowed", &[("Allow", "GET")], "only GET\n");
    } else {
        match render() {
            Ok(body) => answer(&mut stream, limits, 200, "OK", &[], &body),
            Err(reason) => answer(&mut stream, limits, 500, "Internal Server Error", &[], &format!("{reason}\n")),
        }
    }
}

/// Where the head ends (after its blank line), if it does yet.
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Writes a whole answer within the write time, then closes the connection.
fn answer(stream: &mut TcpStream, limits: &Limits, status: u16, reason: &str, headers: &[(&str, &str)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let start = Instant::now();
    for part in [head.as_bytes(), body.as_bytes()] {
        let mut rest = part;
        while !rest.is_empty() {
            let left = limits.write_time.saturating_sub(start.elapsed());
            if left.is_zero() || stream.set_write_timeout(Some(left)).is_err() {
                return;
            }
            match stream.write(&rest[..rest.len().min(64 * 1024)]) {
                Ok(0) | Err(_) => return,
                Ok(n) => rest = &rest[n..],
            }
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on 127.0.0.1 serving `count` connections on a thread.
    fn server(count: usize, limits: Limits) -> (SocketAddr, std::thread::JoinHandle<()>) {
        let server = MetricsServer::bind("127.0.0.1:0", limits).unwrap();
        let address = server.local_addr().unwrap();
        let thread = std::thread::spawn(move || server.serve_connections(Some(count), &mut || Ok("certisante_scrape_duration_seconds 0.1\n".into())));
        (address, thread)
    }

    fn exchange(address: SocketAddr, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = stream.write_all(request);
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    #[test]
    fn only_get_metrics_is_served() {
        let (address, thread) = server(5, Limits::default());
        let ok = exchange(address, b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n") && ok.contains("Content-Type: text/plain; version=0.0.4") && ok.ends_with("0.1\n"), "{ok}");
        assert!(exchange(address, b"GET /metrics?x=1 HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 200 "));
        assert!(exchange(address, b"GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 "));
        let post = exchange(address, b"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        assert!(post.starts_with("HTTP/1.1 405 ") && post.contains("Allow: GET"), "{post}");
        assert!(exchange(address, b"\x16\x03\x01 garbage\r\n\r\n").starts_with("HTTP/1.1 400 "));
        thread.join().unwrap();
    }

    #[test]
    fn a_huge_or_slow_request_is_cut_short() {
        let limits = Limits { max_request: 1024, read_time: Duration::from_millis(500), ..Limits::default() };
        let (address, thread) = server(4, limits);
        let huge = format!("GET /metrics HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(100_000));
        assert!(exchange(address, huge.as_bytes()).starts_with("HTTP/1.1 431 "));
        let started = Instant::now();
        // Never finishes its head: answered 408 once the read time is spent.
        assert!(exchange(address, b"GET /metrics HTTP/1.1\r\n").starts_with("HTTP/1.1 408 "));
        assert!(started.elapsed() < Duration::from_secs(5));
        // Connects and says nothing: same, and the next client is served after it.
        let silent = TcpStream::connect(address).unwrap();
        let ok = exchange(address, b"GET /metrics HTTP/1.1\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 "), "{ok}");
        drop(silent);
        thread.join().unwrap();
    }

    #[test]
    fn a_bad_address_is_refused_with_a_code() {
        assert_eq!(MetricsServer::bind("9464", Limits::default()).err().unwrap().code(), "metrics.address");
        assert_eq!(MetricsServer::bind("256.1.1.1:9464", Limits::default()).err().unwrap().code(), "metrics.bind");
    }
}
