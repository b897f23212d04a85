//! Competency mastery and market readiness.
//!
//! Evidence: every graded attempt gives, for each competency its questions are tagged with, the
//! share of those questions' points the trainee earned. A trainee's mastery level of a
//! competency is a decaying average of their most recent evidence: the newest piece weighs 1,
//! the one before it [`DECAY`], then `DECAY²` and so on, over at most [`WINDOW`] pieces. Recent work
//! counts most, so a trainee who learned from early mistakes is not held back by them, while one
//! lucky attempt cannot erase a history of weak ones. A competency is mastered when its level
//! reaches [`MASTERY_THRESHOLD`].
//!
//! Readiness for a destination market is mastery of exactly the competencies that market
//! requires (see `catalog/markets.toml`): its level is the mean of their levels (0 where there is
//! no evidence yet) and the trainee is ready when every one of them is mastered.
//!
//! Evidence rows are replaced whenever an attempt's grade changes (hand grading, regrade), and the
//! levels of the competencies involved are recomputed from them in the same transaction.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Integer, Text};
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::framework;
use crate::db::batch::Write;
use crate::db::sql_types::{AttemptId, Timestamp, Ts, Uid, UserId};
use crate::db::DbConn;
use crate::schema::{competency_evidence, competency_mastery};

/// Weight of each older piece of evidence relative to the next newer one.
pub const DECAY: f64 = 0.7;
/// How many of the most recent pieces of evidence count.
pub const WINDOW: usize = 8;
/// The level at which a competency counts as mastered.
pub const MASTERY_THRESHOLD: f64 = 0.8;

/// A trainee's standing on one competency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct CompetencyLevel {
    /// Decaying average of the recent evidence, 0..=1.
    pub level: f64,
    pub mastered: bool,
    /// Pieces of evidence recorded (all of them, not only those in the window).
    pub evidence: i32,
}

/// Mastery of one area of the framework.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AreaMastery {
    /// Area code, e.g. `law`.
    pub area: String,
    /// Mean level over all the area's competencies (0 where there is no evidence), 0..=1.
    pub level: f64,
    /// How many of the area's competencies are mastered.
    pub mastered: usize,
    pub total: usize,
}

/// Readiness for one destination market.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MarketReadiness {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Mean level over the market's required competencies, 0..=1.
    pub readiness: f64,
    /// Every required competency is mastered.
    pub ready: bool,
    /// Required competencies not mastered yet.
    pub missing: Vec<String>,
}

/// The decaying average of `shares_newest_first` (only the first [`WINDOW`] count).
pub fn decaying_average(shares_newest_first: &[f64]) -> Option<f64> {
    let mut weighted = 0.0;
    let mut weights = 0.0;
    let mut weight = 1.0;
    for share in shares_newest_first.iter().take(WINDOW) {
        weighted += weight * share.clamp(0.0, 1.0);
        weights += weight;
        weight *= DECAY;
    }
    (weights > 0.0).then(|| weighted / weights)
}

/// The level a trainee holds given their evidence shares of one competency, newest first; None
/// without evidence.
pub fn level_from_evidence(shares_newest_first: &[f64]) -> Option<CompetencyLevel> {
    let level = decaying_average(shares_newest_first)?;
    Some(CompetencyLevel {
        level,
        mastered: level + 1e-9 >= MASTERY_THRESHOLD,
        evidence: i32::try_from(shares_newest_first.len()).unwrap_or(i32::MAX),
    })
}

fn level_of(levels: &BTreeMap<String, CompetencyLevel>, code: &str) -> (f64, bool) {
    levels
        .get(code)
        .map_or((0.0, false), |l| (l.level, l.mastered))
}

/// Mastery per area of the framework, in the framework's order.
pub fn area_summaries(levels: &BTreeMap<String, CompetencyLevel>) -> Vec<AreaMastery> {
    framework()
        .areas
        .iter()
        .map(|area| {
            let total = area.competencies.len();
            let (sum, mastered) = area
                .competencies
                .iter()
                .fold((0.0, 0), |(sum, mastered), c| {
                    let (level, done) = level_of(levels, &c.code);
                    (sum + level, mastered + usize::from(done))
                });
            AreaMastery {
                area: area.code.clone(),
                level: if total > 0 { sum / total as f64 } else { 0.0 },
                mastered,
                total,
            }
        })
        .collect()
}

/// Readiness for the market `country`; None for a country that is not a destination market.
pub fn market_readiness(
    levels: &BTreeMap<String, CompetencyLevel>,
    country: &str,
) -> Option<MarketReadiness> {
    let market = framework().market(country)?;
    let mut sum = 0.0;
    let mut missing = Vec::new();
    for code in &market.required {
        let (level, mastered) = level_of(levels, code);
        sum += level;
        if !mastered {
            missing.push(code.clone());
        }
    }
    let n = market.required.len();
    Some(MarketReadiness {
        country: market.country.clone(),
        readiness: if n > 0 { sum / n as f64 } else { 1.0 },
        ready: missing.is_empty(),
        missing,
    })
}

/// The evidence of one attempt, one row per competency (as many as the quiz has: a few shapes of
/// statement, kept prepared under their text).
struct InsertEvidence<'a> {
    attempt: AttemptId,
    user: UserId,
    observed_at: Timestamp,
    /// competency -> (share, points)
    shares: &'a BTreeMap<String, (f64, f64)>,
}

crate::prepared_statement!(by_text InsertEvidence, |this, out| {
    out.push_sql(
        "INSERT INTO competency_evidence (attempt_id, competency, user_id, share, points, \
         observed_at) VALUES ",
    );
    for (i, (code, (share, points))) in this.shares.iter().enumerate() {
        out.push_sql(if i == 0 { "(" } else { ", (" });
        crate::binds!(out,
            Uid => &this.attempt,
            Text => code,
            Uid => &this.user,
            Double => share,
            Double => points,
            Ts => &this.observed_at,
        );
        out.push_sql(")");
    }
    Ok(())
});

/// A trainee's level at one competency: a new row starting from `count` pieces of evidence, or
/// the stored one with the level replaced and `change` added to its count.
struct UpsertLevel<'a> {
    user: UserId,
    code: Cow<'a, str>,
    level: CompetencyLevel,
    count: i32,
    change: i32,
    now: Timestamp,
}

crate::prepared_statement!(fixed UpsertLevel, |this, out| {
    out.push_sql(
        "INSERT INTO competency_mastery (user_id, competency, level, mastered, updated_at, \
         evidence_count) VALUES (",
    );
    crate::binds!(out,
        Uid => &this.user,
        Text => &*this.code,
        Double => &this.level.level,
        Bool => &this.level.mastered,
        Ts => &this.now,
        Integer => &this.count,
    );
    out.push_sql(
        ") ON CONFLICT (user_id, competency) DO UPDATE SET level = excluded.level, \
         mastered = excluded.mastered, updated_at = excluded.updated_at, \
         evidence_count = competency_mastery.evidence_count + ",
    );
    out.push_bind_param::<Integer, _>(&this.change)?;
    Ok(())
});

/// What one attempt's evidence changes, read and computed but not yet written: its evidence rows
/// and the levels they move, for the caller to write with the rest of the grade
/// ([`EvidenceChange::writes`]).
pub struct EvidenceChange<'a> {
    insert: Option<InsertEvidence<'a>>,
    levels: Vec<UpsertLevel<'a>>,
}

impl EvidenceChange<'_> {
    /// The writes, in order: the evidence, then the levels.
    pub fn writes(&self) -> Vec<&dyn Write> {
        let insert = self.insert.iter().map(|w| w as &dyn Write);
        insert
            .chain(self.levels.iter().map(|w| w as &dyn Write))
            .collect()
    }
}

/// Replaces the evidence of one attempt with `shares` (competency -> (share, points)) and
/// recomputes the levels of every competency it touches, before and after. `fresh` says the
/// attempt has just closed, so it has no evidence yet: nothing to take away, and each level's
/// count of evidence grows by one in the upsert itself, with no read of the counts.
///
/// The old evidence is taken away (and a level left without evidence deleted) here; the new
/// evidence and the levels are returned to be written. A level is computed from the newest
/// [`WINDOW`] pieces of its competency read before the new evidence is written, with the new
/// piece put in its place among them: the same window a read after the write would see, one
/// round trip sooner.
///
/// Bounded whatever the history: a level reads only the newest [`WINDOW`] pieces of evidence of
/// its competency, and the count of evidence moves by what this attempt added or took away.
pub fn change_evidence<'a>(
    conn: &mut DbConn,
    user: UserId,
    attempt: AttemptId,
    observed_at: Timestamp,
    shares: &'a BTreeMap<String, (f64, f64)>,
    fresh: bool,
) -> QueryResult<EvidenceChange<'a>> {
    let before: Vec<String> = if fresh {
        Vec::new()
    } else {
        crate::per_backend!(conn, |c| diesel::delete(
            competency_evidence::table.filter(competency_evidence::attempt_id.eq(attempt))
        )
        .returning(competency_evidence::competency)
        .load(c))?
    };
    let insert = (!shares.is_empty()).then_some(InsertEvidence {
        attempt,
        user,
        observed_at,
        shares,
    });
    let touched: BTreeSet<&str> = before
        .iter()
        .map(String::as_str)
        .chain(shares.keys().map(String::as_str))
        .collect();
    let mut change = EvidenceChange {
        insert,
        levels: Vec::new(),
    };
    if touched.is_empty() {
        return Ok(change);
    }
    let counts: BTreeMap<String, i32> = if fresh {
        BTreeMap::new()
    } else {
        competency_mastery::table
            .filter(competency_mastery::user_id.eq(user))
            .filter(competency_mastery::competency.eq_any(&touched))
            .select((
                competency_mastery::competency,
                competency_mastery::evidence_count,
            ))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect()
    };
    let mut windows = newest_evidence(conn, user, &touched)?;
    let now = Timestamp::now();
    for code in touched {
        let mut window = windows.remove(code).unwrap_or_default();
        if let Some((share, _)) = shares.get(code) {
            // Newest first by (observed, attempt), the order the read sorts by.
            let piece = (observed_at, attempt);
            let at = window.partition_point(|(when, id, _)| (*when, *id) > piece);
            window.insert(at, (observed_at, attempt, *share));
            window.truncate(WINDOW);
        }
        let window: Vec<f64> = window.into_iter().map(|(_, _, share)| share).collect();
        // What this attempt changed in the competency's count of evidence, and the count a new
        // row starts from: after a fresh close the stored count was not read, and the upsert adds
        // the change to it.
        let moved =
            i32::from(shares.contains_key(code)) - i32::from(before.iter().any(|b| b == code));
        let count = if fresh {
            moved
        } else {
            counts.get(code).copied().unwrap_or(0) + moved
        };
        let Some(level) = level_from_evidence(&window).filter(|_| count > 0) else {
            diesel::delete(
                competency_mastery::table
                    .filter(competency_mastery::user_id.eq(user))
                    .filter(competency_mastery::competency.eq(code)),
            )
            .execute(conn)?;
            continue;
        };
        // A code touched only by the evidence taken away is not among `shares`.
        let code = match shares.get_key_value(code) {
            Some((key, _)) => Cow::Borrowed(key.as_str()),
            None => Cow::Owned(code.to_string()),
        };
        change.levels.push(UpsertLevel {
            user,
            code,
            level,
            count,
            change: moved,
            now,
        });
    }
    Ok(change)
}

/// One piece of evidence as a level reads it: when it was observed, its attempt and its share.
type Piece = (Timestamp, AttemptId, f64);

/// The newest [`WINDOW`] pieces of evidence of each of `codes`, newest first: per competency one
/// query that reads that many index entries at most.
fn newest_evidence<'c>(
    conn: &mut DbConn,
    user: UserId,
    codes: &BTreeSet<&'c str>,
) -> QueryResult<BTreeMap<&'c str, Vec<Piece>>> {
    let mut out = BTreeMap::new();
    for code in codes {
        let pieces: Vec<Piece> = competency_evidence::table
            .filter(competency_evidence::user_id.eq(user))
            .filter(competency_evidence::competency.eq(code))
            .order((
                competency_evidence::observed_at.desc(),
                competency_evidence::attempt_id.desc(),
            ))
            .select((
                competency_evidence::observed_at,
                competency_evidence::attempt_id,
                competency_evidence::share,
            ))
            .limit(WINDOW as i64)
            .load(conn)?;
        out.insert(*code, pieces);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(level: f64, mastered: bool) -> CompetencyLevel {
        CompetencyLevel {
            level,
            mastered,
            evidence: 1,
        }
    }

    #[test]
    fn recent_evidence_weighs_more_than_old() {
        let improving = decaying_average(&[1.0, 0.0]).unwrap();
        let declining = decaying_average(&[0.0, 1.0]).unwrap();
        assert!((improving - 1.0 / 1.7).abs() < 1e-12);
        assert!(improving > 0.5 && declining < 0.5);
        assert_eq!(decaying_average(&[]), None);
        // Only the window counts: a long-past failure drops out.
        let mut shares = vec![1.0; WINDOW];
        shares.push(0.0);
        assert_eq!(decaying_average(&shares), Some(1.0));
    }

    #[test]
    fn readiness_is_mastery_of_exactly_the_required_competencies() {
        let market = framework().market("DE").unwrap();
        let mut levels: BTreeMap<String, CompetencyLevel> = market
            .required
            .iter()
            .map(|c| (c.clone(), level(0.9, true)))
            .collect();
        let ready = market_readiness(&levels, "DE").unwrap();
        assert!(ready.ready && ready.missing.is_empty());
        assert!((ready.readiness - 0.9).abs() < 1e-12);
        let first = market.required[0].clone();
        levels.insert(first.clone(), level(0.3, false));
        let not_ready = market_readiness(&levels, "DE").unwrap();
        assert!(!not_ready.ready);
        assert_eq!(not_ready.missing, vec![first]);
        assert!(market_readiness(&levels, "XX").is_none());
    }

    #[test]
    fn areas_average_over_all_their_competencies() {
        let area = &framework().areas[0];
        let code = area.competencies[0].code.clone();
        let levels = BTreeMap::from([(code, level(1.0, true))]);
        let summary = &area_summaries(&levels)[0];
        assert_eq!(summary.area, area.code);
        assert_eq!(summary.mastered, 1);
        assert_eq!(summary.total, area.competencies.len());
        assert!((summary.level - 1.0 / area.competencies.len() as f64).abs() < 1e-12);
    }
}
