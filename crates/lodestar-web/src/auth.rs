//! Who is asking: bearer tokens for the API, the session cookie for pages, and the
//! client's address for rate limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lodestar_app::{AppError, Viewer};
use lodestar_store::sessions::PERSON_KEY;
use tower_sessions::Session;

use crate::AppState;
use crate::error::ApiError;

/// The person an API request acts for, from `Authorization: Bearer <token>`.
pub struct ApiViewer(pub Viewer);

impl<S> FromRequestParts<S> for ApiViewer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(AppError::Unauthenticated(
                "send an API token as Authorization: Bearer <token>",
            ))?;
        Ok(Self(state.app.authenticate_token(token).await?))
    }
}

/// The person signed in to the browser session, or a redirect to the log-in page.
pub struct PageViewer(pub Viewer);

/// The person signed in, if anyone.
pub struct MaybeViewer(pub Option<Viewer>);

/// When the session was last marked as seen (epoch milliseconds).
pub const SEEN_KEY: &str = "seen_at";

/// A session is marked as seen, which pushes its idle expiry forward and updates its
/// "last seen" and address, at most this often: viewing pages does not write every time.
pub const SEEN_EVERY_MS: i64 = 5 * 60 * 1000;

pub async fn session_viewer(
    state: &AppState,
    session: &Session,
) -> Result<Option<Viewer>, AppError> {
    let id = session
        .get::<String>(PERSON_KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .and_then(|id| id.parse().ok());
    match id {
        Some(id) => state.app.viewer(id).await,
        None => Ok(None),
    }
}

/// Marks a signed-in session as seen from `address` if it was not seen lately. The
/// change makes tower-sessions save the session, and saving refreshes its expiry.
async fn mark_seen(session: &Session, address: String) -> Result<(), AppError> {
    let internal = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
    let now = lodestar_store::now_ms();
    let seen = session.get::<i64>(SEEN_KEY).await.map_err(internal)?;
    if seen.is_none_or(|seen| now - seen >= SEEN_EVERY_MS) {
        session.insert(SEEN_KEY, now).await.map_err(internal)?;
        session
            .insert(lodestar_store::sessions::ADDRESS_KEY, address)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

impl<S> FromRequestParts<S> for MaybeViewer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let session = Session::from_request_parts(parts, &state)
            .await
            .map_err(|(status, msg)| (status, msg).into_response())?;
        let viewer = session_viewer(&state, &session)
            .await
            .map_err(|e| crate::pages::error_page(&e))?;
        if viewer.is_some() {
            let ClientAddress(address) =
                <ClientAddress as FromRequestParts<AppState>>::from_request_parts(parts, &state)
                    .await
                    .map_err(IntoResponse::into_response)?;
            mark_seen(&session, address)
                .await
                .map_err(|e| crate::pages::error_page(&e))?;
        }
        Ok(Self(viewer))
    }
}

impl<S> FromRequestParts<S> for PageViewer
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        match MaybeViewer::from_request_parts(parts, state).await?.0 {
            Some(viewer) => Ok(Self(viewer)),
            None => {
                let next =
                    serde_urlencoded::to_string([("next", path.as_str())]).unwrap_or_default();
                Err(Redirect::to(&format!("/login?{next}")).into_response())
            }
        }
    }
}

/// An admin signed in to the browser session.
pub struct PageAdmin(pub Viewer);

impl<S> FromRequestParts<S> for PageAdmin
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let PageViewer(viewer) = PageViewer::from_request_parts(parts, state).await?;
        if viewer.is_admin {
            Ok(Self(viewer))
        } else {
            Err(crate::pages::error_page(&AppError::Forbidden))
        }
    }
}

/// The client's address, for per-address rate limits.
///
/// Behind `trusted_proxies` reverse proxies of one's own (`--trust-proxy`), it is the
/// address the outermost of them saw: each proxy appends the address it was reached from
/// to `X-Forwarded-For`, so that one is the `trusted_proxies`-th entry from the right.
/// Entries further left were written by the client and prove nothing. Without a trusted
/// proxy, or when the header is too short to hold that entry, it is the socket's address.
pub struct ClientAddress(pub String);

impl<S> FromRequestParts<S> for ClientAddress
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let socket = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        let trusted = if state.config.trust_proxy {
            state.config.trusted_proxies.max(1)
        } else {
            0
        };
        Ok(Self(client_address(forwarded, trusted, socket)))
    }
}

/// The client's address from the `X-Forwarded-For` header lines (in order), the number of
/// trusted proxies in front (0: trust none) and the socket's peer address.
fn client_address<'a>(
    forwarded: impl Iterator<Item = &'a str>,
    trusted_proxies: usize,
    socket: Option<IpAddr>,
) -> String {
    let from_socket = || socket.map_or_else(|| "local".to_owned(), |ip| ip.to_string());
    if trusted_proxies == 0 {
        return from_socket();
    }
    let entries: Vec<&str> = forwarded.flat_map(|line| line.split(',')).collect();
    entries
        .len()
        .checked_sub(trusted_proxies)
        .and_then(|i| entries.get(i))
        .and_then(|entry| parse_forwarded(entry))
        .map_or_else(from_socket, |ip| ip.to_string())
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(headers: &[&str], trusted: usize) -> String {
        client_address(
            headers.iter().copied(),
            trusted,
            Some(IpAddr::from([10, 0, 0, 1])),
        )
    }

    #[test]
    fn without_a_trusted_proxy_the_header_is_ignored() {
        assert_eq!(from(&["203.0.113.9"], 0), "10.0.0.1");
    }

    #[test]
    fn behind_one_proxy_the_rightmost_entry_is_the_client_whatever_the_client_wrote() {
        // The client sent "X-Forwarded-For: 198.51.100.66"; the proxy appended its peer.
        assert_eq!(from(&["198.51.100.66, 203.0.113.9"], 1), "203.0.113.9");
        assert_eq!(from(&["203.0.113.9"], 1), "203.0.113.9");
        // Spoofed entries on a separate header line come first too.
        assert_eq!(from(&["198.51.100.66", "203.0.113.9"], 1), "203.0.113.9");
    }

    #[test]
    fn behind_two_proxies_the_second_entry_from_the_right_is_the_client() {
        assert_eq!(
            from(&["198.51.100.66, 203.0.113.9, 192.0.2.10"], 2),
            "203.0.113.9"
        );
    }

    #[test]
    fn a_header_shorter_than_the_proxy_chain_falls_back_to_the_socket() {
        assert_eq!(from(&["203.0.113.9"], 2), "10.0.0.1");
        assert_eq!(from(&[], 1), "10.0.0.1");
    }

    #[test]
    fn ports_and_spaces_are_stripped_and_garbage_falls_back_to_the_socket() {
        assert_eq!(from(&["x,  203.0.113.9:4711 "], 1), "203.0.113.9");
        assert_eq!(from(&["[2001:db8::7]:443"], 1), "2001:db8::7");
        assert_eq!(from(&["203.0.113.9, not-an-address"], 1), "10.0.0.1");
    }
}
