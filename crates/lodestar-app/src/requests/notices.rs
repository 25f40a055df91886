//! What people are told when a request is sent, answered, about to expire or expired:
//! short titles, kind words, and a link to the page where they act on it.

use lodestar_domain::MentorshipId;
use lodestar_domain::mentoring::{Initiator, NotificationKind};
use lodestar_store::notifications::Notice;
use lodestar_store::requests::Request;

/// A day as people read it: "18 December 2026".
pub(super) fn day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%-d %B %Y").to_string())
        .unwrap_or_default()
}

pub(super) fn received_notice(request: &Request) -> Notice {
    let (title, what) = match request.initiator {
        Initiator::Mentee => (
            format!("{} asks you to mentor them", request.mentee_name),
            "a mentorship",
        ),
        Initiator::Mentor => (
            format!("{} offers to mentor you", request.mentor_name),
            "this offer",
        ),
    };
    let mut body = String::new();
    if !request.message.is_empty() {
        body.push_str(&format!("“{}”\n\n", request.message));
    }
    body.push_str(&format!(
        "They propose meeting {} for {} weeks. Please accept or decline {what} by {}.",
        request.cadence.label().to_lowercase(),
        request.duration_weeks,
        day(request.expires_at)
    ));
    Notice {
        person: request.receiver(),
        kind: NotificationKind::RequestReceived,
        title,
        body,
        link: format!("/requests#request-{}", request.id),
        calendar: None,
    }
}

pub(super) fn accepted_notice(request: &Request, mentorship: MentorshipId) -> Notice {
    let receiver = request.name_of(request.receiver());
    let title = match request.initiator {
        Initiator::Mentee => format!("{receiver} accepted your request"),
        Initiator::Mentor => format!("{receiver} accepted your offer to mentor them"),
    };
    Notice {
        person: request.sender(),
        kind: NotificationKind::RequestAccepted,
        title,
        body: format!(
            "Your mentorship with {receiver} has begun. Agree on your goals and how to reach each other, and schedule your first session."
        ),
        link: format!("/mentorships/{mentorship}"),
        calendar: None,
    }
}

pub(super) fn declined_notice(request: &Request) -> Notice {
    let reason = if request.decline_reason.is_empty() {
        String::new()
    } else {
        format!("They said: “{}”\n\n", request.decline_reason)
    };
    match request.initiator {
        Initiator::Mentee => Notice {
            person: request.mentee,
            kind: NotificationKind::RequestDeclined,
            title: format!("{} can't take this on right now", request.mentor_name),
            body: format!(
                "{reason}This is about timing and fit, not about you. Other mentors who fit you are waiting on your recommendations."
            ),
            link: "/recommendations".into(),
            calendar: None,
        },
        Initiator::Mentor => Notice {
            person: request.mentor,
            kind: NotificationKind::RequestDeclined,
            title: format!("{} declined your offer to mentor them", request.mentee_name),
            body: format!("{reason}Thank you for offering."),
            link: "/requests".into(),
            calendar: None,
        },
    }
}

pub(super) fn expired_notice(request: &Request) -> Notice {
    match request.initiator {
        Initiator::Mentee => Notice {
            person: request.mentee,
            kind: NotificationKind::RequestExpired,
            title: format!("Your request to {} expired", request.mentor_name),
            body: format!(
                "{} did not answer in time, so the request has closed and you can ask someone else. Your next recommended mentors leave out the ones you have already asked.",
                request.mentor_name
            ),
            link: "/recommendations".into(),
            calendar: None,
        },
        Initiator::Mentor => Notice {
            person: request.mentor,
            kind: NotificationKind::RequestExpired,
            title: format!("Your offer to mentor {} expired", request.mentee_name),
            body: format!(
                "{} did not answer in time, so the offer has closed.",
                request.mentee_name
            ),
            link: "/requests".into(),
            calendar: None,
        },
    }
}

pub(super) fn expiring_notice(request: &Request) -> Notice {
    let sender = request.name_of(request.sender());
    let what = match request.initiator {
        Initiator::Mentee => format!("{sender}'s request for mentoring"),
        Initiator::Mentor => format!("{sender}'s offer to mentor you"),
    };
    Notice {
        person: request.receiver(),
        kind: NotificationKind::RequestExpiring,
        title: format!("{what} expires on {}", day(request.expires_at)),
        body: format!(
            "{sender} is waiting for your answer. Accept or decline before {} so they know where they stand; a kind no is better than silence.",
            day(request.expires_at)
        ),
        link: format!("/requests#request-{}", request.id),
        calendar: None,
    }
}

pub(super) fn paused_notice(request: &Request, in_a_row: i64) -> Notice {
    Notice {
        person: request.mentor,
        kind: NotificationKind::RequestsPaused,
        title: "You are no longer taking mentoring requests".into(),
        body: format!(
            "{in_a_row} requests to you in a row expired unanswered, so new mentees will not wait on you. Turn requests back on from your requests page whenever you are ready."
        ),
        link: "/requests".into(),
        calendar: None,
    }
}
