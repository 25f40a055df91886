//! Telling people what happened, from inside the transaction of the event: every service
//! that changes a request, a mentorship or a session calls [`App::notify`] before it
//! commits, so the change, the inbox entry and the queued e-mail land together.

use lodestar_store::Conn;
use lodestar_store::notifications::{self, Notice};

use crate::{App, AppError};

impl App {
    /// Records `notice` in its person's inbox and queues its e-mail (unless they turned
    /// that kind off), in the caller's transaction.
    pub(crate) async fn notify(&self, conn: &mut Conn, notice: &Notice) -> Result<(), AppError> {
        notifications::push(conn, notice, &self.policy.public_url).await?;
        Ok(())
    }
}
