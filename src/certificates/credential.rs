//! The signed payload of a certificate: an Open Badges 3.0 `OpenBadgeCredential` (a W3C Verifiable
//! Credential) carried as the claims of a JWT, plus the standard JWT claims (`iss`, `sub`, `jti`,
//! `iat`, `nbf`) that tie it to one row of `certificates`.

use serde::{Deserialize, Serialize};

use crate::db::sql_types::{CertificateId, CourseId, Id, Timestamp, UserId};

/// What a credential says, gathered from the database when it is issued.
#[derive(Debug, Clone)]
pub struct Facts {
    pub certificate_id: CertificateId,
    pub user_id: UserId,
    pub trainee_name: String,
    pub course_id: CourseId,
    pub course_slug: String,
    pub course_title: String,
    pub course_summary: String,
    pub competencies: Vec<String>,
    /// The issuing organization (id, name), or None for a platform-wide course.
    pub org: Option<(Id, String)>,
    pub issued_at: Timestamp,
}

/// The JWT claims of a certificate credential. Only the fields verification compares are typed;
/// the credential body (`vc`) is kept as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub vc: serde_json::Value,
}

/// The verification URL of a certificate, which is also the credential's `id`.
pub fn certificate_url(public_url: &str, id: CertificateId) -> String {
    format!(
        "{}/api/v1/certificates/{id}",
        public_url.trim_end_matches('/')
    )
}

fn issuer_id(public_url: &str, org: Option<&(Id, String)>) -> String {
    let base = public_url.trim_end_matches('/');
    match org {
        Some((id, _)) => format!("{base}/api/v1/orgs/{id}"),
        None => base.to_owned(),
    }
}

/// Builds the claims for `facts`.
pub fn claims(public_url: &str, facts: &Facts) -> Claims {
    let url = certificate_url(public_url, facts.certificate_id);
    let issuer = issuer_id(public_url, facts.org.as_ref());
    let issuer_name = facts
        .org
        .as_ref()
        .map_or("Caravan", |(_, name)| name.as_str());
    let base = public_url.trim_end_matches('/');
    let vc = serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("Certificate of completion: {}", facts.course_title),
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": issuer_name,
        },
        "validFrom": facts.issued_at.to_rfc3339(),
        "credentialSubject": {
            "id": format!("urn:uuid:{}", facts.user_id),
            "type": ["AchievementSubject"],
            "name": facts.trainee_name,
            "achievement": {
                "id": format!("{base}/api/v1/courses/{}", facts.course_id),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": facts.course_title,
                "description": facts.course_summary,
                "criteria": {"narrative": "Completed every lesson and passed every quiz of the course."},
                "courseId": facts.course_id,
                "slug": facts.course_slug,
                "competencies": facts.competencies,
            },
        },
    });
    Claims {
        iss: issuer,
        sub: facts.user_id.to_string(),
        jti: facts.certificate_id.to_string(),
        iat: facts.issued_at.0.timestamp(),
        nbf: facts.issued_at.0.timestamp(),
        vc,
    }
}

/// The row fields a credential must agree with.
#[derive(Debug, Clone, Copy)]
pub struct RowKey {
    pub id: CertificateId,
    pub user_id: UserId,
    pub course_id: CourseId,
    pub issued_at: Timestamp,
}

/// True when `claims` describe the certificate `row` (same id, holder, course and issue time).
pub fn matches_row(claims: &Claims, row: RowKey) -> bool {
    claims.jti == row.id.to_string()
        && claims.sub == row.user_id.to_string()
        && claims.iat == row.issued_at.0.timestamp()
        && claims.vc["credentialSubject"]["achievement"]["courseId"] == row.course_id.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            certificate_id: CertificateId::new(),
            user_id: UserId::new(),
            trainee_name: "Ana".into(),
            course_id: CourseId::new(),
            course_slug: "listing-basics".into(),
            course_title: "Listing basics".into(),
            course_summary: "".into(),
            competencies: vec!["listing.title".into()],
            org: None,
            issued_at: Timestamp::now(),
        }
    }

    #[test]
    fn claims_are_an_open_badge_and_match_their_row() {
        let f = facts();
        let c = claims("https://caravan.example/", &f);
        assert_eq!(c.vc["type"][1], "OpenBadgeCredential");
        assert_eq!(c.vc["issuer"]["name"], "Caravan");
        assert_eq!(
            c.vc["id"],
            format!(
                "https://caravan.example/api/v1/certificates/{}",
                f.certificate_id
            )
        );
        let row = RowKey {
            id: f.certificate_id,
            user_id: f.user_id,
            course_id: f.course_id,
            issued_at: f.issued_at,
        };
        assert!(matches_row(&c, row));
        assert!(!matches_row(
            &c,
            RowKey {
                user_id: UserId::new(),
                ..row
            }
        ));
    }
}
