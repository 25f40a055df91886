//! Messages as HTML: a small Markdown subset (emphasis, lists, links, inline code and code
//! blocks, quotes) rendered by `pulldown-cmark`, then cleaned by `ammonia` to an allow-list
//! of tags, with links only to http, https and mailto addresses and `rel="nofollow
//! noopener"` on every one.
//!
//! Two layers, each sufficient on its own for what it guards: raw HTML in a message never
//! reaches the output as markup, because the Markdown events for it are turned into text
//! (so `<script>` shows as the characters `<script>`); and whatever the Markdown renderer
//! writes, the sanitiser lets through only the tags and attributes listed here.
//!
//! The HTML is made when a message is written or edited and stored beside its source,
//! with [`RENDER_VERSION`]: a page of fifty messages, or a live stream's push, costs no
//! rendering. A change to what is rendered or allowed bumps the version, and rows of an
//! older one are rendered again as they are read, so no stored HTML outlives the rules
//! that made it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The version of the rendering rules below. Bump it whenever they change.
pub const RENDER_VERSION: i64 = 1;

/// Longest preview of a message in lists, in characters.
pub const EXCERPT_CHARS: usize = 120;

fn options() -> Options {
    Options::ENABLE_STRIKETHROUGH
}

/// The Markdown events of `source`, narrowed to the subset messages use: raw HTML becomes
/// text, headings become paragraphs, and images leave only their description.
fn events(source: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new_ext(source, options()).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::HtmlBlock) | Event::Start(Tag::Heading { .. }) => {
            Some(Event::Start(Tag::Paragraph))
        }
        Event::End(TagEnd::HtmlBlock) | Event::End(TagEnd::Heading(_)) => {
            Some(Event::End(TagEnd::Paragraph))
        }
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    })
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .tags(HashSet::from([
                "p",
                "br",
                "em",
                "strong",
                "del",
                "ul",
                "ol",
                "li",
                "a",
                "code",
                "pre",
                "blockquote",
                "hr",
            ]))
            .generic_attributes(HashSet::new())
            .tag_attributes(HashMap::from([
                ("a", HashSet::from(["href"])),
                ("ol", HashSet::from(["start"])),
            ]))
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("nofollow noopener"))
            .strip_comments(true);
        builder
    })
}

/// A message's Markdown source as safe HTML.
pub fn render(source: &str) -> String {
    let mut html = String::with_capacity(source.len() + source.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events(source));
    sanitizer().clean(&html).to_string()
}

/// A message's text without its markup, on one line, cut to `max` characters: for lists
/// and e-mail subjects.
pub fn excerpt(source: &str, max: usize) -> String {
    let mut text = String::new();
    for event in events(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock) => {
                text.push(' ');
            }
            _ => {}
        }
        if text.chars().count() > max * 2 {
            break;
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_renders() {
        assert_eq!(
            render("*hi* and **there**"),
            "<p><em>hi</em> and <strong>there</strong></p>\n"
        );
        assert_eq!(
            render("- one\n- two"),
            "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        );
        assert_eq!(
            render("1. one\n2. two"),
            "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"
        );
        assert_eq!(
            render("use `cargo test`"),
            "<p>use <code>cargo test</code></p>\n"
        );
        assert_eq!(
            render("```rust\nfn main() {}\n```"),
            "<pre><code>fn main() {}\n</code></pre>\n"
        );
        assert_eq!(
            render("[the book](https://doc.rust-lang.org/book/)"),
            "<p><a href=\"https://doc.rust-lang.org/book/\" rel=\"nofollow noopener\">the book</a></p>\n"
        );
        assert_eq!(
            render("[me](mailto:ada@example.org)"),
            "<p><a href=\"mailto:ada@example.org\" rel=\"nofollow noopener\">me</a></p>\n"
        );
    }

    #[test]
    fn raw_html_and_scripts_come_out_as_text() {
        let html = render("<script>alert(1)</script>");
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        let html = render("Hello <img src=x onerror=alert(1)> there <b>bold</b>");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        let html = render("<div onclick=\"x()\">\nblock\n</div>");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;div"), "{html}");
    }

    #[test]
    fn only_web_and_mail_links_keep_their_address() {
        for bad in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
            "[x](/relative/path)",
            "<javascript:alert(1)>",
        ] {
            let html = render(bad);
            assert!(!html.contains("href"), "{bad}: {html}");
            assert!(
                !html.to_lowercase().contains("=\"javascript"),
                "{bad}: {html}"
            );
            assert!(html.contains("rel=\"nofollow noopener\""), "{bad}: {html}");
        }
        assert!(render("<https://example.org>").contains("href=\"https://example.org\""));
    }

    #[test]
    fn headings_images_and_tables_are_not_part_of_it() {
        assert_eq!(render("# Big"), "<p>Big</p>\n");
        assert_eq!(
            render("![a cat](https://example.org/cat.png)"),
            "<p>a cat</p>\n"
        );
        assert!(!render("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table"));
    }

    #[test]
    fn an_excerpt_is_plain_one_line_and_cut() {
        assert_eq!(excerpt("*Hello*\n\n- one\n- `two`", 100), "Hello one two");
        assert_eq!(excerpt("<b>x</b>", 100), "<b>x</b>");
        assert_eq!(excerpt(&"word ".repeat(50), 12), "word word w…");
    }
}
