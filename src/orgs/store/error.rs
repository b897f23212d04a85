//! What the organizations store refuses, besides a database error, and the one mapping of those
//! refusals to problem+json.

use diesel::result::{DatabaseErrorKind, Error as DbError};

use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum OrgsError {
    #[error("an organization with this slug already exists")]
    SlugTaken,
    #[error("a cohort with this name already exists")]
    CohortNameTaken,
    /// The change would leave the organization without an org admin.
    #[error("the last org admin")]
    LastOrgAdmin,
    /// Invitations are addressed to an email; an unverified one cannot claim them.
    #[error("email not verified")]
    EmailNotVerified,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl OrgsError {
    /// `refusal` when `e` is a unique violation, else the database error.
    pub(super) fn unless_unique(e: DbError, refusal: OrgsError) -> OrgsError {
        match e {
            DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => refusal,
            other => OrgsError::Db(other),
        }
    }
}

impl From<OrgsError> for ApiError {
    fn from(e: OrgsError) -> Self {
        match e {
            OrgsError::SlugTaken => ApiError::conflict(
                "slug_taken",
                "An organization with this slug already exists.",
            ),
            OrgsError::CohortNameTaken => ApiError::conflict(
                "cohort_name_taken",
                "A cohort with this name already exists.",
            ),
            OrgsError::LastOrgAdmin => ApiError::conflict(
                "last_org_admin",
                "An organization needs at least one org admin.",
            ),
            OrgsError::EmailNotVerified => ApiError::forbidden_because(
                "email_not_verified",
                "Verify your email address first: invitations are addressed to it.",
            ),
            OrgsError::Db(e) => e.into(),
        }
    }
}
