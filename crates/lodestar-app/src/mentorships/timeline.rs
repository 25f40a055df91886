//! A mentorship's timeline in words: who did what, when and why.

use lodestar_domain::PersonId;
use lodestar_store::mentorships::EventRecord;
use serde::Serialize;
use utoipa::ToSchema;

/// One change to a mentorship.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventView {
    /// `started`, `agreement_updated`, `paused`, `resumed`, `completed`, `cancelled`,
    /// `reflected`, `stalled`, or a kind the sessions add.
    #[schema(example = "paused")]
    pub kind: String,
    /// Epoch milliseconds.
    pub at: i64,
    /// Who did it; absent when Lodestar did it by itself (a planned resume, a stall).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub actor_id: Option<PersonId>,
    pub actor_name: Option<String>,
    /// Why, or what changed, as given.
    #[schema(example = "until 2027-01-10: moving house")]
    pub detail: String,
    /// The whole entry in a sentence.
    #[schema(example = "Olive Owner paused the mentorship until 2027-01-10: moving house")]
    pub summary: String,
}

impl From<&EventRecord> for EventView {
    fn from(e: &EventRecord) -> Self {
        Self {
            kind: e.kind.clone(),
            at: e.at,
            actor_id: e.actor,
            actor_name: e.actor_name.clone(),
            detail: e.detail.clone(),
            summary: summary(e),
        }
    }
}

fn summary(e: &EventRecord) -> String {
    let who = match (&e.actor, &e.actor_name) {
        (_, Some(name)) => name.as_str(),
        (Some(_), None) => "Someone who has left",
        (None, None) => "Lodestar",
    };
    let with_detail = |text: &str, sep: &str| {
        if e.detail.is_empty() {
            text.to_owned()
        } else {
            format!("{text}{sep}{}", e.detail)
        }
    };
    match (e.kind.as_str(), e.actor) {
        ("started", _) if e.detail == "match" => {
            format!("{who} published the programme's match, and the mentorship started")
        }
        ("started", _) => format!("{who} accepted, and the mentorship started"),
        ("joined", _) => with_detail(&format!("{who} published the programme's match"), ": "),
        ("agreement_updated", _) => with_detail(&format!("{who} edited the agreement"), ": "),
        ("paused", _) => with_detail(&format!("{who} paused the mentorship"), " "),
        ("resumed", None) => with_detail("The mentorship resumed", ": "),
        ("resumed", Some(_)) => format!("{who} resumed the mentorship"),
        ("completed", _) => format!("{who} completed the mentorship"),
        ("cancelled", _) => with_detail(&format!("{who} cancelled the mentorship"), ": "),
        ("reflected", _) => format!("{who} added a closing reflection"),
        ("stalled", _) => with_detail("Flagged as stalled", ": "),
        (other, _) => with_detail(&format!("{who}: {}", other.replace('_', " ")), ": "),
    }
}
