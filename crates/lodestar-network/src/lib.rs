//! Lodestar's people network: "who can introduce me to someone who knows X?"
//!
//! People are dense indices `0..n`. Two people are linked when they accepted each other as
//! connections or are in a mentorship together; an introduction made before between them
//! strengthens the link. Given a person, a predicate for the people a query matches and a
//! predicate for the people who hide their connections, [`paths`] finds the strongest and
//! shortest chains of up to three links to the matching people.
//!
//! Pure functions over plain data, no I/O and no async: the app loads the network, keeps a
//! [`Graph`] and asks it questions.
//!
//! - [`graph`]: the network in compressed rows, and how strong each kind of link is.
//! - [`search`]: the paths from one person to the people a query matches, and the rules
//!   that decide which paths may be shown.

pub mod graph;
pub mod search;

pub use graph::{CONNECTION, Edge, EdgeKind, FULL_STRENGTH, Graph, INTRODUCTION_BONUS, MENTORSHIP};
pub use search::{MAX_HOPS, PATH_SCALE, Path, Searcher, paths};
