//! The network: connections between people. A person asks someone they can see in the
//! directory to connect; the other accepts, or declines by removing the request. A
//! mentorship connects its mentor and mentee (see `lodestar_store::mentorships::insert`).
//! Either side removes a connection whenever they like.
//!
//! Who sees what: a person's connections and requests are theirs to see. Someone else sees
//! only the connections they share with that person, and none if the person hides their
//! connections. Admins have no wider view.

pub mod introductions;
pub mod paths;

use lodestar_domain::mentoring::NotificationKind;
use lodestar_domain::network::{ConnectionSource, ConnectionState, Pair};
use lodestar_domain::{ConnectionId, PersonId};
use lodestar_store::connections::{self as store, Connection, Listed};
use lodestar_store::notifications::Notice;
use lodestar_store::{blocks, now_ms};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{App, AppError, Viewer};

/// `POST /api/v1/connections`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionRequest {
    /// Whom to connect with.
    #[schema(format = Uuid)]
    pub person_id: String,
}

/// `PUT /api/v1/me/network`: your network settings.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// Hide your connections: no one else sees them (not even those they share with you),
    /// and no one is shown a path to someone else through you.
    pub hide_connections: bool,
}

/// Someone on the other side of a connection.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ConnectedPerson {
    #[schema(value_type = String, format = Uuid)]
    pub id: PersonId,
    pub name: String,
    pub headline: String,
}

/// A connection of yours, or a request to or from you.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ConnectionView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ConnectionId,
    /// `pending` (a request) or `accepted` (a connection).
    #[schema(value_type = String, example = "pending")]
    pub state: ConnectionState,
    /// How it came about: `request`, `mentorship` or `introduction`.
    #[schema(value_type = String, example = "request")]
    pub source: ConnectionSource,
    /// The other person.
    pub person: ConnectedPerson,
    /// A request: whether you made it (else it waits for your answer).
    pub requested_by_you: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub accepted_at: Option<i64>,
}

/// `GET /api/v1/connections`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ConnectionsView {
    /// Your connections, by name.
    pub connections: Vec<ConnectionView>,
    /// Requests waiting for your answer, newest first.
    pub incoming: Vec<ConnectionView>,
    /// Your requests others have not answered yet, newest first.
    pub outgoing: Vec<ConnectionView>,
    /// Whether you hide your connections from others.
    pub hide_connections: bool,
}

/// `GET /api/v1/people/{id}/connections`.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct SharedConnectionsView {
    /// Whether the person hides their connections (then `shared` is empty).
    pub hidden: bool,
    /// The people you and they are both connected with, by name (all of them, if it is you).
    pub shared: Vec<ConnectedPerson>,
    /// Your connection or request with them, if any.
    pub yours: Option<ConnectionView>,
}

impl ConnectionView {
    fn of(c: &Connection, viewer: PersonId, person: ConnectedPerson) -> Self {
        Self {
            id: c.id,
            state: c.state,
            source: c.source,
            person,
            requested_by_you: c.requested_by == Some(viewer),
            created_at: c.created_at,
            accepted_at: c.accepted_at,
        }
    }

    fn listed(l: &Listed, viewer: PersonId) -> Self {
        Self::of(
            &l.connection,
            viewer,
            ConnectedPerson {
                id: l.other,
                name: l.name.clone(),
                headline: l.headline.clone(),
            },
        )
    }
}

impl App {
    /// The viewer asks `input.person_id` to connect. The person must be someone the viewer
    /// can see in the directory, and neither may have blocked the other (else there is no
    /// such person, 404). If they asked the viewer already, this accepts their request.
    /// Asking again, or someone already connected, is a conflict.
    pub async fn request_connection(
        &self,
        viewer: &Viewer,
        input: &ConnectionRequest,
    ) -> Result<ConnectionView, AppError> {
        self.network_request(viewer.id, self.try_request_connection(viewer, input))
            .await
    }

    async fn try_request_connection(
        &self,
        viewer: &Viewer,
        input: &ConnectionRequest,
    ) -> Result<ConnectionView, AppError> {
        let other: PersonId = input
            .person_id
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("person_id", "is not a person id"))?;
        let pair = Pair::of(viewer.id, other)
            .ok_or_else(|| AppError::invalid("person_id", "you cannot connect with yourself"))?;
        let profile = self.profile(viewer, other).await?;
        if blocks::involving(&self.db, viewer.id)
            .await?
            .contains(&other)
        {
            return Err(AppError::NotFound("person"));
        }
        let person = ConnectedPerson {
            id: other,
            name: profile.name.clone(),
            headline: profile.headline.clone(),
        };
        let id = ConnectionId::new();
        let mut tx = self.db.begin().await?;
        if store::request(&mut tx, id, viewer.id, other, now_ms()).await? {
            self.notify(
                &mut tx,
                &Notice {
                    person: other,
                    kind: NotificationKind::ConnectionRequested,
                    title: format!("{} asks to connect with you", viewer.name),
                    body: "Accept or decline on your Network page.".into(),
                    link: "/network".into(),
                    calendar: None,
                },
            )
            .await?;
            lodestar_store::commit(tx).await?;
        } else {
            drop(tx);
            let existing = store::between(&self.db, pair)
                .await?
                .ok_or(AppError::NotFound("connection"))?;
            return match existing.state {
                ConnectionState::Accepted => Err(conflict(
                    "already_connected",
                    "you are connected with them already",
                )),
                ConnectionState::Pending if existing.requested_by == Some(viewer.id) => {
                    Err(conflict("already_requested", "you have asked them already"))
                }
                // They asked first: asking back is accepting.
                ConnectionState::Pending => self.accept_connection(viewer, existing.id).await,
            };
        }
        let made = store::get(&self.db, id)
            .await?
            .ok_or(AppError::NotFound("connection"))?;
        Ok(ConnectionView::of(&made, viewer.id, person))
    }

    /// The viewer accepts a request made to them. Someone else's connection does not
    /// exist for them (404); their own request is not theirs to accept (403); an answered
    /// one is a conflict (409 `not_pending`).
    pub async fn accept_connection(
        &self,
        viewer: &Viewer,
        id: ConnectionId,
    ) -> Result<ConnectionView, AppError> {
        let found = self.own_connection(viewer, id).await?;
        if found.requested_by == Some(viewer.id) {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        if !store::accept(&mut tx, id, viewer.id, now_ms()).await? {
            return Err(conflict(
                "not_pending",
                "this is not a request waiting for you",
            ));
        }
        if let Some(asker) = found.requested_by {
            self.notify(
                &mut tx,
                &Notice {
                    person: asker,
                    kind: NotificationKind::ConnectionAccepted,
                    title: format!("{} accepted your request to connect", viewer.name),
                    body: String::new(),
                    link: format!("/people/{}", viewer.id),
                    calendar: None,
                },
            )
            .await?;
        }
        lodestar_store::commit(tx).await?;
        self.connection_view(viewer, id).await
    }

    /// The viewer removes a connection, declines a request to them or withdraws theirs.
    pub async fn remove_connection(
        &self,
        viewer: &Viewer,
        id: ConnectionId,
    ) -> Result<(), AppError> {
        if store::remove(&self.db, id, viewer.id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("connection"))
        }
    }

    /// The viewer's connections and requests, and their network settings.
    pub async fn my_connections(&self, viewer: &Viewer) -> Result<ConnectionsView, AppError> {
        let (all, hide_connections) = tokio::try_join!(
            async { Ok::<_, AppError>(store::list_for(&self.db, viewer.id).await?) },
            async { Ok::<_, AppError>(store::hides(&self.db, viewer.id).await?) },
        )?;
        let mut view = ConnectionsView {
            connections: Vec::new(),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            hide_connections,
        };
        for l in &all {
            let c = ConnectionView::listed(l, viewer.id);
            match (c.state, c.requested_by_you) {
                (ConnectionState::Accepted, _) => view.connections.push(c),
                (ConnectionState::Pending, true) => view.outgoing.push(c),
                (ConnectionState::Pending, false) => view.incoming.push(c),
            }
        }
        Ok(view)
    }

    /// A person's connections as the viewer may see them: all of them for the person
    /// themself; for anyone else who can see the person, the ones both share, unless the
    /// person hides their connections.
    pub async fn connections_of(
        &self,
        viewer: &Viewer,
        person: PersonId,
    ) -> Result<SharedConnectionsView, AppError> {
        self.profile(viewer, person).await?;
        if person == viewer.id {
            let mine = self.my_connections(viewer).await?;
            return Ok(SharedConnectionsView {
                hidden: mine.hide_connections,
                shared: mine.connections.into_iter().map(|c| c.person).collect(),
                yours: None,
            });
        }
        if blocks::involving(&self.db, viewer.id)
            .await?
            .contains(&person)
        {
            return Err(AppError::NotFound("person"));
        }
        let hidden = store::hides(&self.db, person).await?;
        let shared = if hidden {
            Vec::new()
        } else {
            store::shared(&self.db, viewer.id, person)
                .await?
                .into_iter()
                .map(|s| ConnectedPerson {
                    id: s.person,
                    name: s.name,
                    headline: s.headline,
                })
                .collect()
        };
        let yours = match Pair::of(viewer.id, person) {
            Some(pair) => match store::between(&self.db, pair).await? {
                Some(c) => Some(self.connection_view(viewer, c.id).await?),
                None => None,
            },
            None => None,
        };
        Ok(SharedConnectionsView {
            hidden,
            shared,
            yours,
        })
    }

    /// The viewer's network settings.
    pub async fn network_settings(&self, viewer: &Viewer) -> Result<NetworkSettings, AppError> {
        Ok(NetworkSettings {
            hide_connections: store::hides(&self.db, viewer.id).await?,
        })
    }

    /// Changes the viewer's network settings.
    pub async fn set_network_settings(
        &self,
        viewer: &Viewer,
        settings: &NetworkSettings,
    ) -> Result<NetworkSettings, AppError> {
        store::set_hides(&self.db, viewer.id, settings.hide_connections).await?;
        self.network_settings(viewer).await
    }

    /// A connection of the viewer's (either side); to anyone else it does not exist.
    async fn own_connection(
        &self,
        viewer: &Viewer,
        id: ConnectionId,
    ) -> Result<Connection, AppError> {
        store::get(&self.db, id)
            .await?
            .filter(|c| c.pair.contains(viewer.id))
            .ok_or(AppError::NotFound("connection"))
    }

    /// A connection of the viewer's with the other side's name and headline, in one read.
    async fn connection_view(
        &self,
        viewer: &Viewer,
        id: ConnectionId,
    ) -> Result<ConnectionView, AppError> {
        store::one_of(&self.db, viewer.id, id)
            .await?
            .map(|l| ConnectionView::listed(&l, viewer.id))
            .ok_or(AppError::NotFound("connection"))
    }
}

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::Conflict {
        code,
        field: None,
        message: message.into(),
    }
}
