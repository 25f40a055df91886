//! `lodestar match`: the matching engine from the command line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use lodestar_match::cohort::{CohortMatch, Options, Stage, match_cohort};
use lodestar_match::objective::Objective;
use lodestar_match::problem::{Mentor, Pair, Problem, Settings, parse_problem, solve_problem};
use lodestar_match::score::Rules;
use lodestar_match::{people, synthetic, unquantize};

#[derive(Subcommand)]
pub enum MatchCommand {
    /// Match everyone in the database who wants a mentor with the mentors who have places:
    /// score, pick candidates, solve exactly, prove the result optimal over all pairs, and
    /// write a report that explains each pair.
    Run {
        /// max_total, max_participation or max_min.
        #[arg(long, default_value = "max_total", value_parser = objective)]
        objective: Objective,
        /// Pairs scoring below this are not made.
        #[arg(long, default_value_t = 0.0)]
        min_score: f64,
        /// Where to write the report (JSON); "-" for standard output.
        #[arg(long, short, default_value = "match-report.json")]
        output: PathBuf,
    },
    /// Solve a matching problem given as scores: the solver alone, no database.
    ///
    /// The input is JSON: {"mentees": ["id", …], "mentors": [{"id": "…", "capacity": 2}, …],
    /// "pairs": [[mentee_index, mentor_index, score], …], "objective": "max_total" |
    /// "max_participation" | "max_min", "min_score": 0.0, "method": "optimal" | "stable"}.
    /// A pair not listed is not allowed. Malformed input is reported entry by entry and
    /// nothing is written.
    Solve {
        /// The problem file.
        #[arg(long, short)]
        input: PathBuf,
        /// Where to write the result (JSON); "-" for standard output.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Write a generated problem file, for benchmarks and for trying the solver.
    Generate {
        #[arg(long, default_value_t = 10_000)]
        mentees: usize,
        #[arg(long, default_value_t = 2_000)]
        mentors: usize,
        /// Places per mentor.
        #[arg(long, default_value_t = 5)]
        capacity: u32,
        /// Candidate mentors per mentee.
        #[arg(long, default_value_t = 50)]
        arcs_per_mentee: usize,
        /// Correlated scores (everyone likes the same popular mentors) or uniform random.
        #[arg(long, value_enum, default_value_t = Scores::Correlated)]
        scores: Scores,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the problem (JSON).
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Match a generated organisation end to end, from profiles: score, pick candidates,
    /// solve and prove the result optimal over all pairs; print what each stage took.
    Cohort {
        #[arg(long, default_value_t = 100_000)]
        mentees: usize,
        #[arg(long, default_value_t = 20_000)]
        mentors: usize,
        /// Free places per mentor.
        #[arg(long, default_value_t = 5)]
        places: u32,
        /// max_total, max_participation or max_min.
        #[arg(long, default_value = "max_total", value_parser = objective)]
        objective: Objective,
        /// Candidate mentors kept per mentee.
        #[arg(long, default_value_t = Options::default().mentee_k)]
        mentee_k: usize,
        /// Candidate mentees kept per mentor.
        #[arg(long, default_value_t = Options::default().mentor_k)]
        mentor_k: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn objective(name: &str) -> Result<Objective, String> {
    Objective::from_name(name)
        .ok_or_else(|| "expected max_total, max_participation or max_min".to_owned())
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Scores {
    Correlated,
    Random,
}

pub async fn run(global: &crate::Global, command: MatchCommand) -> Result<()> {
    if let MatchCommand::Run {
        objective,
        min_score,
        output,
    } = command
    {
        let app = crate::open(global, 4).await?;
        let started = Instant::now();
        let input = app
            .cohort(&app.policy.match_weights, app.policy.match_rules, min_score)
            .await
            .map_err(crate::explain)?;
        eprintln!(
            "read {} mentees and {} mentors in {:.2} s",
            input.mentees.len(),
            input.mentors.len(),
            started.elapsed().as_secs_f64()
        );
        let options = Options {
            objective,
            ..Options::default()
        };
        let report = tokio::task::spawn_blocking(move || {
            let printer = stage_printer();
            let report = input.run(&options, &printer);
            printer(Stage::Done);
            serde_json::to_string_pretty(&report)
        })
        .await??;
        if output == Path::new("-") {
            println!("{report}");
        } else {
            write_atomically(&output, report.as_bytes())?;
            eprintln!("wrote the report to {}", output.display());
        }
        return Ok(());
    }
    let weights = global
        .match_weights
        .normalised()
        .map_err(|e| anyhow::anyhow!("--match-weights: {e}"))?;
    let rules = global.match_rules();
    tokio::task::spawn_blocking(move || run_offline(command, weights, rules)).await?
}

/// The subcommands that need no database; `weights` (normalised) and `rules` are for the
/// generated cohort.
fn run_offline(command: MatchCommand, weights: [f64; 7], rules: Rules) -> Result<()> {
    match command {
        MatchCommand::Run { .. } => bail!("`match run` needs the database"),
        MatchCommand::Cohort {
            mentees,
            mentors,
            places,
            objective,
            mentee_k,
            mentor_k,
            seed,
        } => {
            let started = Instant::now();
            let mut cohort = people::cohort(mentees, mentors, places, seed);
            cohort.weights = weights;
            cohort.rules = rules;
            eprintln!(
                "generated {mentees} mentees and {mentors} mentors in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            let options = Options {
                mentee_k,
                mentor_k,
                objective,
                ..Options::default()
            };
            let result = timed_match(&cohort, &options);
            let mentor_of = &result.solution.mentor_of;
            let unrelated = lodestar_match::cohort::unrelated_pairs(&cohort, mentor_of);
            eprintln!(
                "relevance rule {}: {unrelated} of {} pairs ({:.1} %) share neither a wanted skill nor a focus area",
                if cohort.rules.relevance { "on" } else { "off" },
                result.solution.matched,
                100.0 * unrelated as f64 / result.solution.matched.max(1) as f64
            );
            let report = lodestar_match::report::report(&result.graph, mentor_of);
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        MatchCommand::Solve { input, output } => solve(&input, &output),
        MatchCommand::Generate {
            mentees,
            mentors,
            capacity,
            arcs_per_mentee,
            scores,
            seed,
            output,
        } => {
            let graph = match scores {
                Scores::Correlated => {
                    synthetic::correlated(mentees, mentors, capacity, arcs_per_mentee, seed)
                }
                Scores::Random => {
                    synthetic::random(mentees, mentors, capacity, arcs_per_mentee, seed)
                }
            };
            let mentee_ids: Vec<String> = (0..mentees).map(|i| format!("e{i:07}")).collect();
            let mentor_list: Vec<Mentor> = (0..mentors)
                .map(|j| Mentor {
                    id: format!("m{j:07}"),
                    capacity: graph.capacity(j),
                })
                .collect();
            let pairs: Vec<Pair> = (0..mentees)
                .flat_map(|i| {
                    graph.arcs(i).map(move |(j, w)| Pair {
                        mentee: i as u32,
                        mentor: j,
                        score: unquantize(w),
                    })
                })
                .collect();
            let problem = Problem::new(mentee_ids, mentor_list, &pairs, Settings::default())
                .map_err(|errors| anyhow::anyhow!("generated an invalid problem: {errors}"))?;
            write_atomically(&output, problem.to_json().as_bytes())?;
            eprintln!(
                "wrote {} mentees, {} mentors, {} pairs to {}",
                mentees,
                mentors,
                pairs.len(),
                output.display()
            );
            Ok(())
        }
    }
}

fn solve(input: &Path, output: &Path) -> Result<()> {
    let text = read_problem_text(input)?;
    let problem = match parse_problem(&text) {
        Ok(problem) => problem,
        Err(errors) => {
            for error in &errors.errors {
                eprintln!("{}: {error}", input.display());
            }
            if errors.omitted > 0 {
                eprintln!("{}: … and {} more", input.display(), errors.omitted);
            }
            bail!(
                "{} is not a valid problem ({} errors); nothing was written",
                input.display(),
                errors.errors.len() + errors.omitted
            );
        }
    };
    drop(text);
    let started = Instant::now();
    let mut outcome = solve_problem(&problem);
    outcome.stats.solve_seconds = Some(started.elapsed().as_secs_f64());
    let json = outcome.to_json();
    if output == Path::new("-") {
        println!("{json}");
    } else {
        write_atomically(output, json.as_bytes())?;
    }
    eprintln!(
        "matched {} of {} mentees, total score {:.6}, solved in {:.3} s",
        outcome.assignments.len(),
        outcome.assignments.len() + outcome.unmatched.len(),
        outcome.total_score,
        outcome.stats.solve_seconds.unwrap_or_default()
    );
    Ok(())
}

/// Runs the cohort pipeline, printing each stage's time to standard error.
pub fn timed_match(cohort: &lodestar_match::cohort::Cohort, options: &Options) -> CohortMatch {
    let started = Instant::now();
    let printer = stage_printer();
    let result = match_cohort(cohort, options, &printer);
    printer(Stage::Done);
    eprintln!(
        "matched {} of {} mentees in {:.3} s: {} candidate pairs, {} added by the certificate, {} rounds, {}",
        result.solution.matched,
        cohort.mentees.len(),
        started.elapsed().as_secs_f64(),
        result.candidate_pairs,
        result.added_pairs,
        result.rounds,
        if result.certified {
            "optimal over all allowed pairs"
        } else {
            "NOT certified over all pairs"
        }
    );
    result
}

/// Shows each stage on standard error as it runs: a progress bar over the mentees for the
/// stages that go through them, a spinner for the solves (both only on a terminal), and
/// the time it took once the next stage starts.
fn stage_printer() -> impl Fn(Stage) + Sync {
    let current = std::sync::Mutex::new((Instant::now(), None::<Stage>, ProgressBar::hidden()));
    move |next: Stage| {
        let Ok(mut current) = current.lock() else {
            return;
        };
        if let Stage::Progress { done, total } = next {
            current.2.set_length(total as u64);
            current.2.set_position(done as u64);
            return;
        }
        current.2.finish_and_clear();
        let now = Instant::now();
        if let Some(stage) = current.1 {
            eprintln!(
                "  {:<22} {:>7.3} s",
                describe(stage),
                (now - current.0).as_secs_f64()
            );
        }
        let bar = match next {
            Stage::Candidates | Stage::Certify { .. } => ProgressBar::new(0).with_style(
                ProgressStyle::with_template("  {msg:<22} [{bar:40}] {pos}/{len} mentees ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            ),
            Stage::Solve { .. } => {
                let spinner = ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("  {msg:<22} {spinner} {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                spinner.enable_steady_tick(std::time::Duration::from_millis(120));
                spinner
            }
            Stage::Done | Stage::Progress { .. } => ProgressBar::hidden(),
        };
        bar.set_message(describe(next));
        *current = (now, Some(next), bar);
    }
}

fn describe(stage: Stage) -> String {
    match stage {
        Stage::Done => "done".into(),
        Stage::Candidates => "candidates".into(),
        Stage::Solve { round } => format!("solve (round {round})"),
        Stage::Certify { round } => format!("certify (round {round})"),
        Stage::Progress { done, total } => format!("{done} of {total}"),
    }
}

/// Writes next to the destination and renames, so a reader never sees half a file. If
/// either step fails (a full disk, a directory in the way), the partial file is removed:
/// a failed run leaves nothing behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = std::fs::write(&partial, bytes)
        .with_context(|| format!("writing {}", partial.display()))
        .and_then(|()| {
            std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
        });
    if written.is_err() {
        // The write's own error is the one to report; a partial file that was never
        // created is not a second problem.
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// The problem file as text, with the encodings people save by mistake named.
fn read_problem_text(input: &Path) -> Result<String> {
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        bail!(
            "{} is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8",
            input.display()
        );
    }
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", input.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of its own under the system's temporary directory, removed at the end.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "lodestar-{name}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create a scratch directory");
            Self(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list the directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_rename_leaves_no_partial_file() {
        let scratch = Scratch::new("rename");
        // A non-empty directory where the result should go: the rename onto it fails.
        let output = scratch.0.join("result.json");
        std::fs::create_dir(&output).expect("create the obstacle");
        std::fs::write(output.join("keep"), b"x").expect("fill it");
        let err = write_atomically(&output, b"{}").expect_err("cannot replace a directory");
        assert!(err.to_string().contains("result.json"), "{err:#}");
        assert_eq!(names(&scratch.0), ["result.json"]);
    }

    #[test]
    fn a_failed_write_is_reported_and_removes_nothing_it_did_not_make() {
        let scratch = Scratch::new("write");
        // The partial file's own name is taken by a directory, so the write itself fails.
        let output = scratch.0.join("result.json");
        let obstacle = scratch.0.join("result.json.partial");
        std::fs::create_dir(&obstacle).expect("create the obstacle");
        let err = write_atomically(&output, b"{}").expect_err("cannot write over a directory");
        assert!(err.to_string().contains("result.json.partial"), "{err:#}");
        assert!(!output.exists());
        assert!(obstacle.is_dir());
    }

    #[test]
    fn a_successful_write_leaves_only_the_result() {
        let scratch = Scratch::new("ok");
        let output = scratch.0.join("result.json");
        write_atomically(&output, b"{}").expect("written");
        assert_eq!(names(&scratch.0), ["result.json"]);
        assert_eq!(std::fs::read(&output).expect("read back"), b"{}");
    }

    #[test]
    fn a_utf16_problem_file_is_named_as_such() {
        let scratch = Scratch::new("utf16");
        let input = scratch.0.join("problem.json");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("{}".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        std::fs::write(&input, utf16).expect("write the input");
        let err = read_problem_text(&input).expect_err("UTF-16");
        assert!(err.to_string().contains("is UTF-16"), "{err:#}");
    }

    #[test]
    fn solving_into_an_unwritable_place_writes_nothing() {
        let scratch = Scratch::new("solve");
        let input = scratch.0.join("problem.json");
        std::fs::write(
            &input,
            r#"{"mentees": ["a"], "mentors": [{"id": "m", "capacity": 1}], "pairs": [[0, 0, 0.5]]}"#,
        )
        .expect("write the input");
        let output = scratch.0.join("out");
        std::fs::create_dir(&output).expect("create the obstacle");
        std::fs::write(output.join("keep"), b"x").expect("fill it");
        solve(&input, &output).expect_err("the output is a directory");
        assert_eq!(names(&scratch.0), ["out", "problem.json"]);
    }
}
