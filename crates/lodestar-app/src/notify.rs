//! Telling people what happened, from inside the transaction of the event: every service
//! that changes a request, a mentorship or a session calls [`App::notify`] before it
//! commits, so the change, the inbox entry, the queued e-mail and the live signal to the
//! person's open pages land together.

use lodestar_store::Tx;
use lodestar_store::notifications::{self, Notice};

use crate::live::{self, LiveSignal};
use crate::{App, AppError};

impl App {
    /// Records `notice` in its person's inbox, queues its e-mail (unless they turned that
    /// kind off) and raises its live signal, in the caller's transaction.
    pub(crate) async fn notify(&self, tx: &mut Tx, notice: &Notice) -> Result<(), AppError> {
        let pushed = notifications::push(tx, notice, &self.policy.public_url).await?;
        let signal = LiveSignal::Notification {
            person: notice.person,
            id: pushed.id,
            at: pushed.created_at,
        };
        live::publish(tx, &signal).await
    }
}
