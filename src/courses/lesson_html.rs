//! A lesson's Markdown rendered as HTML a frontend may insert into a page as it is: CommonMark
//! (with tables and strikethrough) through pulldown-cmark, then sanitized by ammonia, which keeps
//! ordinary formatting and drops scripts, event handlers, styles, iframes and `javascript:` links,
//! whatever an author (or an imported course) wrote.

use pulldown_cmark::{html, Options, Parser};

/// The sanitized HTML of `markdown`.
pub fn lesson_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::lesson_html;

    #[test]
    fn markdown_becomes_html_and_active_content_is_dropped() {
        let html = lesson_html(
            "# Title\n\n**Bold** and a [link](https://example.org).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
             <script>alert(1)</script>\n\n[bad](javascript:alert(1)) <img src=x onerror=alert(1)>\n",
        );
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<strong>Bold</strong>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }
}
