//! Password hashing with argon2id (the argon2 crate's defaults: m=19456 KiB, t=2, p=1).
//!
//! Hashing is deliberately slow, so it never runs on an async worker. It runs on a small pool of
//! dedicated threads, one per CPU, fed by a queue: extra logins wait in the queue instead of
//! spawning hundreds of threads that each hold 19 MiB, the async workers stay free to answer health
//! checks and reads during a login storm, and each thread keeps its argon2 working memory while the
//! queue is busy, so a storm pays no page faults or zeroing per login. A thread frees that memory
//! after two seconds without work, so an idle server holds none. The queue is bounded: when it is
//! full a request gets 503 with `Retry-After` at once.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

use crate::error::ApiError;

/// Work for a hashing thread, given that thread's argon2 memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Jobs that may wait per hashing thread; past that a request is refused with 503 at once rather
/// than queued behind seconds of work (an anonymous caller must not buy unbounded CPU and memory).
const QUEUE_PER_THREAD: usize = 32;

#[derive(Clone)]
pub struct PasswordHasher {
    jobs: mpsc::SyncSender<Job>,
    /// A real hash of a random password: verified against for unknown emails so that the response
    /// time does not reveal whether an account exists.
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    pub fn new() -> anyhow::Result<Self> {
        let cpus = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Self::with_threads(cpus, QUEUE_PER_THREAD * cpus)
    }

    /// `threads` hashing threads fed by a queue holding at most `queue` waiting jobs.
    fn with_threads(threads: usize, queue: usize) -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::sync_channel::<Job>(queue);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("caravan-argon2-{i}"))
                .spawn(move || hashing_thread(&queue))?;
        }
        Ok(Self {
            jobs,
            dummy_hash: Arc::new(hash_blocking(&crate::security::tokens::random_token())?),
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |_| hash_blocking(&password).map_err(ApiError::Internal))
            .await?
    }

    /// Verifies `password` against `stored`, or against the dummy hash when there is no account,
    /// so both paths cost one argon2 verification.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let (hash, exists) = match stored {
            Some(h) => (h, true),
            None => ((*self.dummy_hash).clone(), false),
        };
        let matches = self
            .run(move |memory| verify_with_memory(&password, &hash, memory))
            .await?;
        Ok(matches && exists)
    }

    /// Queues `f` for a hashing thread and waits for its result without blocking the caller.
    async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Vec<Block>) -> T + Send + 'static,
        T: Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = done.send(f(memory));
        });
        self.jobs.try_send(job).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => ApiError::Overloaded {
                retry_after_secs: 1,
            },
            mpsc::TrySendError::Disconnected(_) => {
                ApiError::Internal(anyhow::anyhow!("password hashing threads stopped"))
            }
        })?;
        result
            .await
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("password hashing job was dropped")))
    }
}

/// How long a thread keeps its argon2 memory after the queue runs dry.
const KEEP_MEMORY: Duration = Duration::from_secs(2);

/// Runs jobs until every sender is gone. Memory is kept while jobs keep coming and released after
/// `KEEP_MEMORY` without one.
fn hashing_thread(queue: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        // The lock is held only while waiting for the next job, never while hashing.
        let next = match queue.lock() {
            Ok(q) if memory.is_empty() => q.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Ok(q) => q.recv_timeout(KEEP_MEMORY),
            Err(_) => return,
        };
        match next {
            Ok(job) => job(&mut memory),
            Err(RecvTimeoutError::Timeout) => memory = Vec::new(),
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Hashes with a fresh salt; the PHC string records the parameters used.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
}

/// Verifies against a PHC string with the parameters it records, computing in `memory` (grown to
/// the size the parameters need and kept for the next call). A malformed stored hash never matches.
pub fn verify_with_memory(password: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
    let mut check = || -> Option<bool> {
        let hash = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::try_from(hash.algorithm).ok()?;
        let version = match hash.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&hash).ok()?;
        let expected = hash.hash?;
        let mut salt = [0u8; 64];
        let salt = hash.salt?.decode_b64(&mut salt).ok()?;
        memory.resize(params.block_count(), Block::default());
        let mut out = vec![0u8; expected.len()];
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
            .ok()?;
        // Output's equality is constant-time.
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finding 6: a caller past the queue is refused at once with 503 and `Retry-After`, and the
    /// work already taken and queued still completes.
    #[tokio::test]
    async fn a_full_queue_refuses_at_once_with_retry_after() {
        use actix_web::ResponseError as _;
        let hasher = PasswordHasher::with_threads(1, 1).unwrap();
        let (started, has_started) = mpsc::channel::<()>();
        let (release, released) = mpsc::channel::<()>();
        let (finished, has_finished) = mpsc::channel::<&str>();
        // The one thread takes a job that holds it until released...
        let done = finished.clone();
        let busy: Job = Box::new(move |_| {
            started.send(()).unwrap();
            released.recv().unwrap();
            done.send("busy").unwrap();
        });
        hasher.jobs.try_send(busy).ok().unwrap();
        has_started.recv().unwrap();
        // ...one more waits in the queue...
        let waiting: Job = Box::new(move |_| finished.send("queued").unwrap());
        hasher.jobs.try_send(waiting).ok().unwrap();
        // ...and the next is refused without waiting.
        let refused = hasher.run(|_| 0).await.unwrap_err();
        let response = refused.error_response();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers().get("retry-after").unwrap(), "1");
        release.send(()).unwrap();
        assert_eq!(has_finished.recv().unwrap(), "busy");
        assert_eq!(has_finished.recv().unwrap(), "queued");
    }

    #[test]
    fn verification_accepts_the_right_password_only_and_reuses_its_memory() {
        let stored = hash_blocking("violet-harbour-lantern-42").unwrap();
        let mut memory = Vec::new();
        assert!(verify_with_memory(
            "violet-harbour-lantern-42",
            &stored,
            &mut memory
        ));
        assert_eq!(
            memory.len(),
            Params::DEFAULT_M_COST as usize,
            "one block per KiB of m_cost"
        );
        assert!(!verify_with_memory(
            "violet-harbour-lantern-43",
            &stored,
            &mut memory
        ));
        assert!(!verify_with_memory(
            "violet-harbour-lantern-42",
            "not a phc string",
            &mut memory
        ));
        // A hash made with other parameters verifies with its own parameters.
        let custom = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"x-ray-yankee-zulu-99", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(verify_with_memory(
            "x-ray-yankee-zulu-99",
            &custom,
            &mut memory
        ));
    }
}
