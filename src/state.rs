//! The state every handler reaches through `web::Data<AppState>`, and the context the events
//! that change a student's progress need. A leaf: it holds values built by `startup` from the
//! settings and knows nothing of the areas that use it.

use std::sync::Arc;

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
