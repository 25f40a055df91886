//! Horizontal bars in groups, a bar per series and a value that may be absent (skill levels
//! then, now and in the target role).

use std::fmt::Write as _;

use super::{Caption, Plot, Row, Table, WIDTH, esc, legend_entry, num, value_ticks};

/// One group of bars: its name and a value per series, `None` where there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct BarGroup {
    pub label: String,
    /// In the order of [`GroupedBars::series`]; missing trailing values count as absent.
    pub values: Vec<Option<f64>>,
}

/// Groups of horizontal bars from 0 to `max`, each group named above its bars, so long
/// names need no cutting.
#[derive(Clone, Copy, Debug)]
pub struct GroupedBars<'a> {
    pub caption: Caption<'a>,
    /// Heads the table's first column ("Skill").
    pub group_label: &'a str,
    /// Names the horizontal axis ("Level (0–5)").
    pub value_label: &'a str,
    /// The series' names, in the legend and atop the table's columns ("Then", "Now",
    /// "Target"); the first three have styles of their own (`chart-series-1` to `-3`).
    pub series: &'a [&'a str],
    /// The end of the scale (5); larger values are drawn at it.
    pub max: f64,
    /// Said where a value is absent ("not set").
    pub absent: &'a str,
    pub groups: &'a [BarGroup],
}

const LEGEND_Y: f64 = 16.0;
const TOP: f64 = 36.0;
const LEFT: f64 = 16.0;
/// Room after a full bar for its value.
const RIGHT: f64 = WIDTH - 36.0;
/// The group's name above its bars.
const LABEL_HEIGHT: f64 = 20.0;
const BAR: f64 = 12.0;
const BAR_GAP: f64 = 3.0;
const GROUP_GAP: f64 = 14.0;
/// The value axis' tick labels and name under the plot.
const AXIS_HEIGHT: f64 = 44.0;

impl GroupedBars<'_> {
    /// The chart as an HTML fragment, or the caption's `empty` message when there are no
    /// groups.
    pub fn render(&self) -> String {
        if self.groups.is_empty() {
            return super::empty(&self.caption);
        }
        let per_group = LABEL_HEIGHT + self.series.len() as f64 * (BAR + BAR_GAP) + GROUP_GAP;
        let bottom = TOP + self.groups.len() as f64 * per_group;
        let plot = Plot {
            left: LEFT,
            top: TOP,
            right: RIGHT,
            bottom,
        };
        let max = if self.max > 0.0 { self.max } else { 1.0 };
        let x = |value: f64| plot.left + (value / max).clamp(0.0, 1.0) * plot.width();

        let mut body = String::new();
        for tick in value_ticks(0.0, max, 10, 1.0) {
            let at = num(x(tick));
            let _ = write!(
                body,
                "<line class=\"chart-grid\" stroke=\"#ccc\" x1=\"{at}\" x2=\"{at}\" y1=\"{}\" y2=\"{}\"/>\
                 <text class=\"chart-tick\" x=\"{at}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(plot.top),
                num(plot.bottom),
                num(plot.bottom + 16.0),
                num(tick)
            );
        }
        let _ = write!(
            body,
            "<line class=\"chart-axis\" stroke=\"#888\" x1=\"{l}\" x2=\"{l}\" y1=\"{t}\" y2=\"{b}\"/>\
             <text class=\"chart-axis-label\" x=\"{m}\" y=\"{y}\" text-anchor=\"middle\">{label}</text>",
            l = num(plot.left),
            t = num(plot.top),
            b = num(plot.bottom),
            m = num((plot.left + plot.right) / 2.0),
            y = num(plot.bottom + 36.0),
            label = esc(self.value_label),
        );

        for (g, group) in self.groups.iter().enumerate() {
            let top = plot.top + g as f64 * per_group;
            let _ = write!(
                body,
                "<text class=\"chart-group-label\" x=\"{}\" y=\"{}\">{}</text>",
                num(plot.left + 4.0),
                num(top + LABEL_HEIGHT - 6.0),
                esc(&group.label)
            );
            for (s, name) in self.series.iter().enumerate() {
                let y = top + LABEL_HEIGHT + s as f64 * (BAR + BAR_GAP);
                let text_y = num(y + BAR - 2.0);
                match value(group, s) {
                    Some(value) => {
                        let end = x(value);
                        let _ = write!(
                            body,
                            "<rect class=\"chart-bar chart-series-{}\" x=\"{}\" y=\"{}\" \
                             width=\"{}\" height=\"{}\"><title>{}</title></rect>\
                             <text class=\"chart-value\" x=\"{}\" y=\"{text_y}\">{}</text>",
                            s + 1,
                            num(plot.left),
                            num(y),
                            num(end - plot.left),
                            num(BAR),
                            esc(&format!("{}, {name}: {}", group.label, num(value))),
                            num(end + 4.0),
                            num(value)
                        );
                    }
                    None => {
                        let _ = write!(
                            body,
                            "<text class=\"chart-absent\" x=\"{}\" y=\"{text_y}\">{}</text>",
                            num(plot.left + 4.0),
                            esc(&format!("{name}: {}", self.absent))
                        );
                    }
                }
            }
        }

        let mut legend_x = plot.left;
        for (s, name) in self.series.iter().enumerate() {
            let swatch = format!(
                "<rect class=\"chart-swatch chart-series-{}\" x=\"{}\" y=\"{}\" width=\"12\" height=\"12\"/>",
                s + 1,
                num(legend_x),
                num(LEGEND_Y - 6.0)
            );
            legend_x = legend_entry(&mut body, legend_x, LEGEND_Y, &swatch, name);
        }

        let mut columns = vec![self.group_label];
        columns.extend(self.series.iter().copied());
        let table = Table {
            columns,
            rows: self
                .groups
                .iter()
                .map(|group| Row {
                    head: group.label.clone(),
                    cells: (0..self.series.len())
                        .map(|s| value(group, s).map_or_else(|| self.absent.to_owned(), num))
                        .collect(),
                })
                .collect(),
        };
        let names: Vec<&str> = self
            .groups
            .iter()
            .map(|group| group.label.as_str())
            .collect();
        let summary = format!(
            "{} from 0 to {}, for: {}.",
            self.series.join(", "),
            num(max),
            names.join(", ")
        );
        super::figure(&self.caption, &summary, bottom + AXIS_HEIGHT, &body, &table)
    }
}

fn value(group: &BarGroup, series: usize) -> Option<f64> {
    group.values.get(series).copied().flatten()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{attributes, contents, table_rows};
    use super::*;

    fn group(label: &str, values: &[Option<f64>]) -> BarGroup {
        BarGroup {
            label: label.to_owned(),
            values: values.to_vec(),
        }
    }

    fn skills() -> Vec<BarGroup> {
        vec![
            group("Rust", &[Some(1.0), Some(3.0), Some(4.0)]),
            group(
                "SQL & <script>alert(1)</script>",
                &[Some(2.0), Some(2.5), None],
            ),
            group("Public speaking", &[None, Some(0.0), Some(5.0)]),
        ]
    }

    fn chart(groups: &[BarGroup]) -> String {
        GroupedBars {
            caption: Caption {
                id: "skills",
                title: "Skill levels",
                description: "Each skill then, now, and as the target role asks.",
                empty: "No skills yet",
            },
            group_label: "Skill",
            value_label: "Level (0–5)",
            series: &["Then", "Now", "Target"],
            max: 5.0,
            absent: "not set",
            groups,
        }
        .render()
    }

    #[test]
    fn the_table_holds_every_value_and_says_which_are_absent() {
        let rows = table_rows(&chart(&skills()));
        let expected = [
            ["Rust", "1", "3", "4"],
            [
                "SQL &amp; &lt;script&gt;alert(1)&lt;/script&gt;",
                "2",
                "2.5",
                "not set",
            ],
            ["Public speaking", "not set", "0", "5"],
        ];
        assert_eq!(rows, expected.map(|row| row.map(str::to_owned).to_vec()));
    }

    #[test]
    fn a_bar_per_present_value_with_its_series_class() {
        let html = chart(&skills());
        assert_eq!(html.matches("<rect class=\"chart-bar ").count(), 7);
        assert_eq!(
            html.matches("<rect class=\"chart-bar chart-series-3\"")
                .count(),
            2
        );
        let absent = contents(&html, "<text class=\"chart-absent\"", "</text>");
        assert_eq!(absent, ["Target: not set", "Then: not set"]);
        assert_eq!(
            html.matches("<rect class=\"chart-swatch").count(),
            3,
            "a legend"
        );
    }

    #[test]
    fn bars_are_as_long_as_their_values() {
        let html = chart(&skills());
        let widths = attributes(&html, "<rect class=\"chart-bar ", "width");
        let full = RIGHT - LEFT;
        let expected: Vec<f64> = [1.0, 3.0, 4.0, 2.0, 2.5, 0.0, 5.0]
            .iter()
            .map(|value| value / 5.0 * full)
            .collect();
        for (width, expected) in widths.iter().zip(&expected) {
            assert!(
                (width - expected).abs() <= 0.05,
                "{widths:?} against {expected:?}"
            );
        }
        let ys = attributes(&html, "<rect class=\"chart-bar ", "y");
        assert!(
            ys.windows(2).all(|pair| pair[0] < pair[1]),
            "groups go down: {ys:?}"
        );
    }

    #[test]
    fn user_text_is_escaped() {
        let html = chart(&skills());
        assert!(!html.contains("<script"));
        assert!(html.contains("SQL &amp; &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("aria-labelledby=\"skills-title skills-desc\""));
    }

    #[test]
    fn no_skills_give_the_message_and_no_plot() {
        let html = chart(&[]);
        assert!(html.contains("No skills yet") && !html.contains("<svg"));
    }

    #[test]
    fn the_fragment_is_stable() {
        insta::assert_snapshot!(super::super::test_support::lines(&chart(&skills())));
    }
}
