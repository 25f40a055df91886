//! Mentors' own calendars (an `.ics` URL each) and the busy intervals read from them,
//! which block booking slots.
//!
//! A fetcher [`claim_due`]s calendars whose `next_fetch_at` has come: one conditional update
//! moves `next_fetch_at` a lease ahead, so a calendar is fetched by one process at a time,
//! and one whose fetcher died is due again when the lease runs out. The fetcher then
//! records the outcome — [`replace_busy`] (a new set of intervals, in one transaction),
//! [`record_not_modified`] or [`record_failure`] (the previous intervals stay) — each of
//! which sets the real `next_fetch_at`. Every outcome is written only while the calendar
//! still has the URL that was fetched, so a fetch that finishes after the mentor changed
//! or removed the URL changes nothing.

use lodestar_domain::PersonId;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Backend, Conn, Db};

/// Longest error text kept for the mentor to read.
pub const MAX_ERROR_CHARS: usize = 500;
/// Rows per INSERT when a new set of intervals is written.
const INSERT_CHUNK: usize = 400;

/// A person's calendar and how its last fetches went, for the person's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusyCalendar {
    pub person: PersonId,
    pub url: String,
    pub created_at: i64,
    /// When it is fetched next (or, while a fetch runs, when that fetch's lease ends).
    pub next_fetch_at: i64,
    /// The last attempt, successful or not.
    pub last_fetched_at: Option<i64>,
    /// The last attempt that read the calendar (or learnt it had not changed).
    pub last_success_at: Option<i64>,
    pub last_status: FetchStatus,
    /// The last failure in words; empty after a success.
    pub last_error: String,
    /// Failed fetches in a row.
    pub failures: i64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Busy intervals stored from the last successful read.
    pub event_count: i64,
    /// The last read had more intervals than are kept, and the latest were left out.
    pub truncated: bool,
}

/// How the last fetch went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchStatus {
    /// Not fetched yet.
    Pending,
    Ok,
    /// The server said the calendar had not changed (304); the intervals stay.
    NotModified,
    /// The fetch or the parse failed; the previous intervals stay.
    Error,
}

impl FetchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Ok => "ok",
            Self::NotModified => "not_modified",
            Self::Error => "error",
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "ok" => Self::Ok,
            "not_modified" => Self::NotModified,
            "error" => Self::Error,
            _ => Self::Pending,
        }
    }
}

const CALENDAR_COLUMNS: &str = "person_id, url, created_at, next_fetch_at, last_fetched_at, \
     last_success_at, last_status, last_error, failures, etag, last_modified, event_count, truncated";

fn calendar(row: &AnyRow) -> Result<BusyCalendar> {
    Ok(BusyCalendar {
        person: parse_id(&row.try_get::<String, _>("person_id")?)?,
        url: row.try_get("url")?,
        created_at: row.try_get("created_at")?,
        next_fetch_at: row.try_get("next_fetch_at")?,
        last_fetched_at: row.try_get("last_fetched_at")?,
        last_success_at: row.try_get("last_success_at")?,
        last_status: FetchStatus::parse(&row.try_get::<String, _>("last_status")?),
        last_error: row.try_get("last_error")?,
        failures: row.try_get("failures")?,
        etag: row.try_get("etag")?,
        last_modified: row.try_get("last_modified")?,
        event_count: row.try_get("event_count")?,
        truncated: row.try_get::<i64, _>("truncated")? != 0,
    })
}

/// Sets the person's calendar URL (`None` removes the calendar and its busy times). Setting
/// it makes the calendar due at `now`, so it is fetched at once; a new URL also forgets the
/// old one's busy times, validators and errors.
pub async fn set_calendar(
    conn: &mut Conn,
    person: PersonId,
    url: Option<&str>,
    now: i64,
) -> Result<()> {
    let id = person.to_string();
    let Some(url) = url else {
        sqlx::query("DELETE FROM busy_times WHERE person_id = $1")
            .bind(id.clone())
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM busy_calendars WHERE person_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        return Ok(());
    };
    sqlx::query(
        "DELETE FROM busy_times WHERE person_id = $1 AND EXISTS \
         (SELECT 1 FROM busy_calendars WHERE person_id = $1 AND url <> $2)",
    )
    .bind(id.clone())
    .bind(url.to_owned())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO busy_calendars (person_id, url, created_at, next_fetch_at) \
         VALUES ($1, $2, $3, $3) \
         ON CONFLICT (person_id) DO UPDATE SET next_fetch_at = excluded.next_fetch_at, \
         url = excluded.url, \
         created_at = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.created_at ELSE excluded.created_at END, \
         last_fetched_at = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.last_fetched_at ELSE NULL END, \
         last_success_at = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.last_success_at ELSE NULL END, \
         read_at = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.read_at ELSE NULL END, \
         last_status = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.last_status ELSE 'pending' END, \
         last_error = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.last_error ELSE '' END, \
         failures = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.failures ELSE 0 END, \
         etag = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.etag ELSE NULL END, \
         last_modified = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.last_modified ELSE NULL END, \
         event_count = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.event_count ELSE 0 END, \
         truncated = CASE WHEN busy_calendars.url = excluded.url THEN busy_calendars.truncated ELSE 0 END",
    )
    .bind(id)
    .bind(url.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The person's calendar address, if they have one, in the caller's transaction.
pub async fn url_of(conn: &mut Conn, person: PersonId) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT url FROM busy_calendars WHERE person_id = $1")
            .bind(person.to_string())
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The person's calendar, if they set one.
pub async fn calendar_of(db: &Db, person: PersonId) -> Result<Option<BusyCalendar>> {
    let mut sql = Sql::new("SELECT ");
    sql.push(CALENDAR_COLUMNS)
        .push(" FROM busy_calendars WHERE person_id = ")
        .bind(person.to_string());
    sql.query()
        .fetch_optional(db.reader())
        .await?
        .as_ref()
        .map(calendar)
        .transpose()
}

/// The person's busy intervals `(starts_at, ends_at)` that overlap `[from_ms, to_ms)`,
/// earliest first. The stored intervals are merged (none overlap or touch), so the result
/// is too.
pub async fn between(
    db: &Db,
    person: PersonId,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(i64, i64)>> {
    let mut conn = db.reader().acquire().await?;
    between_in(&mut conn, person, from_ms, to_ms).await
}

/// [`between`] in the caller's transaction (a booking's, which holds its connection: a
/// second one from the pool could wait on the transactions holding them all).
pub async fn between_in(
    conn: &mut Conn,
    person: PersonId,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT starts_at, ends_at FROM busy_times \
         WHERE person_id = $1 AND starts_at < $2 AND ends_at > $3 ORDER BY starts_at",
    )
    .bind(person.to_string())
    .bind(to_ms)
    .bind(from_ms)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("starts_at")?, row.try_get("ends_at")?)))
        .collect()
}

/// A calendar a fetcher has claimed, with what the fetch needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub person: PersonId,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Failed fetches in a row before this one.
    pub failures: i64,
    /// When the whole file was last read (not a 304).
    pub read_at: Option<i64>,
    /// The person's time zone (IANA name), for floating times and all-day events.
    pub time_zone: String,
}

const DUE_COLUMNS: &str = "person_id, url, etag, last_modified, failures, read_at";

async fn with_zones(db: &Db, rows: &[AnyRow]) -> Result<Vec<Due>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows
        .iter()
        .map(|row| row.try_get("person_id"))
        .collect::<std::result::Result<_, _>>()?;
    let mut sql = Sql::new("SELECT id, time_zone FROM persons WHERE id IN (");
    sql.bind_list(ids.iter().map(String::as_str)).push(")");
    let zones: std::collections::HashMap<String, String> = sql
        .query()
        .fetch_all(db.writer())
        .await?
        .iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("time_zone")?)))
        .collect::<Result<_>>()?;
    let mut due: Vec<Due> = rows
        .iter()
        .map(|row| {
            let id: String = row.try_get("person_id")?;
            Ok(Due {
                person: parse_id(&id)?,
                url: row.try_get("url")?,
                etag: row.try_get("etag")?,
                last_modified: row.try_get("last_modified")?,
                failures: row.try_get("failures")?,
                read_at: row.try_get("read_at")?,
                time_zone: zones.get(&id).cloned().unwrap_or_else(|| "UTC".into()),
            })
        })
        .collect::<Result<_>>()?;
    due.sort_by_key(|d| d.person.to_string());
    Ok(due)
}

/// Claims up to `limit` calendars due at `now` for `lease_ms`: their `next_fetch_at` moves
/// to `now + lease_ms`, so no other fetcher takes them meanwhile, and they come due again
/// if this one never records an outcome.
pub async fn claim_due(db: &Db, now: i64, lease_ms: i64, limit: i64) -> Result<Vec<Due>> {
    // As in the outbox: on PostgreSQL, SKIP LOCKED lets fetchers in several processes each
    // take rows the others have not locked, and a row claimed meanwhile is re-checked
    // against the WHERE and drops out. SQLite has one writer, so the plain statement is
    // enough.
    let sql = match db.backend() {
        Backend::Postgres => {
            "UPDATE busy_calendars SET next_fetch_at = $1 WHERE person_id IN \
             (SELECT person_id FROM busy_calendars WHERE next_fetch_at <= $2 \
             ORDER BY next_fetch_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING person_id, url, etag, last_modified, failures, read_at"
        }
        Backend::Sqlite => {
            "UPDATE busy_calendars SET next_fetch_at = $1 WHERE person_id IN \
             (SELECT person_id FROM busy_calendars WHERE next_fetch_at <= $2 \
             ORDER BY next_fetch_at LIMIT $3) \
             RETURNING person_id, url, etag, last_modified, failures, read_at"
        }
    };
    let rows = sqlx::query(sql)
        .bind(now.saturating_add(lease_ms))
        .bind(now)
        .bind(limit)
        .fetch_all(db.writer())
        .await?;
    with_zones(db, &rows).await
}

/// What [`claim_now`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimNow {
    Claimed(Due),
    /// The calendar was fetched less than the minimum gap ago; it may be again at this time.
    TooSoon {
        retry_at: i64,
    },
    /// The person has no calendar.
    None,
}

/// Claims the person's calendar for an immediate fetch (the mentor asked for one), unless
/// it was fetched less than `min_gap_ms` ago.
pub async fn claim_now(
    db: &Db,
    person: PersonId,
    now: i64,
    lease_ms: i64,
    min_gap_ms: i64,
) -> Result<ClaimNow> {
    let mut sql = Sql::new("UPDATE busy_calendars SET next_fetch_at = ");
    sql.bind(now.saturating_add(lease_ms))
        .push(" WHERE person_id = ")
        .bind(person.to_string())
        .push(" AND (last_fetched_at IS NULL OR last_fetched_at <= ")
        .bind(now.saturating_sub(min_gap_ms))
        .push(") RETURNING ")
        .push(DUE_COLUMNS);
    let rows = sql.query().fetch_all(db.writer()).await?;
    if let Some(due) = with_zones(db, &rows).await?.into_iter().next() {
        return Ok(ClaimNow::Claimed(due));
    }
    Ok(match calendar_of(db, person).await? {
        Some(calendar) => ClaimNow::TooSoon {
            retry_at: calendar
                .last_fetched_at
                .unwrap_or(now)
                .saturating_add(min_gap_ms),
        },
        None => ClaimNow::None,
    })
}

/// A successful read of a calendar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fetched {
    pub fetched_at: i64,
    pub next_fetch_at: i64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// More intervals were read than are kept.
    pub truncated: bool,
}

/// Replaces the person's busy intervals with `intervals` (non-empty, merged, earliest
/// first) read from `url` and records the successful fetch, in the caller's transaction.
/// Returns false, writing nothing, when the calendar no longer has that URL.
pub async fn replace_busy(
    conn: &mut Conn,
    person: PersonId,
    url: &str,
    intervals: &[(i64, i64)],
    fetched: &Fetched,
) -> Result<bool> {
    let id = person.to_string();
    // The update first: on PostgreSQL it locks the calendar's row, so two fetches of one
    // calendar that finish together write their sets one after the other, never mixed.
    let updated = sqlx::query(
        "UPDATE busy_calendars SET last_fetched_at = $1, last_success_at = $1, read_at = $1, \
         next_fetch_at = $2, last_status = 'ok', last_error = '', failures = 0, etag = $3, last_modified = $4, \
         event_count = $5, truncated = $6 WHERE person_id = $7 AND url = $8",
    )
    .bind(fetched.fetched_at)
    .bind(fetched.next_fetch_at)
    .bind(fetched.etag.clone())
    .bind(fetched.last_modified.clone())
    .bind(i64::try_from(intervals.len()).unwrap_or(i64::MAX))
    .bind(i64::from(fetched.truncated))
    .bind(id.clone())
    .bind(url.to_owned())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM busy_times WHERE person_id = $1")
        .bind(id.clone())
        .execute(&mut *conn)
        .await?;
    for chunk in intervals.chunks(INSERT_CHUNK) {
        let mut sql = Sql::new("INSERT INTO busy_times (person_id, starts_at, ends_at) VALUES ");
        for (i, (starts, ends)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(id.as_str())
                .push(", ")
                .bind(*starts)
                .push(", ")
                .bind(*ends)
                .push(")");
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(true)
}

/// Records that `url` had not changed (HTTP 304): the intervals stay.
pub async fn record_not_modified(
    db: &Db,
    person: PersonId,
    url: &str,
    fetched_at: i64,
    next_fetch_at: i64,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE busy_calendars SET last_fetched_at = $1, last_success_at = $1, next_fetch_at = $2, \
         last_status = 'not_modified', last_error = '', failures = 0 \
         WHERE person_id = $3 AND url = $4",
    )
    .bind(fetched_at)
    .bind(next_fetch_at)
    .bind(person.to_string())
    .bind(url.to_owned())
    .execute(db.writer())
    .await?
    .rows_affected();
    Ok(updated > 0)
}

/// Records a failed fetch of `url` with `error` in words for the mentor: the previous
/// intervals stay, and the calendar is tried again at `next_fetch_at`.
pub async fn record_failure(
    db: &Db,
    person: PersonId,
    url: &str,
    fetched_at: i64,
    error: &str,
    next_fetch_at: i64,
) -> Result<bool> {
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let updated = sqlx::query(
        "UPDATE busy_calendars SET last_fetched_at = $1, next_fetch_at = $2, \
         last_status = 'error', last_error = $3, failures = failures + 1 \
         WHERE person_id = $4 AND url = $5",
    )
    .bind(fetched_at)
    .bind(next_fetch_at)
    .bind(error)
    .bind(person.to_string())
    .bind(url.to_owned())
    .execute(db.writer())
    .await?
    .rows_affected();
    Ok(updated > 0)
}

/// When the next calendar is due, if any: a fetcher sleeps until then (or less).
pub async fn next_due(db: &Db) -> Result<Option<i64>> {
    Ok(
        sqlx::query("SELECT MIN(next_fetch_at) AS due FROM busy_calendars")
            .fetch_one(db.reader())
            .await?
            .try_get("due")?,
    )
}
