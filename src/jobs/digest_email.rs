//! The weekly progress digest as an email: pure functions from an organization's figures to a
//! text and an HTML body (names HTML-escaped), so its wording is unit-tested without a database.

use crate::db::sql_types::Timestamp;
use crate::mail::Message;

/// One organization's figures for the digest.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgDigest {
    pub org_id: String,
    pub org_name: String,
    /// Trainees (student members) with any activity in the last 7 days.
    pub active_trainees: i64,
    /// Enrollments of the organization's trainees that are not withdrawn.
    pub enrollments: i64,
    /// Courses the organization's trainees completed in the last 7 days.
    pub completed_this_week: i64,
    /// Certificates issued to the organization's trainees in the last 7 days.
    pub certificates_this_week: i64,
    /// The trainees with the most recent activity, newest first (at most 5).
    pub recent: Vec<RecentTrainee>,
}

/// A trainee and the enrollment they were last active in.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentTrainee {
    pub name: String,
    pub course_title: String,
    pub percent: f64,
    pub last_activity_at: Timestamp,
    pub completed: bool,
}

fn escape(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

fn trainee_line(t: &RecentTrainee) -> String {
    let state = if t.completed {
        "completed".to_owned()
    } else {
        format!("{:.0}%", t.percent)
    };
    format!(
        "{}: {} ({state}), last active {}",
        t.name,
        t.course_title,
        t.last_activity_at.to_rfc3339()
    )
}

/// The digest email for one org_admin (`to`, `name`) of `digest`'s organization.
pub fn digest_message(
    base: &str,
    to: &str,
    name: &str,
    period: &str,
    digest: &OrgDigest,
) -> Message {
    let report = format!(
        "{}/api/v1/orgs/{}/reports/progress",
        base.trim_end_matches('/'),
        digest.org_id
    );
    let figures = [
        ("Active trainees", digest.active_trainees),
        ("Enrollments", digest.enrollments),
        ("Courses completed this week", digest.completed_this_week),
        (
            "Certificates issued this week",
            digest.certificates_this_week,
        ),
    ];
    let subject = format!("Weekly progress digest for {} ({period})", digest.org_name);
    let intro = format!(
        "Here is how the trainees of {} did in the last 7 days ({period}).",
        digest.org_name
    );

    let mut text = format!("Hello {name},\n\n{intro}\n\n");
    for (label, n) in figures {
        text.push_str(&format!("{label}: {n}\n"));
    }
    text.push_str("\nMost recently active trainees:\n");
    if digest.recent.is_empty() {
        text.push_str("- nobody yet\n");
    }
    for t in &digest.recent {
        text.push_str(&format!("- {}\n", trainee_line(t)));
    }
    text.push_str(&format!(
        "\nFull progress report: {report}\n\nYou receive this email because weekly digests are turned on for {}; an organization admin can turn them off.\n\n-- Caravan\n",
        digest.org_name
    ));

    let mut html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;line-height:1.5\"><p>Hello {},</p><p>{}</p><table>",
        escape(name),
        escape(&intro)
    );
    for (label, n) in figures {
        html.push_str(&format!(
            "<tr><td>{}</td><td style=\"text-align:right;padding-left:16px\"><strong>{n}</strong></td></tr>",
            escape(label)
        ));
    }
    html.push_str("</table><p>Most recently active trainees:</p><ul>");
    if digest.recent.is_empty() {
        html.push_str("<li>nobody yet</li>");
    }
    for t in &digest.recent {
        html.push_str(&format!("<li>{}</li>", escape(&trainee_line(t))));
    }
    html.push_str(&format!(
        "</ul><p><a href=\"{}\">Open the full progress report</a></p>\
         <p style=\"color:#555;font-size:13px\">You receive this email because weekly digests are turned on for {}; an organization admin can turn them off.</p><p>-- Caravan</p></body></html>",
        escape(&report),
        escape(&digest.org_name)
    ));
    Message {
        to: to.to_owned(),
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest() -> OrgDigest {
        OrgDigest {
            org_id: "0190".into(),
            org_name: "North <College>".into(),
            active_trainees: 3,
            enrollments: 7,
            completed_this_week: 2,
            certificates_this_week: 1,
            recent: vec![RecentTrainee {
                name: "Ana & Bo".into(),
                course_title: "GPSR basics".into(),
                percent: 66.6,
                last_activity_at: Timestamp("2026-12-07T09:00:00Z".parse().unwrap()),
                completed: false,
            }],
        }
    }

    #[test]
    fn the_digest_lists_the_figures_and_recent_trainees_escaped_in_html() {
        let m = digest_message(
            "https://c.example/",
            "a@x.test",
            "Admin",
            "2026-W50",
            &digest(),
        );
        assert_eq!(m.to, "a@x.test");
        assert_eq!(
            m.subject,
            "Weekly progress digest for North <College> (2026-W50)"
        );
        assert!(m.text.contains("Active trainees: 3\n"));
        assert!(m.text.contains("Enrollments: 7\n"));
        assert!(m.text.contains("Courses completed this week: 2\n"));
        assert!(m.text.contains("Certificates issued this week: 1\n"));
        assert!(m
            .text
            .contains("- Ana & Bo: GPSR basics (67%), last active 2026-12-07T09:00:00Z"));
        assert!(m
            .text
            .contains("https://c.example/api/v1/orgs/0190/reports/progress"));
        assert!(m.html.contains("Ana &amp; Bo"));
        assert!(m.html.contains("North &lt;College&gt;"));
        assert!(!m.html.contains("<College>"));
    }

    #[test]
    fn an_organization_without_activity_says_so() {
        let mut d = digest();
        d.recent.clear();
        let m = digest_message("https://c.example", "a@x.test", "Admin", "2026-W50", &d);
        assert!(m.text.contains("- nobody yet"));
        assert!(m.html.contains("<li>nobody yet</li>"));
    }
}
