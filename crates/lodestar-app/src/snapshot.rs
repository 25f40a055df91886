//! Snapshots of what the database holds, kept in memory per generation (see
//! `lodestar_store::generations`) and rebuilt when the generation moves.
//!
//! While rebuilds are quick (under [`WAIT_FOR_REBUILD`]), a reader waits for the rebuild
//! and sees every write made before it. Once reading takes longer (a million rows), the
//! reader is answered from the previous snapshot while one rebuild runs in the background,
//! so a change is seen within one rebuild and no request waits seconds for it.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::AppError;

/// A snapshot whose last rebuild took longer than this is not waited for: readers are
/// answered from it while the next one is built in the background.
pub const WAIT_FOR_REBUILD: Duration = Duration::from_millis(250);

/// One snapshot, the generation it was read at, and how long reading it took; rebuilt one
/// at a time.
pub(crate) struct Held<T> {
    built: Arc<Mutex<Option<Built<T>>>>,
    building: Arc<tokio::sync::Mutex<()>>,
}

struct Built<T> {
    generation: i64,
    value: Arc<T>,
    took: Duration,
}

impl<T> Default for Held<T> {
    fn default() -> Self {
        Self {
            built: Arc::new(Mutex::new(None)),
            building: Arc::new(tokio::sync::Mutex::new(())),
        }
    }
}

impl<T> std::fmt::Debug for Held<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let generation = self
            .built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|b| b.generation);
        f.debug_struct("Held")
            .field("generation", &generation)
            .finish()
    }
}

impl<T: Send + Sync + 'static> Held<T> {
    fn current(&self) -> Option<(i64, Arc<T>, Duration)> {
        self.built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|b| (b.generation, Arc::clone(&b.value), b.took))
    }

    /// Keeps `value` unless a newer generation is held already.
    fn keep(built: &Mutex<Option<Built<T>>>, generation: i64, value: Arc<T>, took: Duration) {
        let mut held = built.lock().unwrap_or_else(PoisonError::into_inner);
        if held.as_ref().is_none_or(|b| b.generation <= generation) {
            *held = Some(Built {
                generation,
                value,
                took,
            });
        }
    }

    /// The snapshot of `generation` (read by the caller before `read` runs, so a snapshot
    /// is never kept under a generation newer than what it holds), building it with `read`
    /// if needed; see the module's notes on when a stale one is answered instead.
    pub(crate) async fn get<F>(
        &self,
        generation: i64,
        read: impl FnOnce() -> F,
    ) -> Result<Arc<T>, AppError>
    where
        F: Future<Output = Result<T, AppError>> + Send + 'static,
    {
        if let Some((at, value, took)) = self.current() {
            if at >= generation {
                return Ok(value);
            }
            if took > WAIT_FOR_REBUILD {
                if let Ok(guard) = Arc::clone(&self.building).try_lock_owned() {
                    let built = Arc::clone(&self.built);
                    let reading = read();
                    tokio::spawn(async move {
                        let _guard = guard;
                        let started = Instant::now();
                        match reading.await {
                            Ok(fresh) => {
                                Self::keep(&built, generation, Arc::new(fresh), started.elapsed())
                            }
                            Err(e) => tracing::warn!(error = %e, "rebuilding a snapshot"),
                        }
                    });
                }
                return Ok(value);
            }
        }
        let _guard = self.building.lock().await;
        if let Some((at, value, _)) = self.current()
            && at >= generation
        {
            return Ok(value);
        }
        let started = Instant::now();
        let value = Arc::new(read().await?);
        Self::keep(
            &self.built,
            generation,
            Arc::clone(&value),
            started.elapsed(),
        );
        Ok(value)
    }
}
