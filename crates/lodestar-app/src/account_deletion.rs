//! Deleting one's own account. What the person owns goes with them; a mentorship the other
//! party shares keeps that party's side: the mentorship, its sessions, their goals, notes
//! and check-ins stay, with the deleted side shown as "Deleted account". A mentorship left
//! without anyone in the deleted person's role ends (cancelled, the reason on its
//! timeline, its upcoming sessions cancelled and the others told), so nobody waits for
//! someone who is gone.

use lodestar_domain::FieldErrors;
use lodestar_domain::mentoring::NotificationKind;
use lodestar_store::mentorships::{self, Move};
use lodestar_store::notifications::Notice;
use lodestar_store::{erasure, now_ms, persons};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::secrets::verify_password;
use crate::{App, AppError, Viewer};

/// What a member whose account was deleted is called wherever their side of a mentorship,
/// a session or a conversation is shown.
pub const DELETED_ACCOUNT: &str = "Deleted account";

/// `DELETE /api/v1/me`: the password, to show it is really you.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct AccountDeletion {
    #[serde(default)]
    #[schema(min_length = 1)]
    pub password: String,
}

impl App {
    /// Deletes the viewer's account after checking their password (a wrong or missing one
    /// is the field error a password change gives, and nothing is deleted). The last
    /// instance admin cannot leave (`last_admin`): the installation would have nobody to
    /// run it. Every session and token of theirs ends in the same transaction.
    pub async fn delete_account(
        &self,
        viewer: &Viewer,
        input: &AccountDeletion,
    ) -> Result<(), AppError> {
        let account = persons::find_by_id(&self.db, viewer.id)
            .await?
            .ok_or(AppError::Unauthenticated("sign in again"))?;
        if !verify_password(input.password.clone(), account.password_hash.clone()).await? {
            let mut errors = FieldErrors::new();
            errors.add("password", "is not your current password");
            return Err(AppError::Invalid(errors));
        }
        let mut tx = self.db.begin().await?;
        if account.is_admin && erasure::count_admins_locked(&mut tx, self.db.backend()).await? <= 1
        {
            return Err(AppError::Conflict {
                code: "last_admin",
                field: None,
                message: "you are the only admin of this installation: make someone else an \
                          admin before you delete your account"
                    .into(),
            });
        }
        let leaving = Viewer {
            name: account.name.clone(),
            ..viewer.clone()
        };
        for id in erasure::open_mentorships_left_without_a_side(&mut tx, viewer.id).await? {
            self.end_for_deleted_member(&mut tx, &leaving, id).await?;
        }
        if !erasure::delete_account(&mut tx, viewer.id).await? {
            return Err(AppError::NotFound("account"));
        }
        lodestar_store::commit(tx).await?;
        tracing::info!(person = %viewer.id, "account deleted");
        Ok(())
    }

    /// Cancels an open mentorship its deleted member leaves without a side, with the reason
    /// on its timeline; its upcoming sessions are cancelled and the others told.
    async fn end_for_deleted_member(
        &self,
        tx: &mut lodestar_store::Tx,
        leaving: &Viewer,
        id: lodestar_domain::MentorshipId,
    ) -> Result<(), AppError> {
        let role = mentorships::members(&self.db, id)
            .await?
            .into_iter()
            .find(|(p, _)| *p == leaving.id)
            .map_or("member", |(_, role)| role.as_str());
        if !mentorships::make_move(tx, id, Move::Cancel, None, now_ms()).await? {
            return Ok(());
        }
        let reason = format!("The {role}'s account was deleted.");
        mentorships::record_event(tx, id, None, "cancelled", &reason).await?;
        self.cancel_upcoming_meetings(tx, leaving, id, &format!("The mentorship ended: {reason}"))
            .await?;
        let others = mentorships::named_members(&self.db, id).await?;
        for other in others.iter().filter(|m| m.person != leaving.id) {
            let notice = Notice {
                person: other.person,
                kind: NotificationKind::MentorshipCancelled,
                title: format!("Your {role} deleted their account"),
                body: "Your mentorship has ended. It stays in your list with its sessions, \
                       and your goals, notes and check-ins stay yours."
                    .to_owned(),
                link: format!("/mentorships/{id}"),
                calendar: None,
            };
            self.notify(tx, &notice).await?;
        }
        Ok(())
    }
}
