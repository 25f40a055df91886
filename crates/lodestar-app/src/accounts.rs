//! Accounts: registering, logging in (rate-limited, see [`crate::throttle`]), changing a password,
//! and making admins.

use lodestar_domain::{Email, FieldErrors, Password, PersonId, PersonName};
use lodestar_store::invitations::{self, LiveInvitation};
use lodestar_store::persons::{self, Account, NewAccount};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::{self, Audit, AuditAction};
use crate::secrets::{DECOY_HASH, hash_password, token_hash, verify_password};
use crate::{App, AppError, Viewer};

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct Registration {
    #[schema(example = "Ada Lovelace", min_length = 1)]
    pub name: String,
    #[schema(example = "ada@example.org", min_length = 3)]
    pub email: String,
    /// 10–256 characters, not a common password, not your name or email.
    #[schema(example = "analytical-engine-1843", min_length = 10, max_length = 256)]
    pub password: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    #[schema(min_length = 1)]
    pub current_password: String,
    /// 10–256 characters, not a common password, not your name or email.
    #[schema(min_length = 10, max_length = 256)]
    pub new_password: String,
    /// Keep your personal API tokens working. By default a password change revokes every
    /// token, personal ones included, as well as ending your other browser sessions.
    #[serde(default)]
    pub keep_api_tokens: bool,
}

/// How long after signing in an account without a password may set its first one.
pub const FIRST_PASSWORD_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The account a person is signed in as.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccountView {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    /// False for an account made by signing in through the organisation's provider,
    /// until its person sets a password.
    pub has_password: bool,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id,
            name: a.name.clone(),
            email: a.email.clone(),
            is_admin: a.is_admin,
            has_password: !a.password_hash.is_empty(),
        }
    }
}

fn viewer_of(account: &Account) -> Viewer {
    Viewer {
        id: account.id,
        name: account.name.clone(),
        is_admin: account.is_admin,
    }
}

impl App {
    /// Creates an account. Registering never makes an admin: the first admin comes from
    /// the setup link `serve` prints, `lodestar admin create`, or the demo.
    /// Registrations are limited per client address; one that creates nothing because of
    /// invalid input or a busy server does not count.
    pub async fn register(
        &self,
        input: &Registration,
        client_address: &str,
    ) -> Result<Account, AppError> {
        let counter = self.admit_registration(client_address).await?;
        let created = self.create_account(input, false).await;
        if matches!(created, Err(AppError::Invalid(_) | AppError::Busy { .. })) {
            self.registration_not_made(&counter).await?;
        }
        created
    }

    /// Creates an admin account (the command line's `admin create`), recorded in the audit
    /// log as the command line's.
    pub async fn create_admin(&self, input: &Registration) -> Result<Account, AppError> {
        let new = self.new_account(input, true).await?;
        let summary = format!("Created the admin account of {}", new.name);
        let audit = Audit::new(AuditAction::AdminCreate, "person", new.id, summary)
            .detail(serde_json::json!({ "name": new.name, "email": new.email.as_str() }))
            .by_command_line();
        let account = persons::create_account_recorded(&self.db, &new, &audit).await?;
        tracing::info!(person = %account.id, "admin account created");
        Ok(account)
    }

    async fn create_account(&self, input: &Registration, admin: bool) -> Result<Account, AppError> {
        let new = self.new_account(input, admin).await?;
        let account = persons::create_account(&self.db, &new).await?;
        tracing::info!(person = %account.id, admin = account.is_admin, "account created");
        Ok(account)
    }

    /// Checks a registration and hashes its password: the account to insert.
    pub(crate) async fn new_account(
        &self,
        input: &Registration,
        admin: bool,
    ) -> Result<NewAccount, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", PersonName::parse(&input.name));
        let email = errors.check("email", Email::parse(&input.email));
        let password = errors.check(
            "password",
            Password::new_checked(&input.password, &input.name, &input.email),
        );
        errors.into_result()?;
        let (Some(name), Some(email), Some(password)) = (name, email, password) else {
            return Err(AppError::Internal("validation lost a value".into()));
        };
        let password_hash = hash_password(password.expose().to_owned()).await?;
        Ok(NewAccount {
            id: PersonId::new(),
            name: name.into_inner(),
            email,
            password_hash,
            admin,
        })
    }

    /// Checks credentials. Unknown emails and wrong passwords get the same error and take
    /// the same time. The attempt is counted before the password is checked; too many
    /// failures for this account from this address, or from this address overall, are
    /// refused for a while, even with the right password (see [`crate::throttle`]).
    pub async fn log_in(
        &self,
        input: &Credentials,
        client_address: &str,
    ) -> Result<Account, AppError> {
        let attempt = self.admit_login(&input.email, client_address).await?;
        let email = Email::parse(&input.email).ok();
        let account = match &email {
            Some(email) => persons::find_by_email(&self.db, email).await?,
            None => None,
        };
        // An account an import made has no password until its invitation is taken up: it
        // is checked against the decoy too, so it takes the same time and never matches.
        let usable = account.as_ref().filter(|a| !a.password_hash.is_empty());
        let hash = usable.map_or_else(|| DECOY_HASH.clone(), |a| a.password_hash.clone());
        let verified = match verify_password(input.password.clone(), hash).await {
            Ok(verified) => verified && usable.is_some(),
            Err(busy @ AppError::Busy { .. }) => {
                self.login_not_tried(attempt).await?;
                return Err(busy);
            }
            Err(other) => return Err(other),
        };
        match account {
            Some(account) if verified => {
                self.login_succeeded(attempt).await?;
                // Told only to someone who knows the password, so it reveals nothing else.
                if account.suspended_at.is_some() {
                    return Err(AppError::Suspended);
                }
                Ok(account)
            }
            _ => Err(AppError::Unauthenticated("email or password is incorrect")),
        }
    }

    /// Changes the viewer's password after checking the current one, then ends their other
    /// browser sessions and revokes their API tokens: log-in tokens always, personal ones
    /// too unless they asked to keep them. Whoever knew the old password keeps nothing.
    pub async fn change_password(
        &self,
        viewer: &Viewer,
        input: &PasswordChange,
        current_session: Option<&str>,
    ) -> Result<(), AppError> {
        let account = persons::find_by_id(&self.db, viewer.id)
            .await?
            .ok_or(AppError::Unauthenticated("sign in again"))?;
        let mut errors = FieldErrors::new();
        // An account made by signing in through the organisation's provider has no password
        // until its person sets one, which they may only in a browser they signed in on
        // lately: the sign-in stands for the current password.
        let first = account.password_hash.is_empty();
        if first {
            if !self.signed_in_lately(viewer, current_session).await? {
                return Err(AppError::Conflict {
                    code: "recent_sign_in_required",
                    field: None,
                    message: format!(
                        "to set your first password, sign in again and set it from your account page within {} minutes",
                        FIRST_PASSWORD_WINDOW_MS / 60_000
                    ),
                });
            }
        } else if !verify_password(
            input.current_password.clone(),
            account.password_hash.clone(),
        )
        .await?
        {
            errors.add("current_password", "is not your current password");
        }
        let new = errors.check(
            "new_password",
            Password::new_checked(&input.new_password, &account.name, &account.email),
        );
        if !first
            && errors.get("new_password").is_none()
            && input.new_password == input.current_password
        {
            errors.add("new_password", "must differ from your current password");
        }
        errors.into_result()?;
        let Some(new) = new else {
            return Err(AppError::Internal("validation lost a value".into()));
        };
        let hash = hash_password(new.expose().to_owned()).await?;
        persons::set_password_hash(&self.db, viewer.id, &hash).await?;
        self.end_sessions_and_tokens(viewer.id, current_session, input.keep_api_tokens)
            .await?;
        tracing::info!(person = %viewer.id, kept_tokens = input.keep_api_tokens, "password changed");
        Ok(())
    }

    /// Whether the viewer signed in on `session` within [`FIRST_PASSWORD_WINDOW_MS`].
    pub async fn signed_in_lately(
        &self,
        viewer: &Viewer,
        session: Option<&str>,
    ) -> Result<bool, AppError> {
        let Some(session) = session else {
            return Ok(false);
        };
        let at = lodestar_store::sessions::signed_in_at(&self.db, viewer.id, session).await?;
        Ok(at.is_some_and(|at| lodestar_store::now_ms() - at <= FIRST_PASSWORD_WINDOW_MS))
    }

    /// The viewer for a signed-in person id, if the account still exists and is not
    /// suspended (suspending ends the sessions too; this holds even for one read before).
    pub async fn viewer(&self, id: PersonId) -> Result<Option<Viewer>, AppError> {
        Ok(persons::find_by_id(&self.db, id)
            .await?
            .as_ref()
            .filter(|a| a.suspended_at.is_none())
            .map(viewer_of))
    }

    pub async fn account(&self, viewer: &Viewer) -> Result<AccountView, AppError> {
        persons::find_by_id(&self.db, viewer.id)
            .await?
            .as_ref()
            .map(AccountView::from)
            .ok_or(AppError::NotFound("account"))
    }

    /// Makes an existing account an admin (or not), by email. Command line only.
    pub async fn set_admin_by_email(&self, email: &str, admin: bool) -> Result<Account, AppError> {
        let email = Email::parse(email).map_err(|e| AppError::invalid("email", e.to_string()))?;
        let account = persons::find_by_email(&self.db, &email)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let (action, summary) = if admin {
            (
                AuditAction::AdminGrant,
                format!("Made {} an admin", account.name),
            )
        } else {
            (
                AuditAction::AdminRevoke,
                format!("Took admin rights away from {}", account.name),
            )
        };
        let mut tx = self.db.begin().await?;
        persons::set_admin(&mut tx, account.id, admin).await?;
        audit::record_command_line(
            &mut tx,
            Audit::new(action, "person", account.id, summary)
                .detail(serde_json::json!({ "email": account.email, "admin": admin })),
        )
        .await?;
        lodestar_store::commit(tx).await?;
        Ok(Account {
            is_admin: admin,
            ..account
        })
    }
}

pub(crate) fn viewer_from(account: &Account) -> Viewer {
    viewer_of(account)
}

/// `POST /api/v1/auth/invitation`: takes up the invitation an import e-mailed.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationAcceptance {
    /// The secret at the end of the invitation link.
    pub token: String,
    /// 10–256 characters, not a common password, not your name or email.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
}

impl App {
    /// Whose account an invitation link opens, while it works; `NotFound` otherwise.
    pub async fn invitation(&self, token: &str) -> Result<LiveInvitation, AppError> {
        invitations::live(&self.db, &token_hash(token))
            .await?
            .ok_or(AppError::NotFound("invitation"))
    }

    /// Sets the first password of an account an import made, burning its invitation. A
    /// used, expired or unknown link is "not found"; a bad password is named and burns
    /// nothing.
    pub async fn accept_invitation(
        &self,
        input: &InvitationAcceptance,
    ) -> Result<Account, AppError> {
        let invitation = self.invitation(&input.token).await?;
        let password = Password::new_checked(&input.password, &invitation.name, &invitation.email)
            .map_err(|e| AppError::invalid("password", e.to_string()))?;
        let hash = hash_password(password.expose().to_owned()).await?;
        let account = invitations::accept(&self.db, &token_hash(&input.token), &hash)
            .await
            .map_err(|e| match e {
                lodestar_store::StoreError::NotFound => AppError::NotFound("invitation"),
                other => other.into(),
            })?;
        tracing::info!(person = %account.id, "invitation taken up");
        Ok(account)
    }
}
