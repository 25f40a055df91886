//! The audit log: an append-only record of admin actions. [`record`] writes in the caller's
//! transaction, so an action and its record commit together or not at all; the database's
//! triggers refuse every `UPDATE` and `DELETE` of a record.

use lodestar_domain::{AuditEntryId, PersonId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::persons::parse_id;
use crate::sql::Sql;
use crate::{Conn, Db, now_ms};

/// One admin action, as the service that performed it describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewEntry {
    /// Who acted; `None` for the command line, which has no account.
    pub actor: Option<PersonId>,
    /// The actor's name at the time.
    pub actor_name: String,
    /// A stable dotted name (`skill.merge`).
    pub action: String,
    /// What kind of record the action was on (`skill`, `programme`), and which.
    pub target_kind: String,
    pub target_id: String,
    /// A short sentence for people.
    pub summary: String,
    /// JSON of the fields the action changed.
    pub detail: String,
}

/// A stored record, with whether its actor's account still exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: AuditEntryId,
    pub at: i64,
    pub actor: Option<PersonId>,
    pub actor_name: String,
    pub actor_exists: bool,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub summary: String,
    pub detail: String,
}

/// Appends `entry` in the caller's transaction, stamped now.
pub async fn record(conn: &mut Conn, entry: &NewEntry) -> Result<AuditEntryId> {
    let id = AuditEntryId::new();
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_name, action, target_kind, target_id, summary, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(now_ms())
    .bind(entry.actor.map(|p| p.to_string()))
    .bind(entry.actor_name.clone())
    .bind(entry.action.clone())
    .bind(entry.target_kind.clone())
    .bind(entry.target_id.clone())
    .bind(entry.summary.clone())
    .bind(entry.detail.clone())
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Which records a page holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only records older than this one (the previous page's last).
    pub before: Option<AuditEntryId>,
    pub actor: Option<PersonId>,
    pub action: Option<String>,
    /// A target's kind and id, together.
    pub target: Option<(String, String)>,
}

const COLUMNS: &str = "a.id, a.at, a.actor_id, a.actor_name, a.action, a.target_kind, a.target_id, \
     a.summary, a.detail, CASE WHEN p.id IS NULL THEN 0 ELSE 1 END AS actor_exists";

fn entry(row: &AnyRow) -> Result<Entry> {
    let actor: Option<String> = row.try_get("actor_id")?;
    Ok(Entry {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        at: row.try_get("at")?,
        actor: actor.as_deref().map(parse_id).transpose()?,
        actor_name: row.try_get("actor_name")?,
        actor_exists: row.try_get::<i64, _>("actor_exists")? != 0,
        action: row.try_get("action")?,
        target_kind: row.try_get("target_kind")?,
        target_id: row.try_get("target_id")?,
        summary: row.try_get("summary")?,
        detail: row.try_get("detail")?,
    })
}

/// Up to `limit` records, newest first. Ids are UUIDv7 text, so the primary key (or the
/// actor's, action's or target's index, each ending in the id) gives the order and the
/// cursor without a sort.
pub async fn page(db: &Db, filter: &Filter, limit: i64) -> Result<Vec<Entry>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM audit_log a LEFT JOIN persons p ON p.id = a.actor_id WHERE 1 = 1"
    ));
    if let Some(before) = filter.before {
        sql.push(" AND a.id < ").bind(before.to_string());
    }
    if let Some(actor) = filter.actor {
        sql.push(" AND a.actor_id = ").bind(actor.to_string());
    }
    if let Some(action) = &filter.action {
        sql.push(" AND a.action = ").bind(action.clone());
    }
    if let Some((kind, id)) = &filter.target {
        sql.push(" AND a.target_kind = ").bind(kind.clone());
        sql.push(" AND a.target_id = ").bind(id.clone());
    }
    sql.push(" ORDER BY a.id DESC LIMIT ").bind(limit);
    sql.query()
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(entry)
        .collect()
}
