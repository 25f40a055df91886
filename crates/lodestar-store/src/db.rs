//! Connecting, configuring and migrating the database.

use std::borrow::Cow;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::pool::PoolConnectionMetadata;
use sqlx::{AnyConnection, AnyPool, Connection, Executor, SqlSafeStr};

use crate::error::Result;
use crate::signals::{Listener, Signals};

/// A write transaction on either backend, carrying the signals its changes raise (see
/// [`crate::signals`]). Store functions that take `&mut Conn` run inside one (`&mut tx`
/// derefs to the connection). Dropped without [`Tx::commit`], it rolls back and its signals
/// are never heard.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    signals: Signals,
    /// SQLite: signals to publish once the commit has succeeded.
    pending: Vec<String>,
}

/// A connection inside a transaction.
pub type Conn = sqlx::AnyConnection;

impl Tx {
    /// Raises `signal` with this transaction: every process's listener hears it after the
    /// commit, and nobody if it rolls back. On PostgreSQL this is `pg_notify` inside the
    /// transaction; on SQLite the text waits here until [`Tx::commit`].
    pub async fn signal(&mut self, signal: &str) -> Result<()> {
        match self.signals.backend() {
            Backend::Postgres => {
                crate::signals::notify(&mut *self.inner, self.signals.channel(), signal).await
            }
            Backend::Sqlite => {
                self.pending.push(signal.to_owned());
                Ok(())
            }
        }
    }

    /// Commits: the event and everything written with it (its notices, its queued e-mail,
    /// its signals) land together.
    pub async fn commit(self) -> Result<()> {
        let Self {
            inner,
            signals,
            pending,
        } = self;
        inner.commit().await?;
        signals.publish_local(pending);
        Ok(())
    }

    /// Rolls back: nothing written, no signal heard.
    pub async fn rollback(self) -> Result<()> {
        self.inner.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.inner
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("pending_signals", &self.pending.len())
            .finish_non_exhaustive()
    }
}

/// Commits a transaction begun with [`Db::begin`] (see [`Tx::commit`]).
pub async fn commit(tx: Tx) -> Result<()> {
    tx.commit().await
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// How to reach the database.
#[derive(Clone, Debug)]
pub struct DbConfig {
    pub url: String,
    /// Connections for readers (and, on PostgreSQL, writers too).
    pub max_connections: u32,
}

impl DbConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
        }
    }
}

/// The connection pools. On SQLite, writes go through a pool of one connection (SQLite
/// allows one writer at a time; queuing in the pool beats failing with SQLITE_BUSY), and
/// reads use the other pool concurrently thanks to WAL.
#[derive(Clone, Debug)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
    signals: Signals,
}

/// The current time as epoch milliseconds, the store's one time representation.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// How long a PostgreSQL connection may sit idle in the pool before it is checked for life
/// before its next use.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

impl Db {
    /// Connects to `config.url` (`sqlite://path`, `postgres://…`), creating a SQLite file
    /// and its folder when missing. Does not migrate; call [`Db::migrate`].
    pub async fn connect(config: &DbConfig) -> Result<Self> {
        install_default_drivers();
        let url = config.url.as_str();
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url, config.max_connections).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // A connection idle for a moment is checked before use (a PostgreSQL connection
            // can die with the server or the network), one in steady use is not: the check
            // is a round trip to the server, and a page's dozen reads would cost two dozen
            // under load, when the connections are idle for microseconds between uses.
            let pool = AnyPoolOptions::new()
                .max_connections(config.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for >= PING_AFTER_IDLE {
                            conn.ping().await?;
                        }
                        Ok(true)
                    })
                })
                .connect(url)
                .await?;
            let signals = Signals::postgres(&pool, url).await?;
            Ok(Self {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
                signals,
            })
        } else {
            Err(sqlx::Error::Configuration(
                format!("unsupported database URL {url:?}: use sqlite://… or postgres://…").into(),
            )
            .into())
        }
    }

    async fn connect_sqlite(url: &str, max_connections: u32) -> Result<Self> {
        let path_part = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:")
            .split('?')
            .next()
            .unwrap_or_default();
        let in_memory = path_part.is_empty() || path_part.contains(":memory:");
        if !in_memory
            && let Some(parent) = Path::new(path_part).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                sqlx::Error::Configuration(
                    format!("cannot create {}: {e}", parent.display()).into(),
                )
            })?;
        }
        let url = if url.contains('?') {
            url.to_owned()
        } else {
            format!("{url}?mode=rwc")
        };
        let options = AnyConnectOptions::from_str(&url)?;
        // No ping before each acquire (sqlx's default): a SQLite connection is a handle on a
        // file owned by a thread of this process, so there is no peer to have gone away, and
        // the ping is one more hand-off to that thread and back for every query (a page's
        // seven reads cost fourteen). PostgreSQL keeps the check for connections that have
        // been idle (see `PING_AFTER_IDLE`): its connections can die with the server or the
        // network.
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            .after_connect(sqlite_pragmas)
            .connect_with(options.clone())
            .await?;
        let read = if in_memory {
            // A private in-memory database exists once per connection: share the writer.
            write.clone()
        } else {
            AnyPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false)
                .after_connect(sqlite_pragmas)
                .connect_with(options)
                .await?
        };
        Ok(Self {
            read,
            write,
            backend: Backend::Sqlite,
            signals: Signals::sqlite(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for queries that only read.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// The pool for transactions that write.
    pub fn writer(&self) -> &AnyPool {
        &self.write
    }

    /// Begins a write transaction, for a use case that writes several things at once (an
    /// event and the notices that tell of it). Dropped without `commit`, it rolls back.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(Tx {
            inner: self.write.begin().await?,
            signals: self.signals.clone(),
            pending: Vec::new(),
        })
    }

    /// A listener for the signals committed transactions raise, from every process on
    /// this database (see [`crate::signals`]).
    pub fn listen(&self) -> Listener {
        self.signals.listen(&self.write)
    }

    /// Applies the embedded migrations that have not run yet. Safe to call from several
    /// processes at once (PostgreSQL takes an advisory lock).
    pub async fn migrate(&self) -> Result<()> {
        migrator(self.backend).run(&self.write).await?;
        Ok(())
    }

    /// Applies the embedded migrations up to and including `version` only: a database as an
    /// older release left it, for tests of what a later migration does to existing data.
    #[cfg(feature = "testing")]
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        let all = migrator(self.backend);
        let older = all
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect();
        Migrator::with_migrations(older).run(&self.write).await?;
        Ok(())
    }

    /// Refreshes the query planner's statistics, so that it knows, say, that most people
    /// are listed and a time-zone range is selective. Run after bulk loads and at start.
    pub async fn analyze(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.write).await?;
        Ok(())
    }

    /// After a bulk load: the planner's statistics, and on PostgreSQL the visibility map
    /// too (`VACUUM`), without which a freshly loaded table is read row by row where an
    /// index alone would answer (an index-only scan must otherwise visit every row to
    /// learn whether it is visible). On SQLite a `VACUUM` would rewrite the whole file for
    /// nothing of the kind, so only `ANALYZE`.
    pub async fn settle_after_bulk_load(&self) -> Result<()> {
        let sql = match self.backend {
            Backend::Postgres => "VACUUM (ANALYZE)",
            Backend::Sqlite => "ANALYZE",
        };
        sqlx::query(sql).execute(&self.write).await?;
        Ok(())
    }

    /// Checks the database answers, for health checks.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Settings every SQLite connection gets: WAL so readers never block the writer, enforced
/// foreign keys, and a generous busy timeout instead of immediate SQLITE_BUSY failures.
///
/// Reads go through memory-mapped I/O (up to 256 MiB of the file per connection). The
/// bundled SQLite is built with SQLITE_ENABLE_MEMORY_MANAGEMENT, so every connection's page
/// cache shares one process-wide mutex; pages read through the map bypass that cache, and
/// with it the contention between pooled readers (see docs/benchmarks.md: about 1.6x the
/// directory searches per second on two cores).
fn sqlite_pragmas(
    conn: &mut AnyConnection,
    _meta: PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 10000",
            "PRAGMA cache_size = -32000",
            "PRAGMA temp_store = MEMORY",
            "PRAGMA mmap_size = 268435456",
        ] {
            conn.execute(pragma).await?;
        }
        Ok(())
    })
}

/// The migrations compiled into the binary, in order. Most run on both backends; a few
/// (full-text search) have a version per backend under the same number. A shipped
/// migration is never edited: add a new one.
const MIGRATIONS: &[Step] = &[
    Step::Both(
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    Step::PerBackend(
        2,
        "search",
        include_str!("../migrations/sqlite/0002_search.sql"),
        include_str!("../migrations/postgres/0002_search.sql"),
    ),
    Step::PerBackend(
        3,
        "generations",
        include_str!("../migrations/sqlite/0003_generations.sql"),
        include_str!("../migrations/postgres/0003_generations.sql"),
    ),
    Step::PerBackend(
        4,
        "blocks",
        include_str!("../migrations/sqlite/0004_blocks.sql"),
        include_str!("../migrations/postgres/0004_blocks.sql"),
    ),
    Step::Both(
        5,
        "throttle",
        include_str!("../migrations/0005_throttle.sql"),
    ),
    Step::Both(
        6,
        "sessions",
        include_str!("../migrations/0006_sessions.sql"),
    ),
    Step::PerBackend(
        7,
        "blocks concern two people",
        include_str!("../migrations/sqlite/0007_blocks_private.sql"),
        include_str!("../migrations/postgres/0007_blocks_private.sql"),
    ),
    Step::Both(
        8,
        "mentoring",
        include_str!("../migrations/0008_mentoring.sql"),
    ),
    Step::Both(
        9,
        "conversations",
        include_str!("../migrations/0009_conversations.sql"),
    ),
    Step::Both(
        10,
        "booking",
        include_str!("../migrations/0010_booking.sql"),
    ),
    Step::Both(
        11,
        "busy calendars",
        include_str!("../migrations/0011_busy_calendars.sql"),
    ),
    Step::Both(
        12,
        "goals and check-ins",
        include_str!("../migrations/0012_goals_and_check_ins.sql"),
    ),
    Step::Both(13, "career", include_str!("../migrations/0013_career.sql")),
    Step::Both(
        14,
        "assessments and feedback",
        include_str!("../migrations/0014_assessments_and_feedback.sql"),
    ),
    Step::Both(
        15,
        "outcomes",
        include_str!("../migrations/0015_outcomes.sql"),
    ),
    Step::Both(
        16,
        "growth_indexes",
        include_str!("../migrations/0016_growth_indexes.sql"),
    ),
    Step::Both(
        17,
        "connections",
        include_str!("../migrations/0017_connections.sql"),
    ),
    Step::PerBackend(
        18,
        "network",
        include_str!("../migrations/sqlite/0018_network.sql"),
        include_str!("../migrations/postgres/0018_network.sql"),
    ),
    Step::PerBackend(
        19,
        "network_visibility",
        include_str!("../migrations/sqlite/0019_network_visibility.sql"),
        include_str!("../migrations/postgres/0019_network_visibility.sql"),
    ),
    Step::Both(
        20,
        "introductions",
        include_str!("../migrations/0020_introductions.sql"),
    ),
    Step::Both(
        21,
        "opportunities",
        include_str!("../migrations/0021_opportunities.sql"),
    ),
    Step::PerBackend(
        22,
        "opportunity_generation",
        include_str!("../migrations/sqlite/0022_opportunity_generation.sql"),
        include_str!("../migrations/postgres/0022_opportunity_generation.sql"),
    ),
    Step::Both(
        23,
        "programmes",
        include_str!("../migrations/0023_programmes.sql"),
    ),
    Step::Both(
        24,
        "programme_enrolments",
        include_str!("../migrations/0024_programme_enrolments.sql"),
    ),
    Step::Both(
        25,
        "match_runs",
        include_str!("../migrations/0025_match_runs.sql"),
    ),
    Step::PerBackend(
        26,
        "account_deletion",
        include_str!("../migrations/sqlite/0026_account_deletion.sql"),
        include_str!("../migrations/postgres/0026_account_deletion.sql"),
    ),
    Step::Both(
        27,
        "account_invitations",
        include_str!("../migrations/0027_account_invitations.sql"),
    ),
    Step::PerBackend(
        28,
        "audit_log",
        include_str!("../migrations/sqlite/0028_audit_log.sql"),
        include_str!("../migrations/postgres/0028_audit_log.sql"),
    ),
    Step::Both(
        29,
        "webhooks",
        include_str!("../migrations/0029_webhooks.sql"),
    ),
    Step::Both(
        30,
        "oidc_identities",
        include_str!("../migrations/0030_oidc_identities.sql"),
    ),
    Step::PerBackend(
        31,
        "report_generation",
        include_str!("../migrations/sqlite/0031_report_generation.sql"),
        include_str!("../migrations/postgres/0031_report_generation.sql"),
    ),
    Step::Both(
        32,
        "programme_requests",
        include_str!("../migrations/0032_programme_requests.sql"),
    ),
    Step::Both(
        33,
        "goal_boards",
        include_str!("../migrations/0033_goal_boards.sql"),
    ),
    Step::Both(
        34,
        "circle_mentors",
        include_str!("../migrations/0034_circle_mentors.sql"),
    ),
];

enum Step {
    Both(i64, &'static str, &'static str),
    /// Version, description, SQLite SQL, PostgreSQL SQL.
    PerBackend(i64, &'static str, &'static str, &'static str),
}

fn migrator(backend: Backend) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|step| {
            let (version, description, sql) = match (step, backend) {
                (Step::Both(v, d, sql), _) => (*v, *d, *sql),
                (Step::PerBackend(v, d, sql, _), Backend::Sqlite) => (*v, *d, *sql),
                (Step::PerBackend(v, d, _, sql), Backend::Postgres) => (*v, *d, *sql),
            };
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

#[cfg(test)]
mod tests {
    use super::{MIGRATIONS, Step};

    /// A migration file that is not listed in [`MIGRATIONS`] is never run, and nothing
    /// else would notice: its indexes or tables are simply missing.
    #[test]
    fn every_migration_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut on_disk: Vec<i64> = ["", "sqlite", "postgres"]
            .iter()
            .flat_map(|sub| std::fs::read_dir(dir.join(sub)).expect("the migrations folder"))
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                let version = name.strip_suffix(".sql")?.split('_').next()?.parse().ok()?;
                Some(version)
            })
            .collect();
        on_disk.sort_unstable();
        on_disk.dedup();
        let listed: Vec<i64> = MIGRATIONS
            .iter()
            .map(|step| match step {
                Step::Both(v, ..) | Step::PerBackend(v, ..) => *v,
            })
            .collect();
        assert_eq!(listed, on_disk);
    }
}
