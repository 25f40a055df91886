//! Sign-in through an OpenID provider: the authorization code flow with PKCE, state and
//! nonce, by the `openidconnect` crate.
//!
//! [`Oidc::discover`] reads the provider's configuration once, at start. A sign-in begins
//! ([`App::oidc_begin`]) with a fresh state, nonce and PKCE verifier, sealed — signed with a
//! key of the installation, not encrypted — for a short-lived cookie of the visitor's
//! browser, so that visitors write no rows. The provider sends the browser back with a code
//! ([`App::oidc_finish`]): the state must be the cookie's, the code is exchanged with the
//! verifier, and the ID token's signature, issuer, audience, expiry and nonce are checked.
//! The account is then found or made by [`lodestar_store::oidc_identities::sign_in`]: a
//! known identity signs its account in; otherwise only an e-mail the provider verified links
//! an account; otherwise one is made where the operator allows it.

pub mod http;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use lodestar_domain::{Email, PersonId, PersonName};
use lodestar_store::oidc_identities::{self, Identity, SignIn};
use lodestar_store::persons::{Account, NewAccount};
use lodestar_store::{installation, now_ms};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use self::http::Http;
use crate::secrets::random_secret;
use crate::{App, AppError, Viewer};

/// How an operator configured sign-in through a provider.
#[derive(Clone)]
pub struct Settings {
    /// The provider's issuer URL, exactly as its discovery document names it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Make an account for a verified e-mail that has none (otherwise only existing
    /// accounts sign in this way).
    pub create_accounts: bool,
    /// What the sign-in button calls the provider ("Single sign-on").
    pub name: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("create_accounts", &self.create_accounts)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The path the provider sends the browser back to, under the public URL.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// How long a begun sign-in may take at the provider.
pub const PENDING_TTL_MS: i64 = 10 * 60 * 1000;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A discovered provider and this installation's client of it.
pub struct Oidc {
    settings: Settings,
    client: Client,
    http: Http,
    /// The key that seals pending sign-ins, read from the database on first use.
    key: tokio::sync::OnceCell<Vec<u8>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Why the provider could not be set up at start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("LODESTAR_OIDC_ISSUER is not a URL: {0}")]
    Issuer(String),
    #[error("the redirect URI {0} is not a URL")]
    RedirectUri(String),
    #[error(
        "cannot discover the OpenID provider at {issuer} ({reason}); check LODESTAR_OIDC_ISSUER, \
         which must equal the `issuer` of {issuer}/.well-known/openid-configuration exactly, \
         trailing slash included"
    )]
    Discovery { issuer: String, reason: String },
    #[error("cannot make the HTTP client: {0}")]
    Client(String),
}

impl Oidc {
    /// Reads the provider's discovery document and keys, for the client whose redirect URI
    /// is `public_url` + [`CALLBACK_PATH`].
    pub async fn discover(settings: Settings, public_url: &str) -> Result<Self, SetupError> {
        let http = Http::new().map_err(SetupError::Client)?;
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| SetupError::Issuer(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| SetupError::Discovery {
                issuer: settings.issuer.clone(),
                reason: error_chain(&e),
            })?;
        let redirect = format!("{}{CALLBACK_PATH}", public_url.trim_end_matches('/'));
        let redirect =
            RedirectUrl::new(redirect.clone()).map_err(|_| SetupError::RedirectUri(redirect))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            Some(ClientSecret::new(settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        Ok(Self {
            settings,
            client,
            http,
            key: tokio::sync::OnceCell::new(),
        })
    }

    /// What the sign-in button calls the provider.
    pub fn name(&self) -> &str {
        &self.settings.name
    }

    /// Whether a first sign-in may make an account.
    pub fn create_accounts(&self) -> bool {
        self.settings.create_accounts
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    async fn key(&self, app: &App) -> Result<&[u8], AppError> {
        self.key
            .get_or_try_init(|| async {
                let secret = installation::secret(&app.db, SEAL_KEY_NAME, &random_secret()).await?;
                Ok::<_, AppError>(secret.into_bytes())
            })
            .await
            .map(Vec::as_slice)
    }
}

/// An error and its sources, in one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

const SEAL_KEY_NAME: &str = "oidc_state_key";

/// A sign-in begun in a browser: what its answer is checked against, and where to go after.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    expires_at: i64,
}

fn mac(key: &[u8], payload: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(b"lodestar oidc\0");
    mac.update(payload.as_bytes());
    Some(mac)
}

/// `<base64url(JSON)>.<base64url(HMAC-SHA256)>`.
fn seal(key: &[u8], pending: &Pending) -> Result<String, AppError> {
    let json = serde_json::to_string(pending).map_err(|e| AppError::Internal(e.to_string()))?;
    let payload = URL_SAFE_NO_PAD.encode(json);
    let tag = mac(key, &payload)
        .ok_or_else(|| AppError::Internal("no key to seal with".into()))?
        .finalize()
        .into_bytes();
    Ok(format!("{payload}.{}", URL_SAFE_NO_PAD.encode(tag)))
}

/// The pending sign-in in `sealed`, if this installation sealed it and it has not expired.
fn open(key: &[u8], sealed: &str, now: i64) -> Option<Pending> {
    let (payload, tag) = sealed.split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(key, payload)?.verify_slice(&tag).ok()?;
    let pending: Pending = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (pending.expires_at > now && pending.expires_at <= now + PENDING_TTL_MS).then_some(pending)
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A begun sign-in: where to send the browser, and the sealed value for its cookie.
#[derive(Debug)]
pub struct Begun {
    pub provider_url: String,
    pub sealed: String,
}

/// What the provider sent the browser back with (the callback's query).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Answer {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The issuer of the answer (RFC 9207), where the provider says it.
    pub iss: Option<String>,
}

/// A finished sign-in.
#[derive(Debug)]
pub struct SignedIn {
    pub account: Account,
    /// A safe path on this site to go to.
    pub next: String,
    /// The account was made by this sign-in.
    pub created: bool,
}

/// Why a sign-in through the provider did not sign anyone in. Each is told to the person
/// in words; none is a server error but [`Refused::Internal`].
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("sign-in through a provider is not set up here")]
    NotConfigured,
    /// The provider answered with an error (`access_denied` when the person said no).
    #[error("the provider answered {error}")]
    Provider {
        error: String,
        description: Option<String>,
    },
    /// No pending sign-in in this browser (expired, another browser, or never begun), or
    /// an answer for another one.
    #[error("the sign-in expired or was not begun in this browser")]
    Stale,
    /// The code could not be exchanged, or the ID token did not verify.
    #[error("the provider's answer could not be verified: {0}")]
    Unverifiable(String),
    #[error("the provider gave no e-mail address")]
    NoEmail,
    #[error("the provider has not verified the e-mail address {0}")]
    UnverifiedEmail(String),
    #[error("no account has the e-mail address {0}")]
    NoAccount(String),
    #[error("the account is suspended")]
    Suspended,
    #[error(transparent)]
    Internal(#[from] AppError),
}

/// A linked sign-in, as its person sees it on their account page.
#[derive(Clone, Debug)]
pub struct LinkedView {
    /// What the operator calls the provider, when it is the one configured; its issuer
    /// otherwise.
    pub provider: String,
    pub email: String,
    pub last_sign_in_at: i64,
}

/// The e-mail claims, from the ID token or the user info endpoint.
struct Claims {
    subject: String,
    email: Option<String>,
    email_verified: bool,
    name: Option<String>,
}

/// The claims of an ID token or a user info answer (both have the standard claims'
/// getters, but no common trait).
macro_rules! claims_of {
    ($subject:expr, $claims:expr) => {
        Claims {
            subject: $subject,
            email: $claims.email().map(|e| e.as_str().to_owned()),
            email_verified: $claims.email_verified().unwrap_or(false),
            name: $claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_owned()),
        }
    };
}

/// The name of a new account: the `name` claim, or the e-mail's local part, as a name the
/// domain accepts.
fn new_name(claimed: Option<&str>, email: &Email) -> String {
    let local = email.as_str().split('@').next().unwrap_or_default();
    [claimed, Some(local)]
        .into_iter()
        .flatten()
        .find_map(|n| PersonName::parse(n).ok())
        .map_or_else(|| "New member".to_owned(), PersonName::into_inner)
}

impl App {
    /// Sign-in through a provider, when the operator configured one.
    pub fn oidc(&self) -> Option<&Oidc> {
        self.oidc.as_deref()
    }

    /// Signs people in through `oidc` too.
    pub fn with_oidc(mut self, oidc: Oidc) -> Self {
        self.oidc = Some(Arc::new(oidc));
        self
    }

    /// Begins a sign-in: the provider's URL with a fresh state, nonce and PKCE challenge,
    /// and them sealed with `next` (a safe path) for the browser's cookie.
    pub async fn oidc_begin(&self, next: String) -> Result<Begun, Refused> {
        let oidc = self.oidc().ok_or(Refused::NotConfigured)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = oidc
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next,
            expires_at: now_ms() + PENDING_TTL_MS,
        };
        let sealed = seal(oidc.key(self).await?, &pending)?;
        Ok(Begun {
            provider_url: url.to_string(),
            sealed,
        })
    }

    /// Finishes a sign-in with the provider's `answer` and the browser's sealed pending
    /// sign-in: the account signed in, linked or made.
    pub async fn oidc_finish(
        &self,
        sealed: Option<&str>,
        answer: &Answer,
    ) -> Result<SignedIn, Refused> {
        let oidc = self.oidc().ok_or(Refused::NotConfigured)?;
        let pending = match sealed {
            Some(sealed) => open(oidc.key(self).await?, sealed, now_ms()),
            None => None,
        };
        if let Some(error) = &answer.error {
            return Err(Refused::Provider {
                error: error.clone(),
                description: answer.error_description.clone(),
            });
        }
        let pending = pending.ok_or(Refused::Stale)?;
        let state_matches = answer
            .state
            .as_deref()
            .is_some_and(|state| same(state, &pending.state));
        if !state_matches {
            return Err(Refused::Stale);
        }
        // An answer that names another issuer was meant for another client's sign-in.
        if answer
            .iss
            .as_deref()
            .is_some_and(|iss| iss != oidc.issuer())
        {
            return Err(Refused::Unverifiable(
                "the answer names another issuer".into(),
            ));
        }
        let code = answer
            .code
            .clone()
            .ok_or_else(|| Refused::Unverifiable("no code".into()))?;
        let claims = self.verified_claims(oidc, code, &pending).await?;
        let account = self.sign_in_identity(oidc, claims).await?;
        Ok(SignedIn {
            created: matches!(account, SignIn::Created(_)),
            account: match account {
                SignIn::Known(a) | SignIn::Linked(a) | SignIn::Created(a) => a,
                _ => {
                    return Err(Refused::Internal(AppError::Internal(
                        "lost an outcome".into(),
                    )));
                }
            },
            next: pending.next,
        })
    }

    /// Exchanges the code and checks the ID token; the e-mail claims from it, or from the
    /// user info endpoint where the ID token carries none.
    async fn verified_claims(
        &self,
        oidc: &Oidc,
        code: String,
        pending: &Pending,
    ) -> Result<Claims, Refused> {
        let unverifiable = |what: &str, e: &dyn std::error::Error| {
            let reason = format!("{what}: {}", error_chain(e));
            tracing::warn!(issuer = oidc.issuer(), %reason, "OIDC sign-in refused");
            Refused::Unverifiable(reason)
        };
        let tokens = oidc
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| unverifiable("no token endpoint", &e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&oidc.http)
            .await
            .map_err(|e| unverifiable("exchanging the code", &e))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| Refused::Unverifiable("no ID token".into()))?;
        let verifier = oidc.client.id_token_verifier();
        let nonce = Nonce::new(pending.nonce.clone());
        let id_claims = id_token
            .claims(&verifier, &nonce)
            .map_err(|e| unverifiable("the ID token", &e))?;
        let subject = id_claims.subject().as_str().to_owned();
        let claims = claims_of!(subject.clone(), id_claims);
        if claims.email.is_some() {
            return Ok(claims);
        }
        // Many providers put the e-mail in the user info only (the ID token of a code
        // flow carries what was asked for by the `claims` parameter).
        let request = match oidc.client.user_info(
            tokens.access_token().clone(),
            Some(id_claims.subject().clone()),
        ) {
            Ok(request) => request,
            Err(_) => return Ok(claims),
        };
        let info: openidconnect::core::CoreUserInfoClaims = request
            .request_async(&oidc.http)
            .await
            .map_err(|e| unverifiable("the user info", &e))?;
        Ok(claims_of!(subject, info))
    }

    async fn sign_in_identity(&self, oidc: &Oidc, claims: Claims) -> Result<SignIn, Refused> {
        let email = claims.email.as_deref().and_then(|e| Email::parse(e).ok());
        let create = match (&email, oidc.settings.create_accounts) {
            (Some(email), true) => Some(NewAccount {
                id: PersonId::new(),
                name: new_name(claims.name.as_deref(), email),
                email: email.clone(),
                // No password: one cannot be guessed, and log-in refuses an empty hash.
                password_hash: String::new(),
                admin: false,
            }),
            _ => None,
        };
        let identity = Identity {
            issuer: oidc.issuer().to_owned(),
            subject: claims.subject,
            email: email.clone(),
            email_verified: claims.email_verified,
        };
        let shown = || {
            email
                .as_ref()
                .map_or_else(String::new, |e| e.as_str().to_owned())
        };
        let outcome = oidc_identities::sign_in(&self.db, &identity, create.as_ref())
            .await
            .map_err(AppError::from)?;
        match &outcome {
            SignIn::Known(a) => tracing::info!(person = %a.id, "signed in through OIDC"),
            SignIn::Linked(a) => {
                tracing::info!(person = %a.id, "OIDC identity linked by verified e-mail");
            }
            SignIn::Created(a) => tracing::info!(person = %a.id, "account created through OIDC"),
            _ => {}
        }
        match outcome {
            SignIn::Suspended => Err(Refused::Suspended),
            SignIn::NoEmail => Err(Refused::NoEmail),
            SignIn::Unverified => Err(Refused::UnverifiedEmail(shown())),
            SignIn::NoAccount => Err(Refused::NoAccount(shown())),
            other => Ok(other),
        }
    }

    /// The viewer's sign-ins through providers.
    pub async fn oidc_identities(&self, viewer: &Viewer) -> Result<Vec<LinkedView>, AppError> {
        let configured = self.oidc();
        Ok(oidc_identities::for_person(&self.db, viewer.id)
            .await?
            .into_iter()
            .map(|linked| LinkedView {
                provider: configured
                    .filter(|o| o.issuer() == linked.issuer)
                    .map_or_else(|| linked.issuer.clone(), |o| o.name().to_owned()),
                email: linked.email,
                last_sign_in_at: linked.last_sign_in_at,
            })
            .collect())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pending(expires_at: i64) -> Pending {
        Pending {
            state: "s".into(),
            nonce: "n".into(),
            verifier: "v".into(),
            next: "/dashboard".into(),
            expires_at,
        }
    }

    #[test]
    fn a_sealed_sign_in_opens_with_its_key_until_it_expires() {
        let sealed = seal(b"key", &pending(1_000 + PENDING_TTL_MS)).unwrap();
        assert_eq!(open(b"key", &sealed, 1_000).unwrap().state, "s");
        assert!(open(b"other key", &sealed, 1_000).is_none());
        assert!(open(b"key", &sealed, 1_000 + PENDING_TTL_MS).is_none());
        let (payload, tag) = sealed.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_string(&Pending {
                next: "//evil.example".into(),
                ..pending(1_000 + PENDING_TTL_MS)
            })
            .unwrap(),
        );
        assert!(open(b"key", &format!("{forged}.{tag}"), 1_000).is_none());
        assert!(open(b"key", payload, 1_000).is_none());
    }

    #[test]
    fn a_new_account_is_named_by_the_claim_or_the_e_mail() {
        let email = Email::parse("quiet.one@example.org").unwrap();
        assert_eq!(new_name(Some("Ada Lovelace"), &email), "Ada Lovelace");
        assert_eq!(new_name(None, &email), "quiet.one");
        assert_eq!(new_name(Some("Bad\u{0}"), &email), "quiet.one");
    }
}
