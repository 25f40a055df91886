//! Loading a generated network in bulk (the demo organisation and the benchmarks):
//! connections (by request, mentorship or introduction) and pending requests, many rows per
//! statement. A pair that has a row already (a mentorship's connection) keeps it, and the
//! writer says how many rows it really added.
//!
//! A million rows must take well under a minute on both backends. Rows come sorted by
//! pair, so the pair index is appended to. On PostgreSQL the row-by-row checks of the
//! three foreign keys cost more than everything else together (on two cores, 57 s of 65 s
//! for a million rows by `INSERT … SELECT`), so the load runs in one transaction that
//! drops them and adds them back as they were, which checks every row in one join, as
//! PostgreSQL's manual advises for populating a database. Nothing else sees the table
//! without them: the transaction holds its lock until it commits.

use lodestar_domain::PersonId;
use lodestar_domain::network::{ConnectionSource, ConnectionState, Pair};
use sqlx::Row;

use crate::error::Result;
use crate::profiles::insert_rows_then;
use crate::sql::Value;
use crate::{Backend, Db};

/// A connection or a request for one, as it stands. Times are epoch ms.
#[derive(Clone, Debug)]
pub struct BulkConnection {
    pub pair: Pair,
    /// Who asked; none for a connection a mentorship or an introduction made.
    pub requested_by: Option<PersonId>,
    pub state: ConnectionState,
    pub source: ConnectionSource,
    pub created_at: i64,
    pub accepted_at: Option<i64>,
}

/// What was added: connections made by a request (or a mentorship), connections made by
/// an introduction, and requests still pending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub accepted: u64,
    pub introduced: u64,
    pub pending: u64,
}

/// Rows per transaction on SQLite, and per round of statements on PostgreSQL.
const BATCH: usize = 50_000;

const CONNECTIONS: &str =
    "connections (id, low_id, high_id, requested_by, state, source, created_at, accepted_at)";

fn row(c: &BulkConnection) -> Vec<Value> {
    vec![
        // Ids in time order: the primary key's index is appended to as well.
        Value::from(uuid::Uuid::now_v7().to_string()),
        Value::from(c.pair.low.to_string()),
        Value::from(c.pair.high.to_string()),
        Value::from(c.requested_by.map(|p| p.to_string())),
        Value::from(c.state.as_str()),
        Value::from(c.source.as_str()),
        Value::from(c.created_at),
        Value::from(c.accepted_at),
    ]
}

/// Writes `connections` (fastest sorted by pair), leaving a pair that has a row already
/// as it is: in transactions of [`BATCH`] rows on SQLite, in one on PostgreSQL.
pub async fn insert(db: &Db, connections: &[BulkConnection]) -> Result<Written> {
    let mut written = Written::default();
    match db.backend() {
        Backend::Sqlite => {
            for batch in connections.chunks(BATCH) {
                let mut tx = db.writer().begin().await?;
                insert_batch(&mut tx, batch, &mut written).await?;
                tx.commit().await?;
            }
        }
        Backend::Postgres => {
            let mut tx = db.writer().begin().await?;
            let keys = sqlx::query(
                "SELECT format('ALTER TABLE connections DROP CONSTRAINT %I', conname) AS drop_key, \
                 format('ALTER TABLE connections ADD CONSTRAINT %I %s', conname, \
                        pg_get_constraintdef(oid)) AS add_key \
                 FROM pg_constraint WHERE conrelid = 'connections'::regclass AND contype = 'f' \
                 ORDER BY conname",
            )
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("drop_key")?, r.try_get("add_key")?)))
            .collect::<Result<Vec<(String, String)>>>()?;
            for (drop_key, _) in &keys {
                sqlx::query(sqlx::AssertSqlSafe(drop_key.as_str()))
                    .execute(&mut *tx)
                    .await?;
            }
            for batch in connections.chunks(BATCH) {
                insert_batch(&mut tx, batch, &mut written).await?;
            }
            for (_, add_key) in &keys {
                sqlx::query(sqlx::AssertSqlSafe(add_key.as_str()))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
    }
    Ok(written)
}

/// Which count of [`Written`] a row adds to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Accepted,
    Introduced,
    Pending,
}

impl Kind {
    fn of(c: &BulkConnection) -> Self {
        match (c.state, c.source) {
            (ConnectionState::Pending, _) => Self::Pending,
            (ConnectionState::Accepted, ConnectionSource::Introduction) => Self::Introduced,
            (ConnectionState::Accepted, _) => Self::Accepted,
        }
    }
}

/// Each kind of row in statements of its own, so that each count is exact.
async fn insert_batch(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    batch: &[BulkConnection],
    written: &mut Written,
) -> Result<()> {
    for kind in [Kind::Accepted, Kind::Introduced, Kind::Pending] {
        let rows = batch
            .iter()
            .filter(|c| Kind::of(c) == kind)
            .map(row)
            .collect();
        let added = insert_rows_then(
            tx,
            CONNECTIONS,
            rows,
            " ON CONFLICT (low_id, high_id) DO NOTHING",
        )
        .await?;
        match kind {
            Kind::Accepted => written.accepted += added,
            Kind::Introduced => written.introduced += added,
            Kind::Pending => written.pending += added,
        }
    }
    Ok(())
}
