//! Fetching a calendar URL a mentor typed, safely.
//!
//! The server makes the request, so the URL must not become a way into the server's own
//! network (SSRF). Unless the operator allows private addresses:
//! - a host name is resolved by [`GuardedResolver`], which drops every loopback, private,
//!   link-local, unique-local, shared, multicast and otherwise special address and hands
//!   the client only the addresses it checked, so the connection goes to a checked address
//!   (no second lookup that could answer differently);
//! - a URL whose host is an address literal is checked before the request, and so is every
//!   redirect's target, in the redirect policy.
//!
//! Besides: http and https only, no proxy, a whole-request timeout, at most
//! [`Limits::max_redirects`] redirects, at most [`Limits::max_bytes`] of body (checked
//! while reading, whatever Content-Length says), and a User-Agent naming Lodestar.
//! Conditional GET with the ETag and Last-Modified of the last read.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{Client, StatusCode, Url, redirect};
use thiserror::Error;

/// How calendar fetches are bounded.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The whole request, connecting and reading the body included.
    pub timeout: Duration,
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// Fetch from loopback and private addresses too (tests, or an intranet calendar server).
    pub allow_private: bool,
    pub user_agent: String,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            max_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
            user_agent: concat!(
                "Lodestar/",
                env!("CARGO_PKG_VERSION"),
                " (busy-calendar fetcher)"
            )
            .to_owned(),
        }
    }
}

/// What a fetch brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetched {
    Body {
        text: String,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: the calendar has not changed since the validators sent.
    NotModified,
}

/// Why a fetch failed, in words for the mentor (no internal detail).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("only http:// and https:// addresses can be fetched")]
    Scheme,
    #[error(
        "the address points to a private or local network address, which this server does not fetch"
    )]
    Private,
    #[error("the calendar server answered HTTP {0}")]
    Status(u16),
    #[error("the calendar is larger than {0} MB")]
    TooLarge(usize),
    #[error("the calendar server did not answer within {0} seconds")]
    Timeout(u64),
    #[error("too many redirects")]
    Redirects,
    #[error("the calendar server could not be reached: {0}")]
    Connect(String),
}

/// The client for calendar fetches: rustls on ring with Mozilla's roots (the one TLS stack
/// of the binary), redirects and addresses checked as the module says.
pub fn client(limits: &Limits) -> Result<Client, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let (allow_private, max_redirects) = (limits.allow_private, limits.max_redirects);
    let policy = redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max_redirects {
            return attempt.error(FetchError::Redirects);
        }
        match check_url(attempt.url(), allow_private) {
            Ok(()) => attempt.follow(),
            Err(e) => attempt.error(e),
        }
    });
    Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .timeout(limits.timeout)
        .connect_timeout(limits.timeout.min(Duration::from_secs(5)))
        .redirect(policy)
        .referer(false)
        .user_agent(limits.user_agent.clone())
        .pool_max_idle_per_host(0)
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .build()
        .map_err(|e| e.to_string())
}

/// Refuses URLs that are not http(s), and address literals the guard forbids. (Host names
/// are checked when they are resolved.)
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Scheme);
    }
    let Some(host) = url.host_str() else {
        return Err(FetchError::Scheme);
    };
    // The URL parser has already normalised address literals ("2130706433" is 127.0.0.1),
    // so what parses as an address here is the address connected to.
    let literal: Option<IpAddr> = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok();
    match literal {
        Some(ip) if !allow_private && is_forbidden(ip) => Err(FetchError::Private),
        _ => Ok(()),
    }
}

/// Fetches `url`, as a conditional GET when validators from the last read are given.
pub async fn fetch(
    client: &Client,
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
    limits: &Limits,
) -> Result<Fetched, FetchError> {
    let parsed = Url::parse(url).map_err(|_| FetchError::Scheme)?;
    check_url(&parsed, limits.allow_private)?;
    let mut headers = HeaderMap::new();
    if let Some(value) = etag.and_then(|v| v.parse().ok()) {
        headers.insert(IF_NONE_MATCH, value);
    }
    if let Some(value) = last_modified.and_then(|v| v.parse().ok()) {
        headers.insert(IF_MODIFIED_SINCE, value);
    }
    let mut response = client
        .get(parsed)
        .headers(headers)
        .send()
        .await
        .map_err(|e| explain(&e, limits))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED && (etag.is_some() || last_modified.is_some()) {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(FetchError::Status(status.as_u16()));
    }
    let too_large = FetchError::TooLarge(limits.max_bytes / (1024 * 1024));
    if response
        .content_length()
        .is_some_and(|n| n > limits.max_bytes as u64)
    {
        return Err(too_large);
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| explain(&e, limits))? {
        if body.len() + chunk.len() > limits.max_bytes {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched::Body {
        text: String::from_utf8_lossy(&body).into_owned(),
        etag,
        last_modified,
    })
}

/// A client error in words, finding our own errors (the guard's, the redirect policy's)
/// in its chain.
fn explain(error: &reqwest::Error, limits: &Limits) -> FetchError {
    if error.is_timeout() {
        return FetchError::Timeout(limits.timeout.as_secs());
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(ours) = e.downcast_ref::<FetchError>() {
            return ours.clone();
        }
        source = e.source();
    }
    if error.is_redirect() {
        return FetchError::Redirects;
    }
    // The innermost cause says most ("connection refused", "dns error: …").
    let mut innermost: &dyn std::error::Error = error;
    while let Some(next) = innermost.source() {
        innermost = next;
    }
    FetchError::Connect(innermost.to_string())
}

/// Resolves host names and keeps only addresses the guard allows.
#[derive(Clone, Copy, Debug)]
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || !is_forbidden(a.ip()))
                .collect();
            if allowed.is_empty() && !found.is_empty() {
                return Err(
                    Box::new(FetchError::Private) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether an address is one the server must not be steered to: this host, private and
/// shared networks, link-local (cloud metadata lives at 169.254.169.254), unique-local,
/// multicast, and the unspecified, broadcast, reserved and benchmarking ranges. IPv6
/// addresses that embed an IPv4 one (mapped, compatible, NAT64, 6to4) are judged by it.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let segments = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::a.b.c.d).
    if segments[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified() {
        return forbidden_v4(embedded(segments[6], segments[7]));
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return forbidden_v4(embedded(segments[6], segments[7]));
    }
    // 6to4 (2002:a.b.c.d::/48).
    if segments[0] == 0x2002 && forbidden_v4(embedded(segments[1], segments[2])) {
        return true;
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // unique-local fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn forbidden(ip: &str) -> bool {
        is_forbidden(ip.parse().unwrap())
    }

    #[test]
    fn local_private_and_special_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.8",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "::127.0.0.1",
        ] {
            assert!(forbidden(ip), "{ip} must be forbidden");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::1",
        ] {
            assert!(!forbidden(ip), "{ip} must be allowed");
        }
    }

    #[test]
    fn address_literals_are_checked_before_any_request() {
        let check = |url: &str, allow| check_url(&Url::parse(url).unwrap(), allow);
        assert_eq!(
            check("http://127.0.0.1:8080/cal.ics", false),
            Err(FetchError::Private)
        );
        assert_eq!(
            check("http://[::1]/cal.ics", false),
            Err(FetchError::Private)
        );
        assert_eq!(check("http://127.0.0.1:8080/cal.ics", true), Ok(()));
        assert_eq!(check("https://calendar.example.org/cal.ics", false), Ok(()));
        assert_eq!(
            check("ftp://example.org/cal.ics", true),
            Err(FetchError::Scheme)
        );
        assert_eq!(check("file:///etc/passwd", true), Err(FetchError::Scheme));
    }

    /// The client is built with the preconfigured rustls (ring) config, and an https URL
    /// goes through TLS: a server that answers plain text fails the handshake.
    #[tokio::test]
    async fn https_goes_through_rustls_on_ring() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            while let Ok((mut socket, _)) = listener.accept().await {
                let _ = socket.write_all(b"HTTP/1.1 200 OK\r\n\r\nnot tls").await;
            }
        });
        let limits = Limits {
            allow_private: true,
            ..Limits::default()
        };
        let client = client(&limits).unwrap();
        let url = format!("https://127.0.0.1:{port}/cal.ics");
        match fetch(&client, &url, None, None, &limits).await {
            Err(FetchError::Connect(message)) => assert!(!message.is_empty()),
            other => panic!("{other:?}"),
        }
    }
}
