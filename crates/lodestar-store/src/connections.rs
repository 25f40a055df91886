//! Connections: a row per pair of people (`low_id` < `high_id`, see
//! [`lodestar_domain::network::Pair`]), pending while a request waits for its answer and
//! accepted once it is a connection. Removing a connection, or declining or withdrawing a
//! request, deletes the row. Every write moves the network generation (migration 18).

use lodestar_domain::network::{ConnectionSource, ConnectionState, Pair};
use lodestar_domain::{ConnectionId, PersonId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::persons::parse_id;
use crate::{Conn, Db};

/// A connection or a request for one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    pub id: ConnectionId,
    pub pair: Pair,
    /// Who asked (none when a mentorship or an introduction made it).
    pub requested_by: Option<PersonId>,
    pub state: ConnectionState,
    pub source: ConnectionSource,
    pub created_at: i64,
    pub accepted_at: Option<i64>,
}

/// One of a person's connections or requests, with the other person's name and headline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub connection: Connection,
    pub other: PersonId,
    pub name: String,
    pub headline: String,
}

/// Someone two people are both connected with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    pub person: PersonId,
    pub name: String,
    pub headline: String,
}

const COLUMNS: &str = "c.id, c.low_id, c.high_id, c.requested_by, c.state, c.source, \
                       c.created_at, c.accepted_at";

fn from_row(row: &AnyRow) -> Result<Connection> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("connection {what}"));
    let pair = Pair::of(
        parse_id(&row.try_get::<String, _>("low_id")?)?,
        parse_id(&row.try_get::<String, _>("high_id")?)?,
    )
    .ok_or_else(|| corrupt("with one person"))?;
    Ok(Connection {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        pair,
        requested_by: row
            .try_get::<Option<String>, _>("requested_by")?
            .as_deref()
            .map(parse_id)
            .transpose()?,
        state: row
            .try_get::<String, _>("state")?
            .parse()
            .map_err(|_| corrupt("state"))?,
        source: row
            .try_get::<String, _>("source")?
            .parse()
            .map_err(|_| corrupt("source"))?,
        created_at: row.try_get("created_at")?,
        accepted_at: row.try_get("accepted_at")?,
    })
}

/// `from` asks `to` to connect: a pending row, unless the pair has one already (then
/// nothing is written and `false` comes back).
pub async fn request(
    conn: &mut Conn,
    id: ConnectionId,
    from: PersonId,
    to: PersonId,
    now: i64,
) -> Result<bool> {
    let pair = Pair::of(from, to).ok_or(StoreError::NotFound)?;
    let done = sqlx::query(
        "INSERT INTO connections (id, low_id, high_id, requested_by, state, source, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 'request', $5) ON CONFLICT (low_id, high_id) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(pair.low.to_string())
    .bind(pair.high.to_string())
    .bind(from.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Connects a pair at once, in the caller's transaction (a mentorship or an introduction
/// made it): a pending request between them becomes the connection, and an existing
/// connection stays as it is, except that a mentorship makes it a mentorship connection (the
/// strongest kind of link on a path).
pub async fn connect(
    conn: &mut Conn,
    pair: Pair,
    source: ConnectionSource,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO connections (id, low_id, high_id, requested_by, state, source, created_at, accepted_at) \
         VALUES ($1, $2, $3, NULL, 'accepted', $4, $5, $5) ON CONFLICT (low_id, high_id) \
         DO UPDATE SET state = 'accepted', source = excluded.source, \
         accepted_at = CASE WHEN connections.state = 'pending' THEN excluded.accepted_at ELSE connections.accepted_at END \
         WHERE connections.state = 'pending' \
         OR (excluded.source = 'mentorship' AND connections.source <> 'mentorship')",
    )
    .bind(ConnectionId::new().to_string())
    .bind(pair.low.to_string())
    .bind(pair.high.to_string())
    .bind(source.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A connection or request by id.
pub async fn get(db: &Db, id: ConnectionId) -> Result<Option<Connection>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM connections c WHERE c.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// The pair's connection or request, if any.
pub async fn between(db: &Db, pair: Pair) -> Result<Option<Connection>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM connections c WHERE c.low_id = $1 AND c.high_id = $2"
    )))
    .bind(pair.low.to_string())
    .bind(pair.high.to_string())
    .fetch_optional(db.reader())
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// `by` accepts a request made to them: only a pending one that the other side made, by
/// one conditional update, so an accept happens once. `false` if nothing changed.
pub async fn accept(conn: &mut Conn, id: ConnectionId, by: PersonId, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE connections SET state = 'accepted', accepted_at = $1 \
         WHERE id = $2 AND state = 'pending' AND requested_by <> $3 \
         AND (low_id = $3 OR high_id = $3)",
    )
    .bind(now)
    .bind(id.to_string())
    .bind(by.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `by` removes a connection of theirs, or declines or withdraws a request: the row goes.
/// `false` if there was none of theirs.
pub async fn remove(db: &Db, id: ConnectionId, by: PersonId) -> Result<bool> {
    let done =
        sqlx::query("DELETE FROM connections WHERE id = $1 AND (low_id = $2 OR high_id = $2)")
            .bind(id.to_string())
            .bind(by.to_string())
            .execute(db.writer())
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Every connection and request of `person`'s with the other side, suspended people left
/// out: accepted ones by name, then requests newest first.
pub async fn list_for(db: &Db, person: PersonId) -> Result<Vec<Listed>> {
    listed(db, person, None).await
}

/// One connection or request of `person`'s with the other side (none if it is not theirs,
/// or the other side is suspended).
pub async fn one_of(db: &Db, person: PersonId, id: ConnectionId) -> Result<Option<Listed>> {
    Ok(listed(db, person, Some(id)).await?.pop())
}

async fn listed(db: &Db, person: PersonId, only: Option<ConnectionId>) -> Result<Vec<Listed>> {
    let one = if only.is_some() { " AND c.id = $2" } else { "" };
    let query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, p.id AS other_id, p.name AS other_name, p.headline AS other_headline \
         FROM connections c JOIN persons p ON p.id = CASE WHEN c.low_id = $1 THEN c.high_id ELSE c.low_id END \
         WHERE (c.low_id = $1 OR c.high_id = $1) AND p.suspended_at IS NULL{one} \
         ORDER BY CASE c.state WHEN 'accepted' THEN 0 ELSE 1 END, \
         CASE c.state WHEN 'accepted' THEN p.name_key ELSE '' END, c.created_at DESC, c.id"
    )))
    .bind(person.to_string());
    let query = match only {
        Some(id) => query.bind(id.to_string()),
        None => query,
    };
    query
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok(Listed {
                connection: from_row(row)?,
                other: parse_id(&row.try_get::<String, _>("other_id")?)?,
                name: row.try_get("other_name")?,
                headline: row.try_get("other_headline")?,
            })
        })
        .collect()
}

/// The people both `a` and `b` are connected with (accepted connections), by name,
/// suspended people left out.
pub async fn shared(db: &Db, a: PersonId, b: PersonId) -> Result<Vec<Shared>> {
    sqlx::query(
        "SELECT p.id, p.name, p.headline FROM persons p \
         WHERE p.suspended_at IS NULL \
         AND p.id IN (SELECT CASE WHEN low_id = $1 THEN high_id ELSE low_id END FROM connections \
                      WHERE (low_id = $1 OR high_id = $1) AND state = 'accepted') \
         AND p.id IN (SELECT CASE WHEN low_id = $2 THEN high_id ELSE low_id END FROM connections \
                      WHERE (low_id = $2 OR high_id = $2) AND state = 'accepted') \
         ORDER BY p.name_key, p.id",
    )
    .bind(a.to_string())
    .bind(b.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(Shared {
            person: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            headline: row.try_get("headline")?,
        })
    })
    .collect()
}

/// Whether `person` hides their connections.
pub async fn hides(db: &Db, person: PersonId) -> Result<bool> {
    let row = sqlx::query("SELECT hide_connections FROM persons WHERE id = $1")
        .bind(person.to_string())
        .fetch_optional(db.reader())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.try_get::<i64, _>("hide_connections")? != 0)
}

/// `person` hides their connections, or shows them again.
pub async fn set_hides(db: &Db, person: PersonId, hide: bool) -> Result<()> {
    sqlx::query("UPDATE persons SET hide_connections = $1 WHERE id = $2")
        .bind(i64::from(hide))
        .bind(person.to_string())
        .execute(db.writer())
        .await?;
    Ok(())
}

/// One person as the network's path search sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkPerson {
    pub id: PersonId,
    /// Listed in the directory and not suspended: may be shown on a path to others.
    pub shown: bool,
    /// Hides their connections: no path to someone else goes through them.
    pub hides: bool,
}

/// Everyone, for the network's path search, in no particular order.
pub async fn network_people(db: &Db) -> Result<Vec<NetworkPerson>> {
    sqlx::query(
        "SELECT id, hide_connections, \
         CASE WHEN listed = 1 AND suspended_at IS NULL THEN 1 ELSE 0 END AS shown FROM persons",
    )
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| {
        Ok(NetworkPerson {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            shown: row.try_get::<i64, _>("shown")? != 0,
            hides: row.try_get::<i64, _>("hide_connections")? != 0,
        })
    })
    .collect()
}

/// Calls `link` with every accepted connection (its pair and source), streamed: a million
/// connections are never all in memory as rows.
pub async fn for_each_link(
    db: &Db,
    mut link: impl FnMut(PersonId, PersonId, ConnectionSource),
) -> Result<()> {
    use futures_util::TryStreamExt;
    let mut rows =
        sqlx::query("SELECT low_id, high_id, source FROM connections WHERE state = 'accepted'")
            .fetch(db.reader());
    while let Some(row) = rows.try_next().await? {
        let source = row
            .try_get::<String, _>("source")?
            .parse()
            .map_err(|_| StoreError::Corrupt("connection source".into()))?;
        link(
            parse_id(&row.try_get::<String, _>("low_id")?)?,
            parse_id(&row.try_get::<String, _>("high_id")?)?,
            source,
        );
    }
    Ok(())
}

/// The people `person` is connected with (accepted connections).
pub async fn connected_with(db: &Db, person: PersonId) -> Result<Vec<PersonId>> {
    sqlx::query(
        "SELECT CASE WHEN low_id = $1 THEN high_id ELSE low_id END AS other FROM connections \
         WHERE (low_id = $1 OR high_id = $1) AND state = 'accepted'",
    )
    .bind(person.to_string())
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| parse_id(&row.try_get::<String, _>("other")?))
    .collect()
}
