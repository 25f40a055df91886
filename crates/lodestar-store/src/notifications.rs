//! Telling people what happened: the in-app inbox and, by the person's preference, an
//! e-mail queued in the outbox. [`push`] runs inside the transaction of the event it tells
//! of, so the event and its notice are written together or not at all.

use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::{NotificationId, PersonId};
use sqlx::AnyConnection;

use crate::error::Result;
use crate::now_ms;

/// One notice to one person.
#[derive(Clone, Debug)]
pub struct Notice {
    pub person: PersonId,
    pub kind: NotificationKind,
    /// One line, for the inbox and the e-mail's subject.
    pub title: String,
    /// A few sentences, for the inbox and the e-mail's text.
    pub body: String,
    /// The page it concerns, as a path (`/mentorships/…`).
    pub link: String,
    /// An invitation or cancellation to attach to the e-mail.
    pub calendar: Option<CalendarPart>,
}

/// An iCalendar object sent as the e-mail's `text/calendar` part.
#[derive(Clone, Debug)]
pub struct CalendarPart {
    /// `REQUEST` or `CANCEL`, as in the object's METHOD.
    pub method: &'static str,
    pub ics: String,
}

/// Records `notice` in the person's inbox and, unless they turned e-mail off for its kind,
/// queues an e-mail to their address, in the caller's transaction. `base_url` makes the
/// e-mail's link absolute.
pub async fn push(conn: &mut AnyConnection, notice: &Notice, base_url: &str) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO notifications (id, person_id, kind, title, body, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(NotificationId::new().to_string())
    .bind(notice.person.to_string())
    .bind(notice.kind.as_str())
    .bind(&notice.title)
    .bind(&notice.body)
    .bind(&notice.link)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let text = if notice.link.is_empty() {
        format!("{}\n", notice.body)
    } else {
        format!(
            "{}\n\n{}{}\n",
            notice.body,
            base_url.trim_end_matches('/'),
            notice.link
        )
    };
    // One statement: the address is read and the preference applied where the row is made.
    sqlx::query(
        "INSERT INTO outbox (id, person_id, recipient, recipient_name, subject, body, calendar, \
         calendar_method, created_at, next_attempt_at) \
         SELECT $1, p.id, p.email, p.name, $2, $3, $4, $5, $6, $6 FROM persons p \
         WHERE p.id = $7 AND NOT EXISTS (SELECT 1 FROM notification_preferences n \
         WHERE n.person_id = p.id AND n.kind = $8 AND n.email = 0)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&notice.title)
    .bind(text)
    .bind(notice.calendar.as_ref().map(|c| c.ics.clone()))
    .bind(notice.calendar.as_ref().map(|c| c.method))
    .bind(now)
    .bind(notice.person.to_string())
    .bind(notice.kind.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
