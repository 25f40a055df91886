//! `lodestar serve` as a child process, and a plain HTTP/1.1 client for it, shared by the
//! tests that run the real binary (crash safety, racing accepts across processes).

#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One HTTP/1.1 request on its own connection. `Err` unless the whole response arrived.
pub fn call(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<(u16, Value), String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no complete head")?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status line")?;
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .ok_or("no Content-Length")?;
    if body.len() != length {
        return Err(format!("body cut short ({} of {length} bytes)", body.len()));
    }
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).map_err(|e| format!("body: {e}"))?
    };
    Ok((status, json))
}

/// `lodestar serve` on a free port, stopped (SIGKILL) when dropped.
pub struct Server {
    pub port: u16,
    child: Child,
    log: PathBuf,
}

impl Server {
    pub fn start(database_url: &str, log: PathBuf, connections: u32) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_lodestar"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--database-url", database_url])
            .args(["--db-connections", &connections.to_string()])
            // E-mail the server writes while SMTP is unset stays beside its log.
            .args([
                "--data-dir",
                &log.with_file_name("data").display().to_string(),
            ])
            .env("LODESTAR_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start lodestar serve");
        let mut server = Server { port, child, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        while call(port, "GET", "/healthz", None, None).map(|r| r.0) != Ok(200) {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("lodestar serve exited ({status}):\n{}", server.log_text());
            }
            assert!(
                Instant::now() < deadline,
                "not ready:\n{}",
                server.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        call(self.port, method, path, token, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}\n{}", self.log_text()))
    }

    /// SIGKILL: no graceful shutdown, no flush, no closing of pools.
    pub fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- {} ---\n{}", self.log.display(), self.log_text());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// An open `text/event-stream` response, read as raw text (chunk sizes included: an event is
/// written as one chunk, so its lines arrive whole).
pub struct EventStream {
    stream: TcpStream,
    pub received: String,
}

impl EventStream {
    /// `GET path` with the token; `Err` unless the answer is a 200 event stream.
    pub fn open(port: u16, path: &str, token: &str) -> Result<Self, String> {
        let mut stream =
            TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\
             Authorization: Bearer {token}\r\n\r\n"
        );
        stream
            .write_all(head.as_bytes())
            .map_err(|e| format!("send: {e}"))?;
        let mut events = Self {
            stream,
            received: String::new(),
        };
        events.wait_for("\r\n\r\n", Duration::from_secs(10))?;
        let status_line = events
            .received
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        if !status_line.contains(" 200 ") || !events.received.contains("text/event-stream") {
            return Err(format!("not an event stream: {}", events.received));
        }
        Ok(events)
    }

    /// Reads until what was received contains `needle`; `Err` at the deadline or the end.
    pub fn wait_for(&mut self, needle: &str, within: Duration) -> Result<Duration, String> {
        let started = Instant::now();
        let mut buffer = [0u8; 4096];
        while !self.received.contains(needle) {
            let left = within
                .checked_sub(started.elapsed())
                .filter(|left| !left.is_zero())
                .ok_or_else(|| format!("no {needle:?} within {within:?}: {}", self.received))?;
            self.stream.set_read_timeout(Some(left)).unwrap();
            match self.stream.read(&mut buffer) {
                Ok(0) => {
                    return Err(format!(
                        "the stream ended before {needle:?}: {}",
                        self.received
                    ));
                }
                Ok(n) => self
                    .received
                    .push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e) => return Err(format!("read: {e}; so far: {}", self.received)),
            }
        }
        Ok(started.elapsed())
    }

    /// Whether the server closes the stream within `within`.
    pub fn ends_within(&mut self, within: Duration) -> bool {
        let started = Instant::now();
        let mut buffer = [0u8; 4096];
        while let Some(left) = within
            .checked_sub(started.elapsed())
            .filter(|l| !l.is_zero())
        {
            self.stream.set_read_timeout(Some(left)).unwrap();
            match self.stream.read(&mut buffer) {
                Ok(0) => return true,
                Ok(n) => self
                    .received
                    .push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) => return false,
            }
        }
        false
    }
}

impl Server {
    /// SIGTERM, as a service manager stops it; waits for the exit and returns how long it
    /// took, or `None` if it had not exited after `within`.
    pub fn terminate(&mut self, within: Duration) -> Option<Duration> {
        let started = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        while started.elapsed() < within {
            if self.child.try_wait().unwrap().is_some() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}
