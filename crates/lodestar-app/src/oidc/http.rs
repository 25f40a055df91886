//! The HTTP client `openidconnect` talks to the provider with: the workspace's reqwest (one
//! HTTP and TLS stack, rustls on ring), behind `openidconnect`'s `AsyncHttpClient`. Its own
//! reqwest support is pinned to another reqwest version. Redirects are not followed (the
//! library's advice: a redirect from a token endpoint could lead a request elsewhere), every
//! request has a deadline, and an answer larger than [`MAX_ANSWER_BYTES`] is refused.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

/// The largest answer read from the provider (a discovery document, keys, tokens).
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// How long one request to the provider may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    Request(String),
    #[error("the answer is larger than {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
}

/// reqwest for `openidconnect`.
#[derive(Clone, Debug)]
pub struct Http(reqwest::Client);

impl Http {
    pub fn new() -> Result<Self, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots =
            rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            // Sign-ins are seldom: a kept connection would mostly be one the provider has
            // closed meanwhile, and a POST on it fails ("connection closed before message
            // completed") rather than being retried.
            .pool_max_idle_per_host(0)
            .user_agent(concat!("Lodestar/", env!("CARGO_PKG_VERSION")))
            .build()
            .map(Self)
            .map_err(|e| e.to_string())
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let failed = |e: reqwest::Error| HttpError::Request(super::error_chain(&e));
        let (parts, body) = request.into_parts();
        let url = reqwest::Url::parse(&parts.uri.to_string())
            .map_err(|e| HttpError::Request(e.to_string()))?;
        let mut response = self
            .0
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(failed)?;
        let mut answer = http_response(response.status(), response.headers());
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(HttpError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        *answer.body_mut() = bytes;
        Ok(answer)
    }
}

fn http_response(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> HttpResponse {
    let mut answer = HttpResponse::new(Vec::new());
    *answer.status_mut() = status;
    *answer.headers_mut() = headers.clone();
    answer
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}
