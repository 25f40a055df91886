//! Personal API tokens: created with a name and shown once, listed, revoked; and the
//! bearer-token check every API request goes through.

use lodestar_domain::{PersonId, TokenId};
use lodestar_store::now_ms;
use lodestar_store::tokens::{self as store, NewToken, TokenKind, TokenRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::viewer_from;
use crate::secrets::{random_secret, token_hash};
use crate::{App, AppError, Viewer};

/// Every token starts with this, so that leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "lds_";

/// Use of a token is written down at most this often, so that API reads stay reads.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct NewTokenInput {
    /// 1–80 characters.
    #[schema(example = "CI pipeline", min_length = 1, max_length = 80)]
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TokenView {
    #[schema(value_type = String, format = Uuid)]
    pub id: TokenId,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// Epoch milliseconds; personal tokens do not expire.
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl From<&TokenRecord> for TokenView {
    fn from(t: &TokenRecord) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A token just made: the only time its secret is shown.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenView,
    /// The secret; send it as `Authorization: Bearer <token>`. It cannot be shown again.
    pub token_secret: String,
}

impl App {
    async fn issue_token(
        &self,
        person: PersonId,
        kind: TokenKind,
        name: String,
        expires_at: Option<i64>,
    ) -> Result<CreatedToken, AppError> {
        let secret = format!("{TOKEN_PREFIX}{}", random_secret());
        let record = store::insert(
            &self.db,
            &NewToken {
                id: TokenId::new(),
                person,
                kind,
                name,
                hash: token_hash(&secret),
                prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
                expires_at,
            },
        )
        .await?;
        Ok(CreatedToken {
            token: TokenView::from(&record),
            token_secret: secret,
        })
    }

    pub async fn create_token(
        &self,
        viewer: &Viewer,
        input: &NewTokenInput,
    ) -> Result<CreatedToken, AppError> {
        let name = lodestar_domain::text::one_line(&input.name, 80)
            .map_err(|e| AppError::invalid("name", e.to_string()))?;
        if name.is_empty() {
            return Err(AppError::invalid(
                "name",
                "give the token a name, such as where it will be used",
            ));
        }
        let created = self
            .issue_token(viewer.id, TokenKind::Personal, name, None)
            .await?;
        tracing::info!(person = %viewer.id, token = %created.token.id, "API token created");
        Ok(created)
    }

    /// A token for an API client that logged in with email and password.
    pub async fn login_token(&self, person: PersonId) -> Result<CreatedToken, AppError> {
        let expires = now_ms() + self.policy.login_token_ttl_ms;
        self.issue_token(person, TokenKind::Login, "API log-in".into(), Some(expires))
            .await
    }

    pub async fn list_tokens(&self, viewer: &Viewer) -> Result<Vec<TokenView>, AppError> {
        Ok(store::list_personal(&self.db, viewer.id)
            .await?
            .iter()
            .map(TokenView::from)
            .collect())
    }

    /// Revokes one of the viewer's own tokens; anyone else's is "not found".
    pub async fn revoke_token(&self, viewer: &Viewer, id: TokenId) -> Result<(), AppError> {
        store::revoke(&self.db, viewer.id, id)
            .await
            .map_err(|e| match e {
                lodestar_store::StoreError::NotFound => AppError::NotFound("token"),
                other => other.into(),
            })?;
        tracing::info!(person = %viewer.id, token = %id, "API token revoked");
        Ok(())
    }

    /// Revokes the token whose secret this is, if it is the viewer's (API log-out).
    pub async fn revoke_token_secret(&self, viewer: &Viewer, secret: &str) -> Result<(), AppError> {
        match store::find_live_by_hash(&self.db, &token_hash(secret)).await? {
            Some(token) if token.person == viewer.id => self.revoke_token(viewer, token.id).await,
            _ => Err(AppError::NotFound("token")),
        }
    }

    /// The viewer a bearer token stands for, if it is live.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Viewer, AppError> {
        const REJECTED: &str = "the API token is missing, revoked or expired";
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated(REJECTED));
        }
        let token = store::find_live_with_account(&self.db, &token_hash(secret))
            .await?
            .filter(|t| t.account.suspended_at.is_none())
            .ok_or(AppError::Unauthenticated(REJECTED))?;
        if token
            .last_used_at
            .is_none_or(|t| now_ms() - t > TOUCH_EVERY_MS)
        {
            store::touch(&self.db, token.id).await?;
        }
        Ok(viewer_from(&token.account))
    }
}
