//! Email templates: each returns a text and an HTML body. Values from users (names, organization
//! names) are HTML-escaped; links carry their token as a `token=` query parameter.

use super::Message;

fn escape(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

fn link(base: &str, path: &str, token: &str) -> String {
    format!("{base}{path}?token={token}")
}

fn render(
    to: &str,
    subject: &str,
    greeting: &str,
    paragraphs: &[&str],
    action: (&str, &str),
    footer: &str,
) -> Message {
    let (label, url) = action;
    let mut text = format!("{greeting}\n\n");
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{label}: {url}\n\n{footer}\n\n-- Caravan\n"));

    let mut html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif;line-height:1.5\"><p>{}</p>",
        escape(greeting)
    );
    for p in paragraphs {
        html.push_str(&format!("<p>{}</p>", escape(p)));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\" style=\"background:#0b6e4f;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px\">{}</a></p>\
         <p style=\"color:#555;font-size:13px\">{}<br>{}</p><p>-- Caravan</p></body></html>",
        escape(url),
        escape(label),
        escape(footer),
        escape(url)
    ));
    Message {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html,
    }
}

pub fn verify_email(base: &str, to: &str, name: &str, token: &str) -> Message {
    render(
        to,
        "Confirm your email address for Caravan",
        &format!("Hello {name},"),
        &["Please confirm that this is your email address so that your college or academy can reach you."],
        ("Confirm my email", &link(base, "/verify-email", token)),
        "The link works once and expires in 48 hours. If you did not create an account, ignore this message.",
    )
}

pub fn password_reset(base: &str, to: &str, name: &str, token: &str) -> Message {
    render(
        to,
        "Reset your Caravan password",
        &format!("Hello {name},"),
        &["Someone asked to reset the password of your Caravan account. Choose a new password with the link below; it signs you out everywhere else."],
        ("Choose a new password", &link(base, "/reset-password", token)),
        "The link works once and expires in 1 hour. If you did not ask for this, ignore this message: your password stays as it is.",
    )
}

pub fn invitation(base: &str, to: &str, org_name: &str, role: &str, token: &str) -> Message {
    let role_label = role.replace('_', " ");
    render(
        to,
        &format!("You are invited to {org_name} on Caravan"),
        "Hello,",
        &[&format!(
            "{org_name} invites you to join Caravan as {role_label}. Caravan is where you follow your courses in cross-border e-commerce: product quality, marketplace operations, foreign trade, languages and destination law."
        )],
        ("Accept the invitation", &link(base, "/invitations/accept", token)),
        "The link works once and expires in 14 days. If you did not expect this invitation, ignore this message.",
    )
}

pub fn enrolled(base: &str, to: &str, name: &str, course_title: &str, course_id: &str) -> Message {
    let url = format!("{base}/courses/{course_id}");
    render(
        to,
        &format!("You are enrolled in {course_title}"),
        &format!("Hello {name},"),
        &[&format!("You are now enrolled in \"{course_title}\" on Caravan. Its lessons and quizzes are open to you.")],
        ("Open the course", &url),
        "You receive this email because you, or your college or academy, enrolled you in this course.",
    )
}

pub fn certificate_issued(
    base: &str,
    to: &str,
    name: &str,
    course_title: &str,
    certificate_id: &str,
) -> Message {
    let url = format!("{base}/api/v1/certificates/{certificate_id}");
    render(
        to,
        &format!("Your certificate for {course_title}"),
        &format!("Hello {name},"),
        &[
            &format!("Congratulations: you completed \"{course_title}\" on Caravan and earned its certificate."),
            "The certificate is a signed digital credential. Share the link below with an employer: anyone can open it to check that the certificate is genuine and still valid.",
        ],
        ("Verify the certificate", &url),
        "You receive this email because you completed a course on Caravan.",
    )
}
