//! The states stored as text columns, as enums: an attempt's, an enrollment's and a course's.
//! The column values are the same snake_case words as before; a value that is none of them is
//! corrupt data (a read error), not a fourth state.

use std::fmt;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::{
    is_aggregate, AppearsOnTable, AsExpression, Expression, SelectableExpression, ValidGrouping,
};
use diesel::pg::{Pg, PgValue};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};
use diesel::QueryResult;

use super::MultiBackend;

macro_rules! stored_state {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
        #[diesel(sql_type = Text)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// The word stored and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// Every state, in declaration order (the index [`Word`] names one by).
            const ALL: &'static [$name] = &[$($name::$variant,)*];

            fn from_text(text: &str) -> deserialize::Result<Self> {
                Self::parse(text).ok_or_else(|| {
                    format!("{text:?} is not a stored {}", stringify!($name)).into()
                })
            }
        }

        impl StoredState for $name {
            fn word(index: u8) -> &'static str {
                $name::ALL.get(usize::from(index)).map_or("", |s| s.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), &mut out.reborrow())
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                Self::from_text(&<String as FromSql<Text, Pg>>::from_sql(bytes)?)
            }
        }

        impl ToSql<Text, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Sqlite> for $name {
            fn from_sql(bytes: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                Self::from_text(&<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
            }
        }

        impl ToSql<Text, MultiBackend> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, MultiBackend> for $name {
            fn from_sql(
                bytes: <MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> deserialize::Result<Self> {
                bytes.from_sql::<Self, Text>()
            }
        }
    };
}

/// A state enum whose words [`Word`] can write into SQL.
pub trait StoredState: Copy + 'static {
    /// The stored word of the state at `index` in declaration order.
    fn word(index: u8) -> &'static str;
}

/// One state written into the SQL as a literal, `'open'`, where a filter compares a column with
/// it: `quiz_attempts::status.eq(word!(AttemptStatus::Open))`.
///
/// Bound as a parameter, the state would leave PostgreSQL's generic plan of a prepared statement
/// unable to use an index whose predicate names it (`WHERE status = 'open'`), nor judge how few
/// rows match; PostgreSQL then plans the statement again on every execution (measured: planning
/// was two fifths of its CPU on GET /me/courses/{id}/progress). Written in, the generic plan is as
/// good as a custom one and is kept. The state is part of the type (its index `V`), so each
/// statement still has a static query id and stays prepared.
#[derive(Debug, Clone, Copy)]
pub struct Word<S, const V: u8>(PhantomData<S>);

impl<S, const V: u8> Word<S, V> {
    pub const fn new() -> Self {
        Word(PhantomData)
    }
}

impl<S, const V: u8> Default for Word<S, V> {
    fn default() -> Self {
        Self::new()
    }
}

/// `word!(AttemptStatus::Open)`: the state as an SQL literal (see [`Word`]).
#[macro_export]
macro_rules! word {
    ($state:ident :: $variant:ident) => {
        $crate::db::status::Word::<$state, { $state::$variant as u8 }>::new()
    };
}

impl<S: StoredState, const V: u8> Expression for Word<S, V> {
    type SqlType = Text;
}

impl<S: StoredState, const V: u8, DB: Backend> QueryFragment<DB> for Word<S, V> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        // The words are fixed snake_case identifiers: nothing in them needs quoting.
        out.push_sql("'");
        out.push_sql(S::word(V));
        out.push_sql("'");
        Ok(())
    }
}

impl<S: StoredState, const V: u8> QueryId for Word<S, V> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<S: StoredState, const V: u8, GB> ValidGrouping<GB> for Word<S, V> {
    type IsAggregate = is_aggregate::Never;
}

impl<S: StoredState, const V: u8, QS> AppearsOnTable<QS> for Word<S, V> {}

impl<S: StoredState, const V: u8, QS> SelectableExpression<QS> for Word<S, V> {}

stored_state! {
    /// Where a quiz attempt stands.
    AttemptStatus {
        /// Started; answers may still be saved.
        Open = "open",
        /// Closed with an essay (or another hand-graded answer) waiting for an instructor.
        NeedsGrading = "needs_grading",
        /// Closed and fully graded.
        Graded = "graded",
    }
}

stored_state! {
    /// Where a trainee's enrollment in a course stands.
    EnrollmentStatus {
        Active = "active",
        Completed = "completed",
        Withdrawn = "withdrawn",
    }
}

impl EnrollmentStatus {
    /// The states in which a trainee counts as enrolled: they may take the course's quizzes and
    /// read its content. A withdrawn trainee does not.
    pub const ENROLLED: [EnrollmentStatus; 2] =
        [EnrollmentStatus::Active, EnrollmentStatus::Completed];

    /// Whether this state is one of [`EnrollmentStatus::ENROLLED`].
    pub fn is_enrolled(self) -> bool {
        Self::ENROLLED.contains(&self)
    }
}

stored_state! {
    /// Where a course stands in its life.
    CourseStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_word_and_nothing_else_does() {
        for s in [
            AttemptStatus::Open,
            AttemptStatus::NeedsGrading,
            AttemptStatus::Graded,
        ] {
            assert_eq!(AttemptStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            EnrollmentStatus::parse("completed"),
            Some(EnrollmentStatus::Completed)
        );
        assert_eq!(
            CourseStatus::parse("archived"),
            Some(CourseStatus::Archived)
        );
        assert_eq!(AttemptStatus::parse("Open"), None);
        assert_eq!(AttemptStatus::parse(""), None);
    }

    #[test]
    fn a_word_is_written_into_the_sql_as_its_stored_literal() {
        use diesel::prelude::*;
        // A table of its own: `db` sits below `schema` and does not use it.
        diesel::table! {
            quiz_attempts (id) {
                id -> Integer,
                status -> Text,
            }
        }
        let query = quiz_attempts::table
            .filter(quiz_attempts::status.eq(crate::word!(AttemptStatus::NeedsGrading)))
            .filter(quiz_attempts::status.ne(crate::word!(AttemptStatus::Open)))
            .select(quiz_attempts::id);
        let sql = diesel::debug_query::<Pg, _>(&query).to_string();
        assert!(sql.contains(r#""status" = 'needs_grading')"#), "{sql}");
        assert!(sql.contains(r#""status" != 'open')"#), "{sql}");
        assert!(sql.contains("binds: []"), "{sql}");
    }
}
