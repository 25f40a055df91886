//! The weekly digest: an e-mail, through the outbox, of the opportunities that fit a person
//! and were posted since the last one, ranked and with reasons as in "For you" (so every
//! visibility rule holds in it too). Off unless the person turns it on. The periodic
//! housekeeping sends the due ones; a claim on the person's row makes sure that several
//! server processes never send one twice.

use lodestar_domain::PersonId;
use lodestar_store::opportunities as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Viewer};

/// A week, in milliseconds.
pub const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// The most opportunities one digest lists.
pub const DIGEST_ITEMS: usize = 10;
/// Digests sent per housekeeping round, at most.
const BATCH: i64 = 200;

/// `GET`/`PUT /api/v1/me/opportunities/digest`.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DigestSettings {
    /// Send me a weekly e-mail of new opportunities that fit me (off by default).
    pub weekly: bool,
}

impl App {
    pub async fn digest_settings(&self, viewer: &Viewer) -> Result<DigestSettings, AppError> {
        let (weekly, _) = store::digest_of(&self.db, viewer.id).await?;
        Ok(DigestSettings { weekly })
    }

    pub async fn set_digest_settings(
        &self,
        viewer: &Viewer,
        settings: &DigestSettings,
    ) -> Result<DigestSettings, AppError> {
        store::set_digest(&self.db, viewer.id, settings.weekly).await?;
        self.digest_settings(viewer).await
    }

    /// Sends every digest due at `now` (up to a batch); returns how many e-mails were
    /// queued. A person with nothing new gets none, and waits another week.
    pub async fn send_digests(&self, now: i64) -> Result<usize, AppError> {
        let before = now - WEEK_MS;
        let mut queued = 0;
        for (person, name, last) in store::due_digests(&self.db, before, BATCH).await? {
            let since = last.unwrap_or(before);
            if self.send_digest(person, name, since, before, now).await? {
                queued += 1;
            }
        }
        Ok(queued)
    }

    async fn send_digest(
        &self,
        person: PersonId,
        name: String,
        since: i64,
        before: i64,
        now: i64,
    ) -> Result<bool, AppError> {
        let viewer = Viewer {
            id: person,
            name,
            is_admin: false,
        };
        let fresh: Vec<_> = self
            .for_you(&viewer)
            .await?
            .opportunities
            .into_iter()
            .filter(|o| o.created_at > since && o.your_status.is_none())
            .take(DIGEST_ITEMS)
            .collect();
        let mut tx = self.db.begin().await?;
        if !store::claim_digest(&mut tx, person, before, now).await? {
            return Ok(false);
        }
        if fresh.is_empty() {
            lodestar_store::commit(tx).await?;
            return Ok(false);
        }
        let url = self.policy.public_url.trim_end_matches('/');
        let mut body = format!(
            "Hello {},\n\nNew this week, and why they fit you:\n\n",
            viewer.name
        );
        for o in &fresh {
            body.push_str(&format!(
                "* {} ({})\n  {}\n  {url}/opportunities/{}\n\n",
                o.title,
                o.kind.label(),
                o.reasons.join("; "),
                o.id
            ));
        }
        body.push_str(&format!(
            "All of them: {url}/opportunities\nTo stop this e-mail, untick the weekly digest there.\n"
        ));
        let subject = if fresh.len() == 1 {
            "1 new opportunity for you".to_owned()
        } else {
            format!("{} new opportunities for you", fresh.len())
        };
        store::queue_digest(&mut tx, person, &subject, &body, now).await?;
        lodestar_store::commit(tx).await?;
        Ok(true)
    }
}
