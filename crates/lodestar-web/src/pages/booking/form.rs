//! The free-time settings form: its rows as typed, the service's input made from them
//! (empty rows skipped), and the service's field errors put back beside their rows.

use lodestar_app::booking::{AvailabilityInput, AvailabilityView, ExceptionInput, WindowInput};
use lodestar_domain::FieldErrors;

use crate::pages::FormData;

/// The most rows a submitted grid is read from.
const MAX_ROWS: usize = 100;
/// Session lengths offered as ticks (any other one stored is shown too).
const COMMON_LENGTHS: [i64; 7] = [15, 20, 30, 45, 60, 90, 120];

/// One row of the weekly grid, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowRow {
    pub day: String,
    pub from: String,
    pub to: String,
    pub one_off: bool,
}

/// One row of the exceptions grid, as typed: a day off (`date`), a time off (`date` to
/// `until`), or extra time (`date`, `from`, `to`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExceptionRow {
    pub kind: String,
    pub date: String,
    pub until: String,
    pub from: String,
    pub to: String,
    pub one_off: bool,
}

/// The settings form's values, as shown or as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AvailabilityForm {
    pub time_zone: String,
    pub weekly: Vec<WindowRow>,
    pub exceptions: Vec<ExceptionRow>,
    pub min_notice_hours: String,
    pub buffer_minutes: String,
    pub durations: Vec<String>,
    pub busy_calendar_url: String,
    pub one_off_monthly_limit: String,
}

impl WindowRow {
    fn is_empty(&self) -> bool {
        self.day.trim().is_empty() && self.from.trim().is_empty() && self.to.trim().is_empty()
    }
}

impl ExceptionRow {
    fn is_empty(&self) -> bool {
        [&self.kind, &self.date, &self.until, &self.from, &self.to]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

fn some(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

impl AvailabilityForm {
    pub fn of(v: &AvailabilityView) -> Self {
        Self {
            time_zone: v.time_zone.clone(),
            weekly: v
                .weekly
                .iter()
                .map(|w| WindowRow {
                    day: w.day.clone(),
                    from: w.from.clone(),
                    to: w.to.clone(),
                    one_off: w.one_off,
                })
                .collect(),
            exceptions: v
                .exceptions
                .iter()
                .map(|e| ExceptionRow {
                    kind: e.kind.clone(),
                    date: e.date.clone().or(e.from_date.clone()).unwrap_or_default(),
                    until: e.to_date.clone().unwrap_or_default(),
                    from: e.from.clone().unwrap_or_default(),
                    to: e.to.clone().unwrap_or_default(),
                    one_off: e.one_off,
                })
                .collect(),
            min_notice_hours: v.min_notice_hours.to_string(),
            buffer_minutes: v.buffer_minutes.to_string(),
            durations: v.durations.iter().map(ToString::to_string).collect(),
            busy_calendar_url: v.busy_calendar_url.clone().unwrap_or_default(),
            one_off_monthly_limit: v.one_off_monthly_limit.to_string(),
        }
    }

    /// Reads the submitted form: rows `weekly[i].day`, `exceptions[i].kind`, … and ticks.
    pub fn read(form: &FormData) -> Self {
        let at = |grid: &str, i: usize, field: &str| form.text(&format!("{grid}[{i}].{field}"));
        let ticked = |grid: &str, i: usize| form.checked(&format!("{grid}[{i}].one_off"));
        let rows = |grid: &str| {
            (0..MAX_ROWS)
                .take_while(|i| {
                    form.0
                        .iter()
                        .any(|(k, _)| k.starts_with(&format!("{grid}[{i}].")))
                })
                .collect::<Vec<usize>>()
        };
        Self {
            time_zone: form.text("time_zone"),
            weekly: rows("weekly")
                .into_iter()
                .map(|i| WindowRow {
                    day: at("weekly", i, "day"),
                    from: at("weekly", i, "from"),
                    to: at("weekly", i, "to"),
                    one_off: ticked("weekly", i),
                })
                .collect(),
            exceptions: rows("exceptions")
                .into_iter()
                .map(|i| ExceptionRow {
                    kind: at("exceptions", i, "kind"),
                    date: at("exceptions", i, "date"),
                    until: at("exceptions", i, "until"),
                    from: at("exceptions", i, "from"),
                    to: at("exceptions", i, "to"),
                    one_off: ticked("exceptions", i),
                })
                .collect(),
            min_notice_hours: form.text("min_notice_hours"),
            buffer_minutes: form.text("buffer_minutes"),
            durations: form
                .all("durations")
                .iter()
                .map(|d| (*d).to_owned())
                .collect(),
            busy_calendar_url: form.text("busy_calendar_url"),
            one_off_monthly_limit: form.text("one_off_monthly_limit"),
        }
    }

    /// With `extra` empty rows below the filled ones of each grid.
    pub fn padded(mut self, extra: usize) -> Self {
        self.weekly.retain(|r| !r.is_empty());
        self.exceptions.retain(|r| !r.is_empty());
        let weekly = self.weekly.len() + extra;
        let exceptions = self.exceptions.len() + extra;
        self.weekly.resize(weekly, WindowRow::default());
        self.exceptions.resize(exceptions, ExceptionRow::default());
        self
    }

    /// The service's input, skipping empty rows, and where each input row came from; or
    /// the fields that are not numbers.
    pub fn input(&self) -> Result<(AvailabilityInput, RowMap), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut number = |field: &str, raw: &str| match raw.trim() {
            "" => 0,
            raw => raw.parse::<i64>().unwrap_or_else(|_| {
                errors.add(field, "must be a whole number");
                0
            }),
        };
        let min_notice_hours = number("min_notice_hours", &self.min_notice_hours);
        let buffer_minutes = number("buffer_minutes", &self.buffer_minutes);
        let one_off_monthly_limit = number("one_off_monthly_limit", &self.one_off_monthly_limit);
        let durations = self
            .durations
            .iter()
            .filter_map(|d| {
                d.trim().parse::<i64>().ok().or_else(|| {
                    errors.add("durations", "choose lengths from the list");
                    None
                })
            })
            .collect();
        errors.into_result()?;
        let mut map = RowMap::default();
        let weekly = self
            .weekly
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| {
                map.weekly.push(i);
                WindowInput {
                    day: r.day.trim().to_owned(),
                    from: r.from.trim().to_owned(),
                    to: r.to.trim().to_owned(),
                    one_off: r.one_off,
                }
            })
            .collect();
        let exceptions = self
            .exceptions
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| {
                map.exceptions.push(i);
                let range = r.kind.trim() == "off" && !r.until.trim().is_empty();
                ExceptionInput {
                    kind: r.kind.trim().to_owned(),
                    date: if range { None } else { some(&r.date) },
                    from_date: if range { some(&r.date) } else { None },
                    to_date: if range { some(&r.until) } else { None },
                    from: some(&r.from),
                    to: some(&r.to),
                    one_off: r.one_off,
                }
            })
            .collect();
        let input = AvailabilityInput {
            time_zone: self.time_zone.trim().to_owned(),
            weekly,
            exceptions,
            min_notice_hours,
            buffer_minutes,
            durations,
            busy_calendar_url: some(&self.busy_calendar_url),
            one_off_monthly_limit,
        };
        Ok((input, map))
    }

    /// The lengths shown as ticks: the common ones and any other one chosen.
    pub fn lengths(&self) -> Vec<(i64, bool)> {
        let chosen: Vec<i64> = self
            .durations
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect();
        let mut all: Vec<i64> = COMMON_LENGTHS.iter().chain(&chosen).copied().collect();
        all.sort_unstable();
        all.dedup();
        all.into_iter().map(|d| (d, chosen.contains(&d))).collect()
    }
}

/// Which form row each row of the service's input came from (empty rows are skipped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowMap {
    weekly: Vec<usize>,
    exceptions: Vec<usize>,
}

impl RowMap {
    /// The service's field errors, renamed to the form's rows and fields:
    /// `weekly[1].from` of the input is `weekly[3].from` of the form if rows 1 and 2 were
    /// empty; an exception's `from_date` is its row's `date`, `to_date` its `until`.
    pub fn rename(&self, errors: &FieldErrors) -> FieldErrors {
        let mut out = FieldErrors::new();
        for (key, message) in errors.iter() {
            out.add(self.rename_key(key), message);
        }
        out
    }

    fn rename_key(&self, key: &str) -> String {
        for (grid, rows) in [("weekly", &self.weekly), ("exceptions", &self.exceptions)] {
            let Some(rest) = key.strip_prefix(grid).and_then(|r| r.strip_prefix('[')) else {
                continue;
            };
            let Some((index, field)) = rest.split_once("].") else {
                continue;
            };
            let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i)) else {
                continue;
            };
            let field = match field {
                "from_date" => "date",
                "to_date" => "until",
                other => other,
            };
            return format!("{grid}[{row}].{field}");
        }
        match key.split_once('[') {
            Some(("durations", _)) => "durations".to_owned(),
            _ => key.to_owned(),
        }
    }
}
