//! Column types shared by both backends: UUID ids, UTC timestamps and JSON documents.
//!
//! PostgreSQL keeps its native `uuid`, `timestamptz` and `jsonb`; SQLite stores the same values as
//! text. Timestamps are written to SQLite in one fixed-width RFC 3339 form (microseconds, `Z`) so that
//! text comparison and ordering agree with time order. Each SQL type gets the three impls the
//! `MultiConnection` derive would generate for a built-in type: `HasSqlType`, `ToSql` and `FromSql`
//! for `MultiBackend`, dispatching to the per-backend impls below.

use std::fmt;
use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sqlite::{Sqlite, SqliteValue};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::MultiBackend;

/// A UUID column: `uuid` on PostgreSQL, text on SQLite.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(oid = 2950, array_oid = 2951))]
#[diesel(sqlite_type(name = "Text"))]
pub struct Uid;

/// A point in time in UTC: `timestamptz` on PostgreSQL, RFC 3339 text on SQLite.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(oid = 1184, array_oid = 1185))]
#[diesel(sqlite_type(name = "Text"))]
pub struct Ts;

/// A JSON document: `jsonb` on PostgreSQL, text on SQLite.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(oid = 3802, array_oid = 3807))]
#[diesel(sqlite_type(name = "Text"))]
pub struct AnyJson;

/// Every row id in Caravan: a time-ordered UUID v7.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    AsExpression,
    FromSqlRow,
    Serialize,
    Deserialize,
)]
#[diesel(sql_type = Uid)]
#[serde(transparent)]
pub struct Id(pub Uuid);

impl Id {
    pub fn new() -> Self {
        Id(Uuid::now_v7())
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Id {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Id)
    }
}

impl From<Uuid> for Id {
    fn from(u: Uuid) -> Self {
        Id(u)
    }
}

/// An id of one kind of entity: stored and serialized exactly as an [`Id`], but a distinct type,
/// so a function taking a course id and a user id cannot be called with them swapped.
macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, AsExpression, FromSqlRow,
            Serialize, Deserialize,
        )]
        #[diesel(sql_type = Uid)]
        #[serde(transparent)]
        pub struct $name(pub Id);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self {
                $name(Id::new())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl From<$name> for Id {
            fn from(id: $name) -> Id {
                id.0
            }
        }

        impl ToSql<Uid, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <Id as ToSql<Uid, Pg>>::to_sql(&self.0, out)
            }
        }

        impl FromSql<Uid, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                <Id as FromSql<Uid, Pg>>::from_sql(bytes).map($name)
            }
        }

        impl ToSql<Uid, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <Id as ToSql<Uid, Sqlite>>::to_sql(&self.0, out)
            }
        }

        impl FromSql<Uid, Sqlite> for $name {
            fn from_sql(bytes: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                <Id as FromSql<Uid, Sqlite>>::from_sql(bytes).map($name)
            }
        }

        impl ToSql<Uid, MultiBackend> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Uid, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Uid, MultiBackend> for $name {
            fn from_sql(
                bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Uid>()
            }
        }
    )*};
}

typed_id! {
    /// A user account.
    UserId;
    /// An organization (college, academy, enterprise).
    OrgId;
    /// A course (each edition is a course of its own).
    CourseId;
    /// A stored version of a course's files (a draft, or a published version that never changes).
    VersionId;
    /// A student's attempt at a quiz.
    AttemptId;
    /// A cohort (a group of an organization's trainees).
    CohortId;
    /// An issued certificate.
    CertificateId;
    /// An invitation to join an organization.
    InvitationId;
    /// An item of a course: a module, lesson, quiz or question (derived from the course and the
    /// item's path, see `courses::store::item_id`).
    ItemId;
}

/// A UTC instant stored with microsecond precision on both backends.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    AsExpression,
    FromSqlRow,
    Serialize,
    Deserialize,
)]
#[diesel(sql_type = Ts)]
#[serde(transparent)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Now, truncated to microseconds so that a value read back equals the value written.
    pub fn now() -> Self {
        Self::from(Utc::now())
    }

    pub fn plus(self, d: chrono::Duration) -> Self {
        Self::from(self.0 + d)
    }

    pub fn to_rfc3339(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    fn sqlite_text(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Micros, true)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        use chrono::DurationRound;
        Timestamp(
            t.duration_trunc(chrono::Duration::microseconds(1))
                .unwrap_or(t),
        )
    }
}

/// A JSON value column.
#[derive(Debug, Clone, PartialEq, AsExpression, FromSqlRow, Serialize, Deserialize, Default)]
#[diesel(sql_type = AnyJson)]
#[serde(transparent)]
pub struct JsonValue(pub serde_json::Value);

impl JsonValue {
    /// `value` as stored JSON. Fails only for a value serde cannot represent as JSON (a map with
    /// non-string keys), which is a bug, not bad input.
    pub fn of<T: serde::Serialize>(value: &T) -> QueryResult<JsonValue> {
        serde_json::to_value(value)
            .map(JsonValue)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
    }

    /// The stored JSON as a `T`. JSON Caravan wrote that no longer reads as what it should be is
    /// corrupt data: an error naming `what` (a 500 at the edge, logged with this cause), never
    /// an empty default that would pass for real data.
    ///
    /// The error is diesel's `DeserializationError`, as for a column that does not read, so a
    /// store returns it as any other `QueryResult` error.
    pub fn decode<T: serde::de::DeserializeOwned>(&self, what: &str) -> QueryResult<T> {
        // Read from the borrowed value: no copy of the whole document first.
        T::deserialize(&self.0).map_err(|e| {
            diesel::result::Error::DeserializationError(
                format!("stored {what} is corrupt: {e}").into(),
            )
        })
    }
}

// --- PostgreSQL ---

impl ToSql<Uid, Pg> for Id {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(self.0.as_bytes())?;
        Ok(IsNull::No)
    }
}

impl FromSql<Uid, Pg> for Id {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        Ok(Id(Uuid::from_slice(bytes.as_bytes())?))
    }
}

impl ToSql<Ts, Pg> for Timestamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <DateTime<Utc> as ToSql<diesel::sql_types::Timestamptz, Pg>>::to_sql(
            &self.0,
            &mut out.reborrow(),
        )
    }
}

impl FromSql<Ts, Pg> for Timestamp {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let t = <DateTime<Utc> as FromSql<diesel::sql_types::Timestamptz, Pg>>::from_sql(bytes)?;
        Ok(Timestamp(t))
    }
}

impl ToSql<AnyJson, Pg> for JsonValue {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <serde_json::Value as ToSql<diesel::sql_types::Jsonb, Pg>>::to_sql(
            &self.0,
            &mut out.reborrow(),
        )
    }
}

impl FromSql<AnyJson, Pg> for JsonValue {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let v = <serde_json::Value as FromSql<diesel::sql_types::Jsonb, Pg>>::from_sql(bytes)?;
        Ok(JsonValue(v))
    }
}

// --- SQLite ---

fn sqlite_text(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<String> {
    <String as FromSql<diesel::sql_types::Text, Sqlite>>::from_sql(value)
}

impl ToSql<Uid, Sqlite> for Id {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<Uid, Sqlite> for Id {
    fn from_sql(bytes: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        Ok(Id(Uuid::parse_str(&sqlite_text(bytes)?)?))
    }
}

impl ToSql<Ts, Sqlite> for Timestamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.sqlite_text());
        Ok(IsNull::No)
    }
}

impl FromSql<Ts, Sqlite> for Timestamp {
    fn from_sql(bytes: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = sqlite_text(bytes)?;
        Ok(Timestamp(
            DateTime::parse_from_rfc3339(&text)?.with_timezone(&Utc),
        ))
    }
}

impl ToSql<AnyJson, Sqlite> for JsonValue {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(serde_json::to_string(&self.0)?);
        Ok(IsNull::No)
    }
}

impl FromSql<AnyJson, Sqlite> for JsonValue {
    fn from_sql(bytes: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        Ok(JsonValue(serde_json::from_str(&sqlite_text(bytes)?)?))
    }
}

// --- MultiBackend: dispatch to the two impls above, as the derive does for built-in types ---

macro_rules! multi_backend_type {
    ($sql:ty, $rust:ty) => {
        impl diesel::sql_types::HasSqlType<$sql> for MultiBackend {
            fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
                MultiBackend::lookup_sql_type::<$sql>(lookup)
            }
        }

        impl ToSql<$sql, MultiBackend> for $rust {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((<$sql as Default>::default(), self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<$sql, MultiBackend> for $rust {
            fn from_sql(
                bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, $sql>()
            }
        }
    };
}

multi_backend_type!(Uid, Id);
multi_backend_type!(Ts, Timestamp);
multi_backend_type!(AnyJson, JsonValue);
