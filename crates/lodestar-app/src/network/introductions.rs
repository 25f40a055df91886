//! Introductions, double opt-in: someone connected with two people introduces them to each
//! other with a note on why. Each side accepts or declines privately; only when both accept
//! are they connected (and see each other's email address on the introduction). A decline is
//! never shown as such: to the introducer and the other side the introduction reads "not
//! now". A block between the two closes it the same way, so nobody learns of the block.
//!
//! A person can also ask a connection for an introduction, to someone who matches what they
//! look for (a skill at a level, an organisation, an industry, a role) or to someone on a
//! path they found. The connection sees suggestions from their own connections, introduces
//! one of them, or answers "not now".

use std::collections::HashMap;

use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::network::{Answer, AskState, IntroductionState, MAX_NOTE, Pair};
use lodestar_domain::text::multi_line;
use lodestar_domain::{FieldErrors, IntroductionAskId, IntroductionId, PersonId};
use lodestar_store::introductions::{self as store, Ask, Introduction};
use lodestar_store::notifications::Notice;
use lodestar_store::{blocks, connections, now_ms, persons, skills};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::paths::{PathPerson, PathQuery, Wanted};
use super::{ConnectedPerson, conflict};
use crate::{App, AppError, Viewer};

/// `POST /api/v1/introductions`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntroductionInput {
    /// One of your connections.
    #[schema(format = Uuid)]
    pub a: String,
    /// Another of your connections.
    #[schema(format = Uuid)]
    pub b: String,
    /// Why they should meet (up to 2,000 characters); both see it.
    pub note: String,
    /// The request for an introduction this answers, if any.
    #[schema(format = Uuid)]
    pub ask_id: Option<String>,
}

/// `POST /api/v1/introductions/ask`: ask a connection to introduce you to someone who
/// matches (the same criteria as `GET /api/v1/me/paths`), or to `target_id`, someone they
/// know on a path you found.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskInput {
    /// The connection you ask.
    #[schema(format = Uuid)]
    pub person_id: String,
    /// Someone they are connected with.
    #[schema(format = Uuid)]
    pub target_id: Option<String>,
    pub skill: Option<String>,
    #[schema(minimum = 1, maximum = 5)]
    pub min_level: Option<i64>,
    pub mentors: Option<bool>,
    pub organisation: Option<String>,
    pub industry: Option<String>,
    pub role: Option<String>,
    /// What you hope for (up to 2,000 characters).
    pub note: Option<String>,
}

/// An introduction as the viewer may see it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct IntroductionView {
    #[schema(value_type = String, format = Uuid)]
    pub id: IntroductionId,
    pub introducer: ConnectedPerson,
    /// Whether you made it (then `people` are the two you introduced).
    pub made_by_you: bool,
    /// The people introduced, or, if you are one of them, the other one.
    pub people: Vec<ConnectedPerson>,
    pub note: String,
    /// `open`, `connected` (both accepted) or `not_now` (it will not go ahead now).
    #[schema(value_type = String, example = "open")]
    pub status: IntroductionState,
    /// If you are introduced: your answer (`waiting`, `accepted` or `declined`).
    #[schema(value_type = Option<String>, example = "waiting")]
    pub your_answer: Option<Answer>,
    /// If you are introduced and both accepted: the other's email address.
    pub contact: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

/// A request for an introduction, as its asker or the connection asked sees it.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct AskView {
    #[schema(value_type = String, format = Uuid)]
    pub id: IntroductionAskId,
    pub asker: ConnectedPerson,
    pub connector: ConnectedPerson,
    /// Whether you asked (else you are asked).
    pub asked_by_you: bool,
    /// Whom they look for, in words.
    pub looking_for: String,
    pub note: String,
    /// `open`, `introduced`, `not_now` or `withdrawn`.
    #[schema(value_type = String, example = "open")]
    pub state: AskState,
    /// For the connection asked, while open: their connections who match, best first.
    pub suggestions: Vec<PathPerson>,
    pub created_at: i64,
    pub answered_at: Option<i64>,
}

/// `GET /api/v1/introductions`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq)]
pub struct IntroductionsView {
    /// Introductions of you to someone, newest first.
    pub for_you: Vec<IntroductionView>,
    /// Introductions you made, newest first.
    pub made: Vec<IntroductionView>,
    /// Requests for an introduction made to you, newest first.
    pub asks_to_you: Vec<AskView>,
    /// Your requests for an introduction, newest first.
    pub your_asks: Vec<AskView>,
}

/// The most suggestions shown for one request.
const SUGGESTIONS: usize = 10;

impl App {
    /// The viewer introduces two of their connections to each other. Both are notified.
    pub async fn introduce(
        &self,
        viewer: &Viewer,
        input: &IntroductionInput,
    ) -> Result<IntroductionView, AppError> {
        self.network_request(viewer.id, self.try_introduce(viewer, input))
            .await
    }

    async fn try_introduce(
        &self,
        viewer: &Viewer,
        input: &IntroductionInput,
    ) -> Result<IntroductionView, AppError> {
        let mut errors = FieldErrors::new();
        let mine = connections::connected_with(&self.db, viewer.id).await?;
        let mut side = |field: &str, raw: &str| match raw.trim().parse::<PersonId>() {
            Ok(id) if mine.contains(&id) => Some(id),
            Ok(_) => {
                errors.add(field, "is not one of your connections");
                None
            }
            Err(_) => {
                errors.add(field, "is not a person id");
                None
            }
        };
        let (a, b) = (side("a", &input.a), side("b", &input.b));
        let note = errors.check("note", note(&input.note, true));
        let ask = match input.ask_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match raw.parse::<IntroductionAskId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("ask_id", "is not a request id");
                    None
                }
            },
        };
        if a.is_some() && a == b {
            errors.add("b", "introduce two different people");
        }
        errors.into_result()?;
        let (Some(a), Some(b), Some(note)) = (a, b, note) else {
            unreachable!("errors were reported above")
        };
        let pair = Pair::of(a, b)
            .ok_or_else(|| AppError::invalid("b", "introduce two different people"))?;
        if let Some(id) = ask {
            let found = store::get_ask(&self.db, id)
                .await?
                .filter(|x| x.connector == viewer.id && x.state == AskState::Open);
            match found {
                Some(x) if pair.contains(x.asker) => {}
                Some(_) => {
                    return Err(AppError::invalid(
                        "ask_id",
                        "the person who asked must be one of the two",
                    ));
                }
                None => return Err(AppError::invalid("ask_id", "is not an open request to you")),
            }
        }
        if connections::between(&self.db, pair)
            .await?
            .is_some_and(|c| c.state == lodestar_domain::network::ConnectionState::Accepted)
        {
            return Err(conflict(
                "already_connected",
                "they are connected with each other already",
            ));
        }
        // A block between them closes the introduction at once, as a decline would: the
        // introducer sees "not now" and nobody is told.
        let blocked = blocks::involving(&self.db, a).await?.contains(&b);
        let now = now_ms();
        let introduction = Introduction {
            id: IntroductionId::new(),
            introducer: viewer.id,
            pair,
            note,
            a_answer: Answer::Waiting,
            b_answer: Answer::Waiting,
            state: if blocked {
                IntroductionState::NotNow
            } else {
                IntroductionState::Open
            },
            ask,
            created_at: now,
            closed_at: blocked.then_some(now),
        };
        let mut tx = self.db.begin().await?;
        if !store::insert(&mut tx, &introduction).await? {
            return Err(conflict(
                "already_introduced",
                "they have an open introduction to each other already",
            ));
        }
        if let Some(id) = ask {
            store::close_ask(&mut tx, id, viewer.id, AskState::Introduced, now).await?;
        }
        if !blocked {
            let names = persons::briefs(&self.db, &[a, b]).await?;
            for (to, other) in [(a, b), (b, a)] {
                let other = names.get(&other).map_or("someone", |n| n.name.as_str());
                self.notify(
                    &mut tx,
                    &Notice {
                        person: to,
                        kind: NotificationKind::IntroductionMade,
                        title: format!("{} introduces you to {other}", viewer.name),
                        body: introduction.note.chars().take(200).collect(),
                        link: format!("/network/introductions#introduction-{}", introduction.id),
                        calendar: None,
                    },
                )
                .await?;
            }
        }
        lodestar_store::commit(tx).await?;
        self.introduction(viewer, introduction.id).await
    }

    /// One side answers an introduction. Two accepts connect them (and tell both and the
    /// introducer); a decline closes it as "not now" and tells nobody.
    pub async fn answer_introduction(
        &self,
        viewer: &Viewer,
        id: IntroductionId,
        accept: bool,
    ) -> Result<IntroductionView, AppError> {
        let found = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("introduction"))?;
        if found.answer_of(viewer.id).is_none() {
            return if found.introducer == viewer.id {
                Err(AppError::Forbidden)
            } else {
                Err(AppError::NotFound("introduction"))
            };
        }
        let answer = if accept {
            Answer::Accepted
        } else {
            Answer::Declined
        };
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let Some(state) = store::answer(&mut tx, id, viewer.id, answer, now).await? else {
            return Err(if found.state == IntroductionState::Open {
                conflict("already_answered", "you have answered this introduction")
            } else {
                conflict("not_open", "this introduction is closed")
            });
        };
        if state == IntroductionState::Connected {
            connections::connect(
                &mut tx,
                found.pair,
                lodestar_domain::network::ConnectionSource::Introduction,
                now,
            )
            .await?;
            let names = persons::briefs(&self.db, &[found.pair.low, found.pair.high]).await?;
            let name = |p: PersonId| names.get(&p).map_or("someone", |n| n.name.as_str());
            let (low, high) = (name(found.pair.low), name(found.pair.high));
            for (to, title) in [
                (found.pair.low, format!("You and {high} are connected")),
                (found.pair.high, format!("You and {low} are connected")),
                (
                    found.introducer,
                    format!("{low} and {high} are connected through your introduction"),
                ),
            ] {
                self.notify(
                    &mut tx,
                    &Notice {
                        person: to,
                        kind: NotificationKind::IntroductionConnected,
                        title,
                        body: "Both accepted the introduction.".into(),
                        link: format!("/network/introductions#introduction-{id}"),
                        calendar: None,
                    },
                )
                .await?;
            }
        }
        lodestar_store::commit(tx).await?;
        self.introduction(viewer, id).await
    }

    /// One introduction the viewer made or is a side of.
    pub async fn introduction(
        &self,
        viewer: &Viewer,
        id: IntroductionId,
    ) -> Result<IntroductionView, AppError> {
        let found = store::get(&self.db, id)
            .await?
            .filter(|i| i.introducer == viewer.id || i.pair.contains(viewer.id))
            .ok_or(AppError::NotFound("introduction"))?;
        let names = persons::briefs(
            &self.db,
            &[found.introducer, found.pair.low, found.pair.high],
        )
        .await?;
        Ok(introduction_view(&found, viewer.id, &names))
    }

    /// The viewer asks a connection for an introduction. The connection is notified and sees
    /// suggestions from their own connections.
    pub async fn ask_introduction(
        &self,
        viewer: &Viewer,
        input: &AskInput,
    ) -> Result<AskView, AppError> {
        self.network_request(viewer.id, self.try_ask_introduction(viewer, input))
            .await
    }

    async fn try_ask_introduction(
        &self,
        viewer: &Viewer,
        input: &AskInput,
    ) -> Result<AskView, AppError> {
        let mut errors = FieldErrors::new();
        let mine = connections::connected_with(&self.db, viewer.id).await?;
        let connector = match input.person_id.trim().parse::<PersonId>() {
            Ok(id) if mine.contains(&id) => Some(id),
            Ok(_) => {
                errors.add("person_id", "is not one of your connections");
                None
            }
            Err(_) => {
                errors.add("person_id", "is not a person id");
                None
            }
        };
        let note = errors.check("note", note(input.note.as_deref().unwrap_or(""), false));
        let target = match input.target_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match raw.parse::<PersonId>() {
                Ok(id) if id == viewer.id => {
                    errors.add("target_id", "is you");
                    None
                }
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("target_id", "is not a person id");
                    None
                }
            },
        };
        errors.into_result()?;
        let (Some(connector), Some(note)) = (connector, note) else {
            unreachable!("errors were reported above")
        };
        let query = PathQuery {
            skill: input.skill.clone(),
            min_level: input.min_level.map(|l| l.to_string()),
            mentors: input.mentors.map(|m| m.to_string()),
            organisation: input.organisation.clone(),
            industry: input.industry.clone(),
            role: input.role.clone(),
            limit: None,
        };
        let wanted = match target {
            Some(target) => {
                // Only someone the connection is connected with, and shows, can be asked for.
                let theirs = connections::connected_with(&self.db, connector).await?;
                let graph = self.network_graph().await?;
                let shown = graph.index.get(&target).is_some_and(|&i| graph.may_show(i));
                if !theirs.contains(&target)
                    || !shown
                    || connections::hides(&self.db, connector).await?
                    || blocks::involving(&self.db, viewer.id)
                        .await?
                        .contains(&target)
                {
                    return Err(AppError::invalid(
                        "target_id",
                        "is not someone this connection can introduce you to",
                    ));
                }
                None
            }
            None => Some(self.wanted(&query).await?.0),
        };
        let ask = Ask {
            id: IntroductionAskId::new(),
            asker: viewer.id,
            connector,
            target,
            skill: wanted.as_ref().and_then(|w| w.skill),
            min_level: wanted
                .as_ref()
                .filter(|w| w.skill.is_some())
                .map(|w| w.min_level),
            mentors: wanted.as_ref().is_some_and(|w| w.mentors),
            organisation: trimmed(&query.organisation),
            industry: trimmed(&query.industry),
            role: trimmed(&query.role),
            note,
            state: AskState::Open,
            created_at: now_ms(),
            answered_at: None,
        };
        let looking_for = self.looking_for(&ask).await?;
        let mut tx = self.db.begin().await?;
        store::insert_ask(&mut tx, &ask).await?;
        self.notify(
            &mut tx,
            &Notice {
                person: connector,
                kind: NotificationKind::IntroductionAsked,
                title: format!("{} asks you for an introduction", viewer.name),
                body: format!("They are looking for {looking_for}."),
                link: format!("/network/introductions#ask-{}", ask.id),
                calendar: None,
            },
        )
        .await?;
        lodestar_store::commit(tx).await?;
        self.ask_view(viewer, &ask).await
    }

    /// The connection asked answers "not now", or the asker withdraws their request.
    pub async fn close_ask(
        &self,
        viewer: &Viewer,
        id: IntroductionAskId,
        state: AskState,
    ) -> Result<AskView, AppError> {
        let found = store::get_ask(&self.db, id)
            .await?
            .filter(|a| a.asker == viewer.id || a.connector == viewer.id)
            .ok_or(AppError::NotFound("request"))?;
        let theirs = match state {
            AskState::Withdrawn => found.asker == viewer.id,
            _ => found.connector == viewer.id,
        };
        if !theirs {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        if !store::close_ask(&mut tx, id, viewer.id, state, now_ms()).await? {
            return Err(conflict("not_open", "this request is answered already"));
        }
        lodestar_store::commit(tx).await?;
        let closed = store::get_ask(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("request"))?;
        self.ask_view(viewer, &closed).await
    }

    /// The viewer's introductions and requests for them.
    pub async fn introductions(&self, viewer: &Viewer) -> Result<IntroductionsView, AppError> {
        let (all, asks) = tokio::try_join!(
            async { Ok::<_, AppError>(store::list_for(&self.db, viewer.id).await?) },
            async { Ok::<_, AppError>(store::asks_for(&self.db, viewer.id).await?) },
        )?;
        let mut people: Vec<PersonId> = all
            .iter()
            .flat_map(|i| [i.introducer, i.pair.low, i.pair.high])
            .collect();
        people.sort_unstable_by_key(|p| p.to_string());
        people.dedup();
        let names = persons::briefs(&self.db, &people).await?;
        let (made, for_you) = all
            .iter()
            .map(|i| introduction_view(i, viewer.id, &names))
            .partition(|v| v.made_by_you);
        let mut view = IntroductionsView {
            for_you,
            made,
            asks_to_you: Vec::new(),
            your_asks: Vec::new(),
        };
        for ask in &asks {
            let shown = self.ask_view(viewer, ask).await?;
            if shown.asked_by_you {
                view.your_asks.push(shown);
            } else {
                view.asks_to_you.push(shown);
            }
        }
        Ok(view)
    }

    async fn ask_view(&self, viewer: &Viewer, ask: &Ask) -> Result<AskView, AppError> {
        let names = persons::briefs(&self.db, &[ask.asker, ask.connector]).await?;
        let person = |id: PersonId| brief_person(id, &names);
        let suggestions = if ask.connector == viewer.id && ask.state == AskState::Open {
            self.suggestions(ask).await?
        } else {
            Vec::new()
        };
        Ok(AskView {
            id: ask.id,
            asker: person(ask.asker),
            connector: person(ask.connector),
            asked_by_you: ask.asker == viewer.id,
            looking_for: self.looking_for(ask).await?,
            note: ask.note.clone(),
            state: ask.state,
            suggestions,
            created_at: ask.created_at,
            answered_at: ask.answered_at,
        })
    }

    /// The connector's connections who fit a request: listed, not blocked by or blocking the
    /// asker, not connected with them already, matching what they look for.
    async fn suggestions(&self, ask: &Ask) -> Result<Vec<PathPerson>, AppError> {
        let (theirs, asker_has, blocked, cards) = tokio::try_join!(
            async {
                Ok::<_, AppError>(connections::connected_with(&self.db, ask.connector).await?)
            },
            async { Ok::<_, AppError>(connections::connected_with(&self.db, ask.asker).await?) },
            async { Ok::<_, AppError>(blocks::involving(&self.db, ask.asker).await?) },
            self.network_cards(),
        )?;
        let fits = |p: &PersonId| *p != ask.asker && !asker_has.contains(p) && !blocked.contains(p);
        if let Some(target) = ask.target {
            return Ok(theirs
                .iter()
                .filter(|&&p| p == target && fits(&p))
                .filter_map(|&p| cards.card(p).map(PathPerson::of))
                .collect());
        }
        let wanted = Wanted {
            skill: ask.skill,
            min_level: ask.min_level.unwrap_or(1),
            mentors: ask.mentors,
            organisation: key(&ask.organisation),
            industry: key(&ask.industry),
            role: key(&ask.role),
        };
        let mut levels: HashMap<PersonId, u8> = HashMap::new();
        let candidates: Vec<PersonId> = theirs.into_iter().filter(|p| fits(p)).collect();
        cards.matching(&wanted, |card, level| {
            let id = cards.id_of(card);
            if candidates.contains(&id) {
                levels.insert(id, level.unwrap_or(0));
            }
        });
        let mut found: Vec<(u8, PathPerson)> = levels
            .into_iter()
            .filter_map(|(id, level)| cards.card(id).map(|c| (level, PathPerson::of(c))))
            .collect();
        found.sort_by(|(la, a), (lb, b)| lb.cmp(la).then_with(|| a.name.cmp(&b.name)));
        Ok(found
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(_, p)| p)
            .collect())
    }

    /// Whom a request looks for, in words: "someone who mentors Negotiation (level 3 or
    /// above) in Energy".
    async fn looking_for(&self, ask: &Ask) -> Result<String, AppError> {
        if let Some(target) = ask.target {
            let names = persons::briefs(&self.db, &[target]).await?;
            return Ok(names
                .get(&target)
                .map_or_else(|| "someone".to_owned(), |b| b.name.clone()));
        }
        let mut words = vec!["someone".to_owned()];
        if let Some(skill) = ask.skill {
            let name = skills::get(&self.db, skill).await?.name;
            let verb = if ask.mentors {
                "who mentors"
            } else {
                "who knows"
            };
            match ask.min_level {
                Some(level) if level > 1 => {
                    words.push(format!("{verb} {name} (level {level} or above)"))
                }
                _ => words.push(format!("{verb} {name}")),
            }
        }
        if !ask.role.is_empty() {
            words.push(format!("working as {}", ask.role));
        }
        if !ask.organisation.is_empty() {
            words.push(format!("at {}", ask.organisation));
        }
        if !ask.industry.is_empty() {
            words.push(format!("in {}", ask.industry));
        }
        Ok(words.join(" "))
    }
}

fn introduction_view(
    i: &Introduction,
    viewer: PersonId,
    names: &HashMap<PersonId, persons::Brief>,
) -> IntroductionView {
    let person = |id: PersonId| brief_person(id, names);
    let made_by_you = i.introducer == viewer;
    let people = if made_by_you {
        vec![person(i.pair.low), person(i.pair.high)]
    } else {
        vec![person(i.pair.other(viewer))]
    };
    let contact = (!made_by_you && i.state == IntroductionState::Connected)
        .then(|| names.get(&i.pair.other(viewer)).map(|b| b.email.clone()))
        .flatten();
    IntroductionView {
        id: i.id,
        introducer: person(i.introducer),
        made_by_you,
        people,
        note: i.note.clone(),
        status: i.state,
        your_answer: i.answer_of(viewer),
        contact,
        created_at: i.created_at,
        closed_at: i.closed_at,
    }
}

fn brief_person(id: PersonId, names: &HashMap<PersonId, persons::Brief>) -> ConnectedPerson {
    let brief = names.get(&id);
    ConnectedPerson {
        id,
        name: brief.map_or_else(|| "Someone".to_owned(), |b| b.name.clone()),
        headline: brief.map(|b| b.headline.clone()).unwrap_or_default(),
    }
}

/// A note: required or not, up to [`MAX_NOTE`] characters.
fn note(raw: &str, required: bool) -> Result<String, String> {
    let text = multi_line(raw, MAX_NOTE).map_err(|e| e.to_string())?;
    if required && text.trim().is_empty() {
        return Err("say why they should meet".into());
    }
    Ok(text)
}

fn trimmed(value: &Option<String>) -> String {
    value
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned()
}

fn key(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_lowercase())
}
