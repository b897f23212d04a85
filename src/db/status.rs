//! The states stored as text columns, as enums: an attempt's, an enrollment's and a course's.
//! The column values are the same snake_case words as before; a value that is none of them is
//! corrupt data (a read error), not a fourth state.

use std::fmt;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};

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

            fn from_text(text: &str) -> deserialize::Result<Self> {
                Self::parse(text).ok_or_else(|| {
                    format!("{text:?} is not a stored {}", stringify!($name)).into()
                })
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
}
