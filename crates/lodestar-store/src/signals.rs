//! Signals between processes: a short text raised inside a write transaction and heard by
//! every process's [`Listener`] once, and only if, that transaction commits.
//!
//! On PostgreSQL a signal is `pg_notify` in the transaction (the server delivers it at
//! commit, never for a rollback) and every listener holds one `LISTEN` connection. On SQLite,
//! with one process, the transaction keeps its signals and publishes them in process after
//! its commit succeeded. What a signal's text means is up to the caller; the store only
//! carries it (keep it small: PostgreSQL refuses payloads of 8,000 bytes or more).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::Backend;
use crate::error::Result;

/// Signals a SQLite process may hold for its listeners before the slowest one misses some
/// (it then hears [`Heard::Gap`]).
const LOCAL_BACKLOG: usize = 4096;
/// How often an idle `LISTEN` connection is checked by notifying itself, and how long the
/// answer may take before the connection is taken for dead (a half-open TCP connection
/// reports no error, it just stays silent).
const PING_EVERY: Duration = Duration::from_secs(30);
const PING_TIMEOUT: Duration = Duration::from_secs(10);
/// Pings start with this; payloads of callers never do (theirs are their own texts).
const PING_PREFIX: &str = "~ping ";

/// Where a database's signals travel. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Signals {
    backend: Backend,
    /// The `NOTIFY` channel: one per schema, so installations (and tests) sharing one
    /// PostgreSQL database through separate schemas do not hear each other.
    channel: Arc<str>,
    /// SQLite: committed signals, for this process's listeners.
    local: broadcast::Sender<Arc<str>>,
    /// PostgreSQL: the URL a listener connects with (it holds a password: never printed).
    url: Option<Arc<str>>,
}

impl fmt::Debug for Signals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signals")
            .field("backend", &self.backend)
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl Signals {
    pub(crate) fn sqlite() -> Self {
        Self {
            backend: Backend::Sqlite,
            channel: Arc::from("lodestar_live"),
            local: broadcast::channel(LOCAL_BACKLOG).0,
            url: None,
        }
    }

    /// Signals on the channel of `pool`'s schema.
    pub(crate) async fn postgres(pool: &AnyPool, url: &str) -> Result<Self> {
        let schema: Option<String> = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(pool)
            .await?;
        Ok(Self {
            backend: Backend::Postgres,
            channel: Arc::from(channel_name(schema.as_deref().unwrap_or("public"))),
            local: broadcast::channel(1).0,
            url: Some(Arc::from(url)),
        })
    }

    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn channel(&self) -> &str {
        &self.channel
    }

    /// Hands committed SQLite signals to this process's listeners.
    pub(crate) fn publish_local(&self, signals: Vec<String>) {
        for signal in signals {
            // No listener yet: nobody to tell.
            let _ = self.local.send(Arc::from(signal));
        }
    }

    /// A listener; it connects (on PostgreSQL) on its first [`Listener::next`].
    pub(crate) fn listen(&self, pool: &AnyPool) -> Listener {
        Listener {
            kind: match (&self.backend, &self.url) {
                (Backend::Postgres, Some(url)) => Kind::Postgres(Box::new(PgListen {
                    url: url.clone(),
                    channel: self.channel.clone(),
                    pool: pool.clone(),
                    ping: format!("{PING_PREFIX}{}", uuid::Uuid::now_v7()),
                    connection: None,
                    failures: 0,
                })),
                _ => Kind::Local {
                    signals: self.local.subscribe(),
                    fresh: true,
                },
            },
        }
    }
}

/// `lodestar_live_<schema>`, in the characters and length PostgreSQL allows a name.
fn channel_name(schema: &str) -> String {
    let mut name = String::from("lodestar_live_");
    name.extend(
        schema
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    name.truncate(63);
    name
}

/// What a listener heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// A committed signal.
    Signal(String),
    /// Signals may have been missed: the listener has just (re)connected, or fell behind.
    /// Whoever relies on them should look at the database for what changed.
    Gap,
}

/// Hears every committed signal of a database, from any process.
pub struct Listener {
    kind: Kind,
}

enum Kind {
    Local {
        signals: broadcast::Receiver<Arc<str>>,
        fresh: bool,
    },
    Postgres(Box<PgListen>),
}

impl Listener {
    /// The next thing heard. On PostgreSQL, a lost or silent connection is replaced (with
    /// growing pauses while the server is unreachable) and [`Heard::Gap`] says so.
    pub async fn next(&mut self) -> Heard {
        match &mut self.kind {
            Kind::Local { signals, fresh } => {
                if std::mem::take(fresh) {
                    return Heard::Gap;
                }
                match signals.recv().await {
                    Ok(signal) => Heard::Signal(signal.to_string()),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "live signals fell behind");
                        Heard::Gap
                    }
                    // Every handle on the database is gone: nothing will ever come.
                    Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
                }
            }
            Kind::Postgres(listen) => listen.next().await,
        }
    }
}

/// One `LISTEN` connection, read by a task of its own so that waiting for a ping's answer
/// never cancels a read half-way through a message.
struct PgListen {
    url: Arc<str>,
    channel: Arc<str>,
    /// For sending pings (never through the listening connection itself).
    pool: AnyPool,
    ping: String,
    connection: Option<Connection>,
    failures: u32,
}

struct Connection {
    payloads: mpsc::Receiver<String>,
    reader: JoinHandle<()>,
    /// When to ping next, or, while a ping is unanswered, when to give up on it.
    deadline: Instant,
    awaiting_ping: bool,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl PgListen {
    async fn next(&mut self) -> Heard {
        loop {
            let Some(connection) = self.connection.as_mut() else {
                if self.failures > 0 {
                    let pause = Duration::from_millis(250 << self.failures.min(6));
                    tokio::time::sleep(pause).await;
                }
                match self.connect().await {
                    Ok(connection) => {
                        if self.failures > 0 {
                            tracing::info!("listening for live signals again");
                        }
                        self.failures = 0;
                        self.connection = Some(connection);
                        return Heard::Gap;
                    }
                    Err(e) => {
                        self.failures += 1;
                        tracing::warn!(error = %e, attempt = self.failures, "cannot listen for live signals");
                        continue;
                    }
                }
            };
            tokio::select! {
                payload = connection.payloads.recv() => match payload {
                    Some(payload) if payload == self.ping => {
                        connection.awaiting_ping = false;
                        connection.deadline = Instant::now() + PING_EVERY;
                    }
                    Some(payload) if payload.starts_with(PING_PREFIX) => {}
                    Some(payload) => {
                        // Anything heard proves the connection alive.
                        if !connection.awaiting_ping {
                            connection.deadline = Instant::now() + PING_EVERY;
                        }
                        return Heard::Signal(payload);
                    }
                    None => {
                        tracing::warn!("the live signal connection was lost; reconnecting");
                        self.connection = None;
                        self.failures = 1;
                    }
                },
                () = tokio::time::sleep_until(connection.deadline) => {
                    if connection.awaiting_ping {
                        tracing::warn!("the live signal connection went silent; reconnecting");
                        self.connection = None;
                        self.failures = 1;
                    } else {
                        connection.awaiting_ping = true;
                        connection.deadline = Instant::now() + PING_TIMEOUT;
                        // In a task of its own: a busy pool must not hold up delivery.
                        let (pool, channel, ping) =
                            (self.pool.clone(), self.channel.clone(), self.ping.clone());
                        tokio::spawn(async move {
                            if let Err(e) = notify(&pool, &channel, &ping).await {
                                tracing::debug!(error = %e, "could not ping the live signal connection");
                            }
                        });
                    }
                }
            }
        }
    }

    async fn connect(&self) -> Result<Connection> {
        let mut listener = PgListener::connect(&self.url).await?;
        listener.eager_reconnect(false);
        listener.listen(&self.channel).await?;
        let (sender, payloads) = mpsc::channel(1024);
        let reader = tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => {
                        if sender
                            .send(notification.payload().to_owned())
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                    // The connection is gone; the next one is a new listener.
                    Ok(None) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "the live signal connection failed");
                        return;
                    }
                }
            }
        });
        Ok(Connection {
            payloads,
            reader,
            deadline: Instant::now() + PING_EVERY,
            awaiting_ping: false,
        })
    }
}

/// `pg_notify` through `executor`. The function returns `void`, which `sqlx::Any` cannot
/// decode, so the statement returns a row count instead.
pub(crate) async fn notify<'e, E>(executor: E, channel: &str, payload: &str) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS sent")
        .bind(channel.to_owned())
        .bind(payload.to_owned())
        .execute(executor)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::channel_name;

    #[test]
    fn a_channel_is_named_after_its_schema_in_the_characters_postgres_allows() {
        assert_eq!(channel_name("public"), "lodestar_live_public");
        assert_eq!(channel_name("Some-Schema"), "lodestar_live_Some_Schema");
        assert_eq!(channel_name(&"x".repeat(80)).len(), 63);
    }
}
