//! A count per month as bars, every month from the first to the last shown, the running
//! total in the table (goals achieved).
//!
//! The running total is not drawn: on the same axis it would dwarf the monthly bars, and a
//! second axis is hard to read. The description states the total and the table lists it
//! month by month.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::{Caption, Plot, Row, Table, WIDTH, esc, num, value_ticks};

/// How many in one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthCount {
    /// Any day of the month; only its year and month count.
    pub month: NaiveDate,
    pub count: u32,
}

/// Counts per month as vertical bars.
#[derive(Clone, Copy, Debug)]
pub struct MonthlyBars<'a> {
    pub caption: Caption<'a>,
    /// What is counted, beside the vertical axis and atop the table's column ("Goals
    /// achieved").
    pub value_label: &'a str,
    /// Heads the table's running total ("Total so far").
    pub total_label: &'a str,
    /// In any order; months given twice are added up, months missing between the first
    /// and the last count 0.
    pub months: &'a [MonthCount],
}

const HEIGHT: f64 = 280.0;
/// At most this many months named under the bars.
const MOST_MONTH_LABELS: usize = 8;
const PLOT: Plot = Plot {
    left: 52.0,
    top: 16.0,
    right: WIDTH - 16.0,
    bottom: HEIGHT - 40.0,
};
/// The widest a bar gets, however few the months.
const WIDEST_BAR: f64 = 48.0;

impl MonthlyBars<'_> {
    /// The chart as an HTML fragment, or the caption's `empty` message when no month is
    /// given.
    pub fn render(&self) -> String {
        let mut counts: BTreeMap<i64, u32> = BTreeMap::new();
        for entry in self.months {
            *counts.entry(month_index(entry.month)).or_default() += entry.count;
        }
        let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
            return super::empty(&self.caption);
        };
        let months: Vec<(i64, u32)> = (first..=last)
            .map(|m| (m, counts.get(&m).copied().unwrap_or(0)))
            .collect();
        let most = months.iter().map(|&(_, count)| count).max().unwrap_or(0);

        // Whole ticks reaching at least the largest count.
        let ticks = value_ticks(0.0, f64::from(most.max(1)), 6, 1.0);
        let step = if ticks.len() > 1 {
            ticks[1] - ticks[0]
        } else {
            1.0
        };
        let top = (f64::from(most.max(1)) / step).ceil() * step;
        let y = |value: f64| PLOT.bottom - value / top * PLOT.height();

        let mut body = String::new();
        let mut tick = 0.0;
        while tick <= top + f64::EPSILON {
            let at = num(y(tick));
            let _ = write!(
                body,
                "<line class=\"chart-grid\" stroke=\"#ccc\" x1=\"{}\" x2=\"{}\" y1=\"{at}\" y2=\"{at}\"/>\
                 <text class=\"chart-tick\" x=\"{}\" y=\"{at}\" dy=\"4\" text-anchor=\"end\">{}</text>",
                num(PLOT.left),
                num(PLOT.right),
                num(PLOT.left - 8.0),
                num(tick)
            );
            tick += step;
        }

        let band = PLOT.width() / months.len() as f64;
        let bar = (band * 0.7).min(WIDEST_BAR);
        let label_step = label_step(first, last, MOST_MONTH_LABELS);
        for (i, &(m, count)) in months.iter().enumerate() {
            let centre = PLOT.left + (i as f64 + 0.5) * band;
            if count > 0 {
                let _ = write!(
                    body,
                    "<rect class=\"chart-bar chart-bar-month\" x=\"{}\" y=\"{}\" width=\"{}\" \
                     height=\"{}\"><title>{}</title></rect>",
                    num(centre - bar / 2.0),
                    num(y(f64::from(count))),
                    num(bar),
                    num(PLOT.bottom - y(f64::from(count))),
                    esc(&format!("{}: {count}", long_month(m)))
                );
                // A value over its bar while there is room for two digits.
                if band >= 16.0 {
                    let _ = write!(
                        body,
                        "<text class=\"chart-value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{count}</text>",
                        num(centre),
                        num(y(f64::from(count)) - 4.0)
                    );
                }
            }
            if m % label_step == 0 {
                let _ = write!(
                    body,
                    "<line class=\"chart-tick-mark\" stroke=\"#888\" x1=\"{c}\" x2=\"{c}\" y1=\"{}\" y2=\"{}\"/>\
                     <text class=\"chart-tick chart-x-tick\" x=\"{c}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    num(PLOT.bottom),
                    num(PLOT.bottom + 5.0),
                    num(PLOT.bottom + 20.0),
                    esc(&short_month(m)),
                    c = num(centre),
                );
            }
        }
        let _ = write!(
            body,
            "<line class=\"chart-axis\" stroke=\"#888\" x1=\"{l}\" x2=\"{r}\" y1=\"{b}\" y2=\"{b}\"/>\
             <text class=\"chart-axis-label\" transform=\"translate(14 {m}) rotate(-90)\" \
             text-anchor=\"middle\">{label}</text>",
            l = num(PLOT.left),
            r = num(PLOT.right),
            b = num(PLOT.bottom),
            m = num((PLOT.top + PLOT.bottom) / 2.0),
            label = esc(self.value_label),
        );

        let mut total = 0;
        let rows = months
            .iter()
            .map(|&(m, count)| {
                total += count;
                Row {
                    head: long_month(m),
                    cells: vec![count.to_string(), total.to_string()],
                }
            })
            .collect();
        let table = Table {
            columns: vec!["Month", self.value_label, self.total_label],
            rows,
        };
        let busiest = months
            .iter()
            .filter(|&&(_, count)| count == most)
            .map(|&(m, _)| long_month(m))
            .next()
            .unwrap_or_default();
        let summary = format!(
            "{total} in all from {} to {}; at most {most} in a month ({busiest}).",
            long_month(first),
            long_month(last)
        );
        super::figure(&self.caption, &summary, HEIGHT, &body, &table)
    }
}

/// Months counted from year 0, so consecutive months differ by one.
fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

fn month_date(index: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(index.div_euclid(12)).ok()?,
        u32::try_from(index.rem_euclid(12)).ok()? + 1,
        1,
    )
}

/// "Mar 2026".
fn short_month(index: i64) -> String {
    month_date(index).map_or_else(String::new, |date| date.format("%b %Y").to_string())
}

/// "March 2026".
fn long_month(index: i64) -> String {
    month_date(index).map_or_else(String::new, |date| date.format("%B %Y").to_string())
}

/// Name every month, second, third, fourth, sixth month or year (those with an index
/// divisible by the step, so quarters and years start on January): the smallest step that
/// names at most `most` months from `first` to `last`.
fn label_step(first: i64, last: i64, most: usize) -> i64 {
    let named = |step: i64| (first..=last).filter(|m| m % step == 0).count();
    [1, 2, 3, 4, 6, 12]
        .into_iter()
        .chain((2..).map(|years| years * 12))
        .find(|&step| named(step) <= most)
        .unwrap_or(12)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{attributes, contents, lines, table_rows};
    use super::*;

    fn month(year: i32, month: u32, count: u32) -> MonthCount {
        MonthCount {
            month: NaiveDate::from_ymd_opt(year, month, 15).expect("a date"),
            count,
        }
    }

    fn chart(months: &[MonthCount]) -> String {
        MonthlyBars {
            caption: Caption {
                id: "goals",
                title: "Goals achieved",
                description: "Goals achieved each month.",
                empty: "No goals achieved yet",
            },
            value_label: "Goals achieved",
            total_label: "Total so far",
            months,
        }
        .render()
    }

    fn achieved() -> Vec<MonthCount> {
        vec![
            month(2026, 4, 3),
            month(2026, 1, 1),
            month(2026, 2, 2),
            month(2026, 4, 1),
        ]
    }

    #[test]
    fn the_table_has_every_month_with_its_count_and_running_total() {
        let rows = table_rows(&chart(&achieved()));
        let expected = [
            ["January 2026", "1", "1"],
            ["February 2026", "2", "3"],
            ["March 2026", "0", "3"],
            ["April 2026", "4", "7"],
        ];
        assert_eq!(rows, expected.map(|row| row.map(str::to_owned).to_vec()));
    }

    #[test]
    fn bars_are_as_tall_as_their_counts() {
        let html = chart(&achieved());
        let heights = attributes(&html, "<rect class=\"chart-bar", "height");
        assert_eq!(heights.len(), 3, "no bar for a month without any");
        assert!((heights[1] - 2.0 * heights[0]).abs() < 0.2, "{heights:?}");
        assert!((heights[2] - 4.0 * heights[0]).abs() < 0.2, "{heights:?}");
        let xs = attributes(&html, "<rect class=\"chart-bar", "x");
        assert!(xs.windows(2).all(|pair| pair[0] < pair[1]), "{xs:?}");
        assert!(html.contains("7 in all from January 2026 to April 2026"));
    }

    #[test]
    fn five_years_of_months_have_few_labels() {
        let months: Vec<MonthCount> = (0..60)
            .map(|i| month(2022 + i / 12, (i % 12) as u32 + 1, (i % 5) as u32))
            .collect();
        let html = chart(&months);
        let labels = contents(&html, "<text class=\"chart-tick chart-x-tick\"", "</text>");
        assert!((2..=8).contains(&labels.len()), "{labels:?}");
        assert_eq!(labels[0], "Jan 2022");
        assert_eq!(table_rows(&html).len(), 60);
    }

    #[test]
    fn no_months_give_the_message_and_no_plot() {
        let html = chart(&[]);
        assert!(html.contains("No goals achieved yet") && !html.contains("<svg"));
    }

    #[test]
    fn the_fragment_is_stable() {
        insta::assert_snapshot!(lines(&chart(&achieved())));
    }
}
