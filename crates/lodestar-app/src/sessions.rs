//! Browser sessions as their owner sees them (list, end one, sign out everywhere), the
//! signed tokens that protect the log-in and registration forms without a session, and
//! the one-time setup link that creates the first admin.

use hmac::{Hmac, KeyInit, Mac};
use lodestar_domain::PersonId;
use lodestar_store::{installation, now_ms, sessions as store, tokens as token_store};
use serde::Serialize;
use sha2::Sha256;
use utoipa::ToSchema;

use crate::accounts::Registration;
use crate::secrets::{random_secret, token_hash};
use crate::{App, AppError, Viewer};

/// A browser session, as listed to the person it belongs to.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Names the session for `DELETE /api/v1/me/sessions/{id}`; not the cookie's value.
    pub id: String,
    /// The browser and system, from its user agent ("Firefox on Linux").
    pub device: String,
    /// The client address it was last seen from.
    pub address: String,
    /// Epoch milliseconds: when the person signed in.
    pub created_at: i64,
    /// Epoch milliseconds, to within a few minutes.
    pub last_seen_at: i64,
    /// Epoch milliseconds: when it ends unless used again (and at the latest).
    pub expires_at: i64,
    /// Whether this is the session the request came from.
    pub current: bool,
}

impl App {
    /// The viewer's live browser sessions, most recently used first. `current` is the id
    /// of the session asking, if the request came from a browser.
    pub async fn list_sessions(
        &self,
        viewer: &Viewer,
        current: Option<&str>,
    ) -> Result<Vec<SessionView>, AppError> {
        Ok(store::list_for_person(&self.db, viewer.id)
            .await?
            .into_iter()
            .map(|s| SessionView {
                current: current.is_some_and(|c| c == s.id),
                device: describe_device(&s.user_agent),
                id: s.public_id,
                address: s.address,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                expires_at: s.expires_at,
            })
            .collect())
    }

    /// Ends one of the viewer's sessions; anyone else's is "not found".
    pub async fn end_session(&self, viewer: &Viewer, public_id: &str) -> Result<(), AppError> {
        if !store::end_session(&self.db, viewer.id, public_id).await? {
            return Err(AppError::NotFound("session"));
        }
        tracing::info!(person = %viewer.id, "session ended by its owner");
        Ok(())
    }

    /// Ends every browser session of the viewer, the one asking included, and revokes
    /// every log-in token; personal API tokens stay (they are revoked on the tokens page,
    /// or by a password change).
    pub async fn sign_out_everywhere(&self, viewer: &Viewer) -> Result<(), AppError> {
        self.end_sessions_and_tokens(viewer.id, None, true).await?;
        tracing::info!(person = %viewer.id, "signed out everywhere");
        Ok(())
    }

    pub(crate) async fn end_sessions_and_tokens(
        &self,
        person: PersonId,
        keep_session: Option<&str>,
        keep_personal_tokens: bool,
    ) -> Result<(), AppError> {
        store::end_other_sessions(&self.db, person, keep_session).await?;
        token_store::revoke_all(&self.db, person, keep_personal_tokens).await?;
        Ok(())
    }

    /// The key that signs the anonymous forms' CSRF tokens: one per installation, kept in
    /// the database so that every server process accepts every other's forms.
    pub async fn form_signer(&self) -> Result<FormSigner, AppError> {
        let secret = installation::secret(&self.db, FORM_KEY_NAME, &random_secret()).await?;
        Ok(FormSigner {
            key: secret.into_bytes(),
        })
    }

    /// On an installation without an admin, a fresh one-time setup token (replacing any
    /// earlier one), valid for `ttl_ms`; `None` when an admin exists.
    pub async fn issue_setup_token(&self, ttl_ms: i64) -> Result<Option<String>, AppError> {
        if installation::has_admin(&self.db).await? {
            return Ok(None);
        }
        let token = random_secret();
        installation::replace_setup_token(&self.db, &token_hash(&token), now_ms() + ttl_ms).await?;
        Ok(Some(token))
    }

    /// Whether `token` is the live setup token.
    pub async fn setup_token_is_live(&self, token: &str) -> Result<bool, AppError> {
        Ok(installation::setup_token_is_live(&self.db, &token_hash(token)).await?)
    }

    /// Creates the first admin through the setup link, burning it. A used, expired or
    /// unknown link, or an installation that has an admin already, is "not found".
    pub async fn claim_setup(
        &self,
        token: &str,
        input: &Registration,
    ) -> Result<lodestar_store::persons::Account, AppError> {
        let new = self.new_account(input, true).await?;
        // Who the admin is, never the link's secret nor the password.
        let audit = crate::audit::Audit::new(
            crate::audit::AuditAction::AdminSetup,
            "person",
            new.id,
            format!("{} became the first admin through the setup link", new.name),
        )
        .detail(serde_json::json!({ "email": new.email.as_str() }))
        .by(&Viewer {
            id: new.id,
            name: new.name.clone(),
            is_admin: true,
        });
        let account = installation::claim_setup_token(&self.db, &token_hash(token), &new, &audit)
            .await
            .map_err(|e| match e {
                lodestar_store::StoreError::NotFound => AppError::NotFound("setup link"),
                other => other.into(),
            })?;
        tracing::info!(person = %account.id, "first admin created through the setup link");
        Ok(account)
    }
}

const FORM_KEY_NAME: &str = "form_csrf_key";

/// How long an anonymous form's token is accepted after the form was shown.
pub const FORM_TOKEN_TTL_MS: i64 = 2 * 60 * 60 * 1000;

/// Signs and checks the CSRF tokens of forms shown to people who are not signed in. A
/// token is `<expiry>.<HMAC-SHA256(key, expiry, nonce)>`, where the nonce is a random
/// value the browser holds in a SameSite=Strict, HttpOnly cookie: a token is good only
/// with its own cookie, which another site can neither read nor make the browser send.
#[derive(Clone)]
pub struct FormSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for FormSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormSigner(..)")
    }
}

impl FormSigner {
    fn mac(&self, expires_at: i64, nonce: &str) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        mac.update(b"lodestar form\0");
        mac.update(expires_at.to_string().as_bytes());
        mac.update(b"\0");
        mac.update(nonce.as_bytes());
        Some(mac)
    }

    /// A token for `nonce`, good until `now_ms + FORM_TOKEN_TTL_MS`.
    pub fn issue(&self, nonce: &str, now_ms: i64) -> String {
        use base64::Engine;
        let expires_at = now_ms + FORM_TOKEN_TTL_MS;
        let tag = self
            .mac(expires_at, nonce)
            .map(|m| m.finalize().into_bytes().to_vec())
            .unwrap_or_default();
        format!(
            "{expires_at}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// Whether `token` was issued for `nonce` and has not expired at `now_ms`. The tag is
    /// compared in constant time.
    pub fn verify(&self, token: &str, nonce: &str, now_ms: i64) -> bool {
        use base64::Engine;
        let Some((expires, tag)) = token.split_once('.') else {
            return false;
        };
        let Ok(expires_at) = expires.parse::<i64>() else {
            return false;
        };
        if expires_at <= now_ms || expires_at > now_ms + FORM_TOKEN_TTL_MS || nonce.is_empty() {
            return false;
        }
        let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag) else {
            return false;
        };
        self.mac(expires_at, nonce)
            .is_some_and(|m| m.verify_slice(&tag).is_ok())
    }
}

/// "Firefox on Linux" from a user agent, or "Unknown device". Coarse on purpose: enough
/// for a person to recognise their own browsers.
pub fn describe_device(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.starts_with("curl/") {
        "curl"
    } else {
        ""
    };
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => "Unknown device".to_owned(),
        (b, "") => b.to_owned(),
        ("", s) => format!("A browser on {s}"),
        (b, s) => format!("{b} on {s}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn signer(key: &str) -> FormSigner {
        FormSigner {
            key: key.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_form_token_is_good_for_its_own_nonce_until_it_expires() {
        let s = signer("key");
        let token = s.issue("nonce-a", 1_000);
        assert!(s.verify(&token, "nonce-a", 1_000));
        assert!(s.verify(&token, "nonce-a", 1_000 + FORM_TOKEN_TTL_MS - 1));
        assert!(!s.verify(&token, "nonce-a", 1_000 + FORM_TOKEN_TTL_MS));
        assert!(!s.verify(&token, "nonce-b", 1_000), "another cookie");
        assert!(!s.verify(&token, "", 1_000), "no cookie");
        assert!(!signer("other key").verify(&token, "nonce-a", 1_000));
    }

    #[test]
    fn a_form_token_with_a_changed_expiry_or_tag_is_refused() {
        let s = signer("key");
        let token = s.issue("n", 1_000);
        let (expiry, tag) = token.split_once('.').unwrap();
        let later: i64 = expiry.parse::<i64>().unwrap() + 1;
        assert!(!s.verify(&format!("{later}.{tag}"), "n", 1_000));
        assert!(!s.verify(&format!("{expiry}.{tag}x"), "n", 1_000));
        assert!(!s.verify(expiry, "n", 1_000));
        assert!(!s.verify("", "n", 1_000));
        // An expiry beyond what could have been issued is not trusted either.
        let far = s.issue("n", 1_000 + FORM_TOKEN_TTL_MS);
        assert!(!s.verify(&far, "n", 1_000 - 1));
    }

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(describe_device(firefox), "Firefox on Linux");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_device(safari), "Safari on iOS");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(describe_device(edge), "Edge on Windows");
        assert_eq!(describe_device(""), "Unknown device");
    }
}
