//! A line over time with a point per value, some marked (confidence check-ins, with their
//! marked drops).

use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate};

use super::{Caption, Plot, Row, Table, WIDTH, esc, legend_entry, num, value_ticks};

/// One value on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
    /// Drawn larger and in the flag's colour, named by [`LineChart::flag_label`].
    pub flagged: bool,
}

/// Values over time: dates spread by the time between them, a point per value.
#[derive(Clone, Copy, Debug)]
pub struct LineChart<'a> {
    pub caption: Caption<'a>,
    /// The values' name, beside the vertical axis and atop the table's column
    /// ("Confidence (1–10)").
    pub y_label: &'a str,
    /// The vertical axis, lowest to highest; values outside are drawn at its edge.
    pub y_range: (f64, f64),
    /// What a flagged point means, in the legend and the table ("Marked drop").
    pub flag_label: &'a str,
    /// In any order; drawn oldest first.
    pub points: &'a [Point],
}

const HEIGHT: f64 = 300.0;
/// At most this many dates under the horizontal axis, however dense the series.
const MOST_DATE_TICKS: usize = 8;
const PLOT: Plot = Plot {
    left: 52.0,
    top: 36.0,
    right: WIDTH - 16.0,
    bottom: HEIGHT - 40.0,
};
/// Space between the plot's sides and the first and last points, so no point sits on
/// the axis.
const INSET: f64 = 12.0;

impl LineChart<'_> {
    /// The chart as an HTML fragment, or the caption's `empty` message when there are no
    /// points.
    pub fn render(&self) -> String {
        if self.points.is_empty() {
            return super::empty(&self.caption);
        }
        let mut points: Vec<&Point> = self.points.iter().collect();
        points.sort_by_key(|point| point.date);
        let first = points[0].date;
        let last = points[points.len() - 1].date;
        let (low, high) = self.y_range;
        let scale = Scale {
            first,
            days: (last - first).num_days(),
            low,
            high,
        };

        let mut body = String::new();
        for tick in value_ticks(low, high, 10, 1.0) {
            let y = num(scale.y(tick));
            let _ = write!(
                body,
                "<line class=\"chart-grid\" stroke=\"#ccc\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>\
                 <text class=\"chart-tick\" x=\"{}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{}</text>",
                num(PLOT.left),
                num(PLOT.right),
                num(PLOT.left - 8.0),
                num(tick)
            );
        }
        for (date, label) in date_ticks(first, last, MOST_DATE_TICKS) {
            let x = num(scale.x(date));
            let _ = write!(
                body,
                "<line class=\"chart-tick-mark\" stroke=\"#888\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/>\
                 <text class=\"chart-tick chart-x-tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(PLOT.bottom),
                num(PLOT.bottom + 5.0),
                num(PLOT.bottom + 20.0),
                esc(&label)
            );
        }
        let _ = write!(
            body,
            "<line class=\"chart-axis\" stroke=\"#888\" x1=\"{l}\" x2=\"{l}\" y1=\"{t}\" y2=\"{b}\"/>\
             <line class=\"chart-axis\" stroke=\"#888\" x1=\"{l}\" x2=\"{r}\" y1=\"{b}\" y2=\"{b}\"/>\
             <text class=\"chart-axis-label\" transform=\"translate(14 {m}) rotate(-90)\" \
             text-anchor=\"middle\">{label}</text>",
            l = num(PLOT.left),
            r = num(PLOT.right),
            t = num(PLOT.top),
            b = num(PLOT.bottom),
            m = num((PLOT.top + PLOT.bottom) / 2.0),
            label = esc(self.y_label),
        );

        let line: Vec<String> = points
            .iter()
            .map(|point| format!("{},{}", num(scale.x(point.date)), num(scale.y(point.value))))
            .collect();
        let _ = write!(
            body,
            "<polyline class=\"chart-line\" fill=\"none\" stroke=\"currentColor\" points=\"{}\"/>",
            line.join(" ")
        );
        // Smaller points where they would touch, so a dense series stays a line.
        let dense = (PLOT.width() - 2.0 * INSET) / points.len() as f64 <= 10.0;
        for point in &points {
            let (class, radius) = match (point.flagged, dense) {
                (true, false) => ("chart-point chart-flag", 6.0),
                (true, true) => ("chart-point chart-flag", 4.5),
                (false, false) => ("chart-point", 4.0),
                (false, true) => ("chart-point", 2.5),
            };
            let mut hint = format!("{}: {}", long_date(point.date), num(point.value));
            if point.flagged {
                hint = format!("{hint} ({})", self.flag_label);
            }
            let _ = write!(
                body,
                "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}</title></circle>",
                num(scale.x(point.date)),
                num(scale.y(point.value)),
                num(radius),
                esc(&hint)
            );
        }

        let flagged = points.iter().filter(|point| point.flagged).count();
        let (mut x, y) = (PLOT.left, 16.0);
        x = legend_entry(
            &mut body,
            x,
            y,
            &format!(
                "<line class=\"chart-line\" stroke=\"currentColor\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
                num(x),
                num(x + 12.0)
            ),
            self.y_label,
        );
        if flagged > 0 {
            legend_entry(
                &mut body,
                x,
                y,
                &format!(
                    "<circle class=\"chart-flag chart-swatch\" cx=\"{}\" cy=\"{y}\" r=\"6\"/>",
                    num(x + 6.0)
                ),
                self.flag_label,
            );
        }

        let table = Table {
            columns: vec!["Date", self.y_label, self.flag_label],
            rows: points
                .iter()
                .map(|point| Row {
                    head: long_date(point.date),
                    cells: vec![
                        num(point.value),
                        if point.flagged { "Yes" } else { "No" }.to_owned(),
                    ],
                })
                .collect(),
        };
        let values = points.iter().map(|point| point.value);
        let lowest = values.clone().fold(f64::INFINITY, f64::min);
        let highest = values.fold(f64::NEG_INFINITY, f64::max);
        let mut summary = format!(
            "{} values from {} to {}; lowest {}, highest {}, latest {}.",
            points.len(),
            long_date(first),
            long_date(last),
            num(lowest),
            num(highest),
            num(points[points.len() - 1].value)
        );
        if flagged > 0 {
            summary = format!("{summary} {}: {flagged}.", self.flag_label);
        }
        super::figure(&self.caption, &summary, HEIGHT, &body, &table)
    }
}

/// Where dates and values fall in the plot.
struct Scale {
    first: NaiveDate,
    days: i64,
    low: f64,
    high: f64,
}

impl Scale {
    fn x(&self, date: NaiveDate) -> f64 {
        let width = PLOT.width() - 2.0 * INSET;
        if self.days == 0 {
            return PLOT.left + PLOT.width() / 2.0;
        }
        let share = (date - self.first).num_days() as f64 / self.days as f64;
        PLOT.left + INSET + share * width
    }

    fn y(&self, value: f64) -> f64 {
        let span = (self.high - self.low).max(f64::EPSILON);
        let share = ((value - self.low) / span).clamp(0.0, 1.0);
        PLOT.bottom - share * PLOT.height()
    }
}

/// "12 Mar 2026".
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// At most `most` dates from `first` to `last` to label the horizontal axis: every day,
/// two days, week or fortnight from `first` ("12 Mar") while that is few enough, else the
/// first of every month, two, three or six months, or years ("Mar 2026").
fn date_ticks(first: NaiveDate, last: NaiveDate, most: usize) -> Vec<(NaiveDate, String)> {
    let days = (last - first).num_days().max(0);
    let most = most.max(1) as i64;
    for step in [1, 2, 7, 14] {
        if days / step < most {
            return (0..=days / step)
                .filter_map(|i| first.checked_add_days(Days::new((i * step) as u64)))
                .map(|date| (date, date.format("%-d %b").to_string()))
                .collect();
        }
    }
    let month_index = |date: NaiveDate| i64::from(date.year()) * 12 + i64::from(date.month0());
    let start = month_index(first) + i64::from(first.day() != 1);
    let end = month_index(last);
    let mut step = 1;
    loop {
        let count = (start..=end).filter(|m| m % step == 0).count() as i64;
        if count <= most {
            return (start..=end)
                .filter(|m| m % step == 0)
                .filter_map(|m| NaiveDate::from_ymd_opt((m / 12) as i32, (m % 12) as u32 + 1, 1))
                .map(|date| (date, date.format("%b %Y").to_string()))
                .collect();
        }
        step = match step {
            1 => 2,
            2 => 3,
            3 => 6,
            6 => 12,
            _ => step + 12,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{attributes, contents, table_rows};
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    fn point(date: &str, value: f64, flagged: bool) -> Point {
        Point {
            date: day(date),
            value,
            flagged,
        }
    }

    fn chart(points: &[Point]) -> String {
        LineChart {
            caption: Caption {
                id: "confidence",
                title: "Confidence over time",
                description: "Confidence at each check-in, from 1 to 10.",
                empty: "No check-ins yet",
            },
            y_label: "Confidence",
            y_range: (1.0, 10.0),
            flag_label: "Marked drop",
            points,
        }
        .render()
    }

    fn check_ins() -> Vec<Point> {
        vec![
            point("2026-03-01", 6.0, false),
            point("2026-03-08", 7.0, false),
            point("2026-03-29", 3.0, true),
            point("2026-04-05", 10.0, false),
            point("2026-04-06", 1.0, false),
        ]
    }

    #[test]
    fn the_table_holds_every_check_in_oldest_first() {
        let mut shuffled = check_ins();
        shuffled.reverse();
        let rows = table_rows(&chart(&shuffled));
        let expected = [
            ["1 Mar 2026", "6", "No"],
            ["8 Mar 2026", "7", "No"],
            ["29 Mar 2026", "3", "Yes"],
            ["5 Apr 2026", "10", "No"],
            ["6 Apr 2026", "1", "No"],
        ];
        assert_eq!(rows, expected.map(|row| row.map(str::to_owned).to_vec()));
    }

    #[test]
    fn every_check_in_is_a_point_and_the_flagged_ones_are_marked() {
        let html = chart(&check_ins());
        assert_eq!(html.matches("<circle class=\"chart-point").count(), 5);
        assert_eq!(
            html.matches("<circle class=\"chart-point chart-flag\"")
                .count(),
            1
        );
        let flagged = contents(
            &html,
            "<circle class=\"chart-point chart-flag\"",
            "</circle>",
        );
        assert_eq!(flagged, ["<title>29 Mar 2026: 3 (Marked drop)</title>"]);
        assert!(
            html.contains("Marked drop: 1."),
            "the summary counts the flags"
        );
        let unflagged = chart(&[point("2026-03-01", 6.0, false)]);
        assert!(
            !unflagged.contains("chart-flag"),
            "no legend entry without flags"
        );
    }

    #[test]
    fn dates_are_spread_by_the_time_between_them() {
        let html = chart(&check_ins());
        let xs = attributes(&html, "<circle class=\"chart-point", "cx");
        assert!(xs.windows(2).all(|pair| pair[0] < pair[1]), "{xs:?}");
        // 7, 21, 7 and 1 days apart.
        let week = xs[1] - xs[0];
        assert!(((xs[2] - xs[1]) / week - 3.0).abs() < 0.02, "{xs:?}");
        assert!(((xs[3] - xs[2]) - week).abs() < 0.2, "{xs:?}");
        assert!(((xs[4] - xs[3]) * 7.0 - week).abs() < 0.8, "{xs:?}");
    }

    #[test]
    fn higher_values_are_drawn_higher() {
        let html = chart(&check_ins());
        let ys = attributes(&html, "<circle class=\"chart-point", "cy");
        let (ten, one) = (ys[3], ys[4]);
        assert!(ten < one, "10 at y={ten}, 1 at y={one}");
        assert_eq!((ten, one), (PLOT.top, PLOT.bottom));
        assert!(ys[1] < ys[0], "7 above 6");
    }

    #[test]
    fn two_years_of_weekly_check_ins_have_few_date_labels() {
        let start = day("2025-01-06");
        let points: Vec<Point> = (0..104)
            .map(|week| Point {
                date: start + Days::new(week * 7),
                value: (week % 10 + 1) as f64,
                flagged: week % 13 == 0,
            })
            .collect();
        let html = chart(&points);
        let labels = contents(&html, "<text class=\"chart-tick chart-x-tick\"", "</text>");
        assert!((2..=8).contains(&labels.len()), "{labels:?}");
        assert!(
            labels.iter().all(|label| label.len() == "Mar 2026".len()),
            "{labels:?}"
        );
        assert_eq!(html.matches("<circle class=\"chart-point").count(), 104);
        assert_eq!(table_rows(&html).len(), 104);
    }

    #[test]
    fn date_ticks_suit_the_span() {
        let labels = |first: &str, last: &str| -> Vec<String> {
            date_ticks(day(first), day(last), 8)
                .into_iter()
                .map(|(_, label)| label)
                .collect()
        };
        assert_eq!(labels("2026-03-12", "2026-03-12"), ["12 Mar"]);
        assert_eq!(
            labels("2026-03-12", "2026-03-15"),
            ["12 Mar", "13 Mar", "14 Mar", "15 Mar"]
        );
        assert_eq!(
            labels("2026-03-01", "2026-03-29"),
            ["1 Mar", "8 Mar", "15 Mar", "22 Mar", "29 Mar"]
        );
        assert_eq!(
            labels("2026-01-15", "2026-06-20"),
            ["Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026"]
        );
        assert_eq!(
            labels("2016-05-01", "2026-06-20"),
            ["Jan 2018", "Jan 2020", "Jan 2022", "Jan 2024", "Jan 2026"]
        );
    }

    #[test]
    fn a_single_check_in_sits_in_the_middle() {
        let html = chart(&[point("2026-03-01", 5.0, false)]);
        let xs = attributes(&html, "<circle class=\"chart-point", "cx");
        assert_eq!(xs, [PLOT.left + PLOT.width() / 2.0]);
    }

    #[test]
    fn no_check_ins_give_the_message_and_no_plot() {
        let html = chart(&[]);
        assert!(html.contains("No check-ins yet"));
        assert!(!html.contains("<svg"));
        assert!(!html.contains("<table"));
    }

    #[test]
    fn ids_are_prefixed_and_labels_are_escaped() {
        let html = LineChart {
            caption: Caption {
                id: "mentee-7-confidence",
                title: "Tom & <script>alert(1)</script>",
                description: "\"quoted\"",
                empty: "",
            },
            y_label: "<b>level</b>",
            y_range: (1.0, 10.0),
            flag_label: "drop & <i>",
            points: &[point("2026-03-01", 2.0, true)],
        }
        .render();
        assert!(
            html.contains("aria-labelledby=\"mentee-7-confidence-title mentee-7-confidence-desc\"")
        );
        assert!(html.contains("<title id=\"mentee-7-confidence-title\">"));
        assert!(html.contains("<desc id=\"mentee-7-confidence-desc\">"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>") && !html.contains("<i>"));
        assert!(html.contains("Tom &amp; &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;level&lt;/b&gt;"));
        assert!(html.contains("drop &amp; &lt;i&gt;"));
        assert!(html.contains("&quot;quoted&quot;"));
    }

    #[test]
    fn the_fragment_is_stable() {
        insta::assert_snapshot!(super::super::test_support::lines(&chart(&check_ins())));
    }
}
