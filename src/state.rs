//! The state every handler reaches through `web::Data<AppState>`, and the context the events
//! that change a student's progress need. A leaf: it holds values built by `startup` from the
//! settings and knows nothing of the areas that use it.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::config::Settings;
use crate::db::Pool;
use crate::security::{PasswordHasher, Signer, TokenKeys};

/// What every handler can reach through `web::Data<AppState>`.
pub struct AppState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub keys: TokenKeys,
    pub hasher: PasswordHasher,
    pub signer: Arc<Signer>,
    pub catalog_cache: CatalogCache,
}

impl AppState {
    /// The context of progress events started by a request.
    pub fn progress_ctx(&self) -> Ctx {
        Ctx {
            public_url: self.settings.public_url.clone(),
            signer: self.signer.clone(),
        }
    }
}

/// What progress events need besides the database: the base of links in emails and the key
/// that signs certificates.
#[derive(Clone)]
pub struct Ctx {
    pub public_url: String,
    pub signer: Arc<Signer>,
}

/// Catalog pages and course views this instance built, each kept under the catalog generation
/// (`catalog_generation`, moved on by the database with every committed catalog change) read
/// before it was built, and served again only while the database still shows that generation.
/// So a change on any instance is seen by every instance's next request, at the price of one
/// indexed read. Entries of an older generation are dropped as soon as a newer one is seen.
#[derive(Default)]
pub struct CatalogCache {
    inner: Mutex<Generation>,
}

#[derive(Default)]
struct Generation {
    number: i64,
    entries: HashMap<String, Arc<dyn Any + Send + Sync>>,
}

/// Past this many entries (distinct filters and pages) the cache starts over.
const CATALOG_CACHE_ENTRIES: usize = 2048;

impl CatalogCache {
    /// The entry `key` built under `generation`, if there is one.
    pub fn get<T: Any + Send + Sync>(&self, generation: i64, key: &str) -> Option<Arc<T>> {
        let inner = self.inner.lock().ok()?;
        if inner.number != generation {
            return None;
        }
        inner.entries.get(key)?.clone().downcast::<T>().ok()
    }

    /// The entry `key` of `generation`, built by `build` and kept when there is none yet.
    pub fn get_or_build<T: Any + Send + Sync, E>(
        &self,
        generation: i64,
        key: String,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        if let Some(hit) = self.get(generation, &key) {
            return Ok(hit);
        }
        let built = Arc::new(build()?);
        self.put(generation, key, built.clone());
        Ok(built)
    }

    /// Keeps `value` under `generation`, unless a newer generation has been seen meanwhile.
    pub fn put<T: Any + Send + Sync>(&self, generation: i64, key: String, value: Arc<T>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if generation < inner.number {
            return;
        }
        if generation > inner.number || inner.entries.len() >= CATALOG_CACHE_ENTRIES {
            inner.entries.clear();
            inner.number = generation;
        }
        inner.entries.insert(key, value);
    }
}
