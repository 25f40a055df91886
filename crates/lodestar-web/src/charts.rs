//! Charts drawn on the server as SVG, readable without script: each is a `<figure>` whose
//! `<svg role="img">` is named by its own `<title>` and `<desc>`, followed by the same data
//! as a table in a `<details>` disclosure, for screen readers and for anyone who wants the
//! numbers.
//!
//! Every chart returns an HTML fragment meant for askama's `|safe`: all text given (titles,
//! skill names, labels) is escaped here, and ids are prefixed with the chart's own id so
//! several charts can share a page. Colours come from classes styled in `app.css`
//! (`chart-line`, `chart-point`, `chart-flag`, `chart-series-1`, …); coordinates are rounded
//! to one decimal so the output is stable.
//!
//! ```
//! use chrono::NaiveDate;
//! use lodestar_web::charts::{Caption, LineChart, Point};
//!
//! let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).expect("a date");
//! let points = [
//!     Point { date: day(1), value: 7.0, flagged: false },
//!     Point { date: day(8), value: 3.0, flagged: true },
//! ];
//! let html = LineChart {
//!     caption: Caption {
//!         id: "confidence",
//!         title: "Confidence over time",
//!         description: "Confidence at each check-in, from 1 to 10.",
//!         empty: "No check-ins yet",
//!     },
//!     y_label: "Confidence",
//!     y_range: (1.0, 10.0),
//!     flag_label: "Marked drop",
//!     points: &points,
//! }
//! .render(); // in a template: {{ confidence_chart|safe }}
//! assert!(html.contains("aria-labelledby=\"confidence-title confidence-desc\""));
//! ```

mod grouped;
mod line;
mod monthly;

use std::fmt::Write as _;

pub use grouped::{BarGroup, GroupedBars};
pub use line::{LineChart, Point};
pub use monthly::{MonthCount, MonthlyBars};

/// The words around a chart, all given by the caller (they may come from users: they are
/// escaped).
#[derive(Clone, Copy, Debug)]
pub struct Caption<'a> {
    /// Prefix of every id in the fragment; unique on the page ("confidence"). Characters
    /// other than ASCII letters, digits, `-` and `_` become `-`.
    pub id: &'a str,
    /// What the chart shows, in a few words ("Confidence over time").
    pub title: &'a str,
    /// One or two sentences on how to read it; a summary of the data is appended.
    pub description: &'a str,
    /// Shown instead of a plot when there is nothing to draw ("No check-ins yet").
    pub empty: &'a str,
}

/// The width of every chart's view box; the height depends on the chart.
const WIDTH: f64 = 640.0;

/// `text` escaped for HTML and XML text and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number rounded to one decimal, without a trailing `.0` and never `-0`.
fn num(x: f64) -> String {
    // In whole tenths, so that no float is formatted (exact float formatting is slow, and a
    // chart writes hundreds of numbers).
    #[allow(clippy::cast_possible_truncation)]
    let tenths = if x.is_finite() {
        (x * 10.0).round() as i64
    } else {
        0
    };
    let (sign, abs) = (if tenths < 0 { "-" } else { "" }, tenths.unsigned_abs());
    match (abs / 10, abs % 10) {
        (0, 0) => "0".to_owned(),
        (whole, 0) => format!("{sign}{whole}"),
        (whole, tenth) => format!("{sign}{whole}.{tenth}"),
    }
}

/// An id prefix safe in an attribute and in `aria-labelledby`'s space-separated list.
fn id_prefix(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "chart".to_owned()
    } else {
        cleaned
    }
}

/// Ticks for a value axis from `min` to `max`: a step of 1, 2 or 5 times a power of ten,
/// at least `least_step`, the smallest giving at most `most` ticks.
fn value_ticks(min: f64, max: f64, most: usize, least_step: f64) -> Vec<f64> {
    let span = (max - min).abs().max(f64::EPSILON);
    let mut magnitude = 10f64.powf((span / most.max(1) as f64).log10().floor());
    loop {
        for factor in [1.0, 2.0, 5.0] {
            let step = factor * magnitude;
            if step < least_step {
                continue;
            }
            let first = (min / step).ceil();
            let last = (max / step).floor();
            if last - first + 1.0 <= most as f64 {
                return (first as i64..=last as i64)
                    .map(|i| i as f64 * step)
                    .collect();
            }
        }
        magnitude *= 10.0;
    }
}

/// A rectangle of the view box: where the marks go.
#[derive(Clone, Copy, Debug)]
struct Plot {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Plot {
    fn width(&self) -> f64 {
        self.right - self.left
    }
    fn height(&self) -> f64 {
        self.bottom - self.top
    }
}

/// One row of the fallback table: its header cell and its data cells (plain text).
struct Row {
    head: String,
    cells: Vec<String>,
}

/// The fallback table: `columns[0]` heads the row headers.
struct Table<'a> {
    columns: Vec<&'a str>,
    rows: Vec<Row>,
}

impl Table<'_> {
    fn html(&self, caption: &str) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<details class=\"chart-data\"><summary>Show the data</summary>\
             <div class=\"table-scroll\"><table class=\"data\"><caption>{}</caption><thead><tr>",
            esc(caption)
        );
        for (i, column) in self.columns.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"num\"" };
            let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", esc(column));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(&row.head));
            for cell in &row.cells {
                let _ = write!(out, "<td class=\"num\">{}</td>", esc(cell));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div></details>");
        out
    }
}

/// The figure around a chart's SVG body: its opening tag with `<title>` and `<desc>`, the
/// body, then the caption and the table.
fn figure(caption: &Caption, summary: &str, height: f64, body: &str, table: &Table) -> String {
    let id = id_prefix(caption.id);
    let title = esc(caption.title);
    let description = esc(caption.description);
    let mut desc = description.clone();
    if !summary.is_empty() {
        if !desc.is_empty() {
            desc.push(' ');
        }
        desc.push_str(&esc(summary));
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"{id}\">\
         <figcaption><span class=\"chart-title\">{title}</span> \
         <span class=\"chart-desc\">{description}</span></figcaption>\
         <div class=\"chart-scroll\"><svg class=\"chart-svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        w = num(WIDTH),
        h = num(height),
    );
    out.push_str(body);
    out.push_str("</svg></div>");
    out.push_str(&table.html(caption.title));
    out.push_str("</figure>");
    out
}

/// What a chart shows when it has no data: its title and the caller's message, no plot.
fn empty(caption: &Caption) -> String {
    format!(
        "<figure class=\"chart chart-empty\" id=\"{}\"><figcaption><span class=\"chart-title\">{}</span>\
         </figcaption><p class=\"chart-empty-message\">{}</p></figure>",
        id_prefix(caption.id),
        esc(caption.title),
        esc(caption.empty)
    )
}

/// A legend entry: a swatch of `class` and the series' name, at (x, y); returns the x
/// where the next entry may start.
fn legend_entry(out: &mut String, x: f64, y: f64, swatch: &str, name: &str) -> f64 {
    let _ = write!(
        out,
        "{swatch}<text class=\"chart-legend\" x=\"{}\" y=\"{}\">{}</text>",
        num(x + 16.0),
        num(y + 4.0),
        esc(name)
    );
    // About 7 units a character at the legend's size, and a gap.
    x + 16.0 + name.chars().count() as f64 * 7.0 + 20.0
}

#[cfg(test)]
mod test_support {
    //! Reading a rendered fragment back, for the charts' tests.

    /// The text between each `open` (an opening tag's start, such as `<td`) and the next
    /// `close`, with the tag's attributes dropped.
    pub fn contents(html: &str, open: &str, close: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len()..];
            let Some(body_start) = after.find('>') else {
                break;
            };
            let body = &after[body_start + 1..];
            let Some(end) = body.find(close) else { break };
            found.push(body[..end].to_owned());
            rest = &body[end..];
        }
        found
    }

    /// The fragment with a line per element, for snapshots a reviewer can read.
    pub fn lines(html: &str) -> String {
        html.replace("><", ">\n<")
    }

    /// The data rows of the table: each row's header and cells.
    pub fn table_rows(html: &str) -> Vec<Vec<String>> {
        let tbody = &contents(html, "<tbody", "</tbody>")[0];
        contents(tbody, "<tr", "</tr>")
            .iter()
            .map(|row| {
                let mut cells = contents(row, "<th", "</th>");
                cells.extend(contents(row, "<td", "</td>"));
                cells
            })
            .collect()
    }

    /// The value of `name` in every tag that starts with `tag` (such as
    /// `<circle class="chart-point`).
    pub fn attributes(html: &str, tag: &str, name: &str) -> Vec<f64> {
        let needle = format!(" {name}=\"");
        html.match_indices(tag)
            .map(|(at, _)| {
                let rest = &html[at..];
                let tag_end = rest.find('>').expect("a closed tag");
                let tag = &rest[..tag_end];
                let start = tag.find(&needle).expect("the attribute") + needle.len();
                let len = tag[start..].find('"').expect("a quoted value");
                tag[start..start + len].parse().expect("a number")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_decimal_at_most() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.26), "1.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(100.04), "100");
        assert_eq!(num(-1.26), "-1.3");
        assert_eq!(num(-0.3), "-0.3");
        assert_eq!(num(f64::INFINITY), "0");
    }

    #[test]
    fn text_and_ids_are_escaped() {
        assert_eq!(
            esc("<b>\"Tom\" & 'Jerry'</b>"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(id_prefix("a b\"<c>"), "a-b--c-");
        assert_eq!(id_prefix(""), "chart");
    }

    #[test]
    fn value_ticks_are_round_and_few() {
        let whole = |range: std::ops::RangeInclusive<i32>| range.map(f64::from).collect::<Vec<_>>();
        assert_eq!(value_ticks(1.0, 10.0, 10, 1.0), whole(1..=10));
        assert_eq!(value_ticks(0.0, 5.0, 6, 1.0), whole(0..=5));
        assert_eq!(value_ticks(0.0, 37.0, 6, 1.0), vec![0.0, 10.0, 20.0, 30.0]);
        assert_eq!(value_ticks(0.0, 12.0, 6, 1.0), vec![0.0, 5.0, 10.0]);
        // Counts are whole: no tick at 0.2 for a largest count of 1.
        assert_eq!(value_ticks(0.0, 1.0, 6, 1.0), whole(0..=1));
        assert_eq!(value_ticks(0.0, 1.0, 6, 0.0).len(), 6);
    }
}
