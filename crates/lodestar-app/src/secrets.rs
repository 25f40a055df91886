//! Password hashing (Argon2id, off the async threads, a bounded number at once) and random
//! secrets.
//!
//! Argon2 is built to cost memory and CPU: each hash takes 19 MiB and tens of milliseconds
//! of one core. Unbounded, a burst of log-ins fills the blocking thread pool (512 threads,
//! so gigabytes) and starves everything else. So hashing goes through one process-wide
//! [`HashingLimit`]: as many hashes at once as there are cores, a short queue behind them,
//! and a prompt [`AppError::Busy`] for the rest. The limit is per process, not per
//! [`crate::App`], because the cores it protects are.
//!
//! Each running hash also reuses one of a few kept buffers for Argon2's memory instead of
//! allocating 19 MiB afresh: the 64-byte-aligned allocation of that size is not handed back
//! to glibc's heap for reuse, so every log-in used to leave another 19 MiB resident (a
//! server grew by that much per wrong password, to 300 MB in a short flood).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use std::sync::Mutex;

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngExt;
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::AppError;

/// How many password hashes run at once, and how many may wait for a turn.
#[derive(Debug)]
pub struct HashingLimit {
    running: Arc<Semaphore>,
    /// Hashes running plus waiting: admitted while below `permits + queue`.
    admitted: AtomicUsize,
    permits: usize,
    queue: usize,
    /// The longest a hash waits for its turn before the request is turned away.
    max_wait: Duration,
    /// Argon2 memory kept between hashes, at most one per permit.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

/// What a caller holds while its hash runs (or waits): its place in the queue.
struct Admission<'a> {
    limit: &'a HashingLimit,
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.limit.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HashingLimit {
    /// `permits` hashes at once (at least one), `queue` more waiting at most `max_wait`.
    pub fn new(permits: usize, queue: usize, max_wait: Duration) -> Self {
        let permits = permits.max(1);
        Self {
            running: Arc::new(Semaphore::new(permits)),
            admitted: AtomicUsize::new(0),
            permits,
            queue,
            max_wait,
            memory: Arc::default(),
        }
    }

    /// One hash per core, four per core waiting, none waiting longer than ten seconds.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::new(cores, 4 * cores, Duration::from_secs(10))
    }

    /// How long a turned-away client should wait: the time the queue takes to drain,
    /// rounded up to whole seconds (a hash takes well under a second).
    fn retry_after_secs(&self) -> u64 {
        u64::try_from(self.queue.div_ceil(self.permits * 4)).map_or(1, |s| s.max(1))
    }

    /// Runs `work` on the blocking pool once a permit is free, or fails fast with
    /// [`AppError::Busy`] when the queue is full or the wait too long. The permit moves into
    /// the blocking task, so a request that gives up (a timeout, a closed connection) still
    /// holds its place until the hash it started has finished.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Vec<Block>) -> T + Send + 'static,
        T: Send + 'static,
    {
        let busy = || AppError::Busy {
            retry_after_secs: self.retry_after_secs(),
        };
        let admitted = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admission = Admission { limit: self };
        if admitted >= self.permits + self.queue {
            drop(admission);
            return Err(busy());
        }
        let permit: OwnedSemaphorePermit =
            tokio::time::timeout(self.max_wait, Arc::clone(&self.running).acquire_owned())
                .await
                .map_err(|_| busy())?
                .map_err(|e| AppError::Internal(e.to_string()))?;
        let pool = Arc::clone(&self.memory);
        let handle = tokio::task::spawn_blocking(move || {
            let mut memory = pool
                .lock()
                .map(|mut kept| kept.pop())
                .ok()
                .flatten()
                .unwrap_or_default();
            let result = work(&mut memory);
            if let Ok(mut kept) = pool.lock() {
                kept.push(memory);
            }
            drop(permit);
            result
        });
        // The admission ends when the hash ends, not when this future is dropped.
        let result = handle.await;
        drop(admission);
        result.map_err(|e| AppError::Internal(e.to_string()))
    }
}

static LIMIT: OnceLock<HashingLimit> = OnceLock::new();

/// Sets the process's hashing limit; only the first call counts (before serving).
/// Without a call, the limit is [`HashingLimit::for_this_machine`].
pub fn set_hashing_limit(limit: HashingLimit) -> bool {
    LIMIT.set(limit).is_ok()
}

fn limit() -> &'static HashingLimit {
    LIMIT.get_or_init(HashingLimit::for_this_machine)
}

/// Argon2's working memory for `params`, from `memory` (grown once, then reused).
fn blocks<'a>(memory: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::new());
    }
    &mut memory[..needed]
}

/// Argon2id with the default parameters, into a PHC string, on `memory`.
fn hash_on(password: &[u8], memory: &mut Vec<Block>) -> Result<String, AppError> {
    let failed = |e: &dyn std::fmt::Display| AppError::Internal(format!("hashing failed: {e}"));
    let argon2 = Argon2::default();
    let params = argon2.params().clone();
    let salt: [u8; 16] = rand::rng().random();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2
        .hash_password_into_with_memory(password, &salt, &mut out, blocks(memory, &params))
        .map_err(|e| failed(&e))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| failed(&e))?),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash` (any Argon2 variant and parameters),
/// computed on `memory`. The comparison takes the same time wherever the outputs differ.
fn verify_on(password: &[u8], hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm.as_str()),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let Ok(version) = parsed.version.map(Version::try_from).transpose() else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params.clone());
    let mut out = vec![0u8; expected.len()];
    argon2
        .hash_password_into_with_memory(password, salt, &mut out, blocks(memory, &params))
        .is_ok()
        && Output::new(&out).is_ok_and(|computed| &computed == expected)
}

/// Hashes a password with Argon2id and a fresh salt.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    limit()
        .run(move |memory| hash_on(password.as_bytes(), memory))
        .await?
}

/// Checks a password against a stored hash. A malformed hash never verifies.
pub async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    limit()
        .run(move |memory| verify_on(password.as_bytes(), &hash, memory))
        .await
}

/// A hash of a password nobody has, verified against when an email is unknown so that
/// unknown emails and wrong passwords take the same time.
pub static DECOY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    PasswordHasher::<PasswordHash>::hash_password(
        &Argon2::default(),
        b"decoy password that matches no account",
    )
    .map(|h| h.to_string())
    .unwrap_or_default()
});

/// 32 random bytes, URL-safe base64 (43 characters).
pub fn random_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a token, hex-encoded: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::AtomicUsize;
    use std::sync::{Arc, Barrier};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_permits_run_at_once_and_the_queue_beyond_is_turned_away() {
        let limit = Arc::new(HashingLimit::new(2, 3, Duration::from_secs(30)));
        let running = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        // The first two hashes wait here until the test has seen the queue, then it opens.
        let gate = Arc::new(Barrier::new(3));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (limit, running, started, most, gate) = (
                Arc::clone(&limit),
                Arc::clone(&running),
                Arc::clone(&started),
                Arc::clone(&most),
                Arc::clone(&gate),
            );
            tasks.push(tokio::spawn(async move {
                limit
                    .run(move |_| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        if started.fetch_add(1, Ordering::SeqCst) < 2 {
                            gate.wait();
                        }
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            }));
        }
        // Everyone has knocked once the admissions stop changing; then open the gate.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            limit.admitted.load(Ordering::SeqCst),
            5,
            "2 running + 3 queued"
        );
        let opener = tokio::task::spawn_blocking({
            let gate = Arc::clone(&gate);
            move || gate.wait()
        });
        let mut busy = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => {}
                Err(AppError::Busy { retry_after_secs }) => {
                    assert!(retry_after_secs >= 1);
                    busy += 1;
                }
                Err(other) => panic!("unexpected {other}"),
            }
        }
        opener.await.unwrap();
        assert_eq!(busy, 5, "10 callers, 2 permits, 3 places in the queue");
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(limit.admitted.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn hashes_made_on_kept_memory_verify_with_the_standard_verifier_and_back() {
        use argon2::PasswordVerifier;
        let mut memory = Vec::new();
        let ours = hash_on(b"correct horse", &mut memory).unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let argon2 = Argon2::default();
        assert!(PasswordVerifier::<str>::verify_password(&argon2, b"correct horse", &ours).is_ok());
        assert!(PasswordVerifier::<str>::verify_password(&argon2, b"wrong horse", &ours).is_err());

        let theirs =
            PasswordHasher::<PasswordHash>::hash_password(&argon2, b"battery staple").unwrap();
        let theirs = theirs.to_string();
        // The same kept memory serves one hash after another.
        assert!(verify_on(b"battery staple", &theirs, &mut memory));
        assert!(!verify_on(b"battery stapler", &theirs, &mut memory));
        assert!(verify_on(b"correct horse", &ours, &mut memory));
        assert!(!verify_on(b"correct horse", "not a hash", &mut memory));
        // Other parameters than ours still verify (memory grows to fit).
        let small = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(64, 1, 1, None).unwrap(),
        );
        let other = PasswordHasher::<PasswordHash>::hash_password(&small, b"pw-pw-pw").unwrap();
        assert!(verify_on(b"pw-pw-pw", &other.to_string(), &mut memory));
    }

    #[tokio::test]
    async fn a_caller_waiting_past_the_deadline_is_told_to_come_back() {
        let limit = Arc::new(HashingLimit::new(1, 10, Duration::from_millis(50)));
        let release = Arc::new(Barrier::new(2));
        let held = {
            let (limit, release) = (Arc::clone(&limit), Arc::clone(&release));
            tokio::spawn(async move {
                limit
                    .run(move |_| {
                        release.wait();
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let waited = limit.run(|_| ()).await;
        assert!(matches!(waited, Err(AppError::Busy { .. })), "{waited:?}");
        release.wait();
        held.await.unwrap().unwrap();
        assert!(limit.run(|_| ()).await.is_ok());
    }
}
