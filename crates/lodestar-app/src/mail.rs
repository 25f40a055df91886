//! E-mail: turning an outbox row into an RFC 5322 message and handing it to SMTP, or, when
//! no SMTP server is configured, writing it as an `.eml` file for the operator to see.
//!
//! A message with a calendar part is `multipart/mixed`: a `multipart/alternative` of the
//! text and a `text/calendar; method=…` part (which mail clients show as an invitation to
//! accept), then the same object as an `invite.ics` attachment (for clients that only offer
//! attachments).
//!
//! `LODESTAR_SMTP_URL`:
//! - `smtp://user:pass@host:587`: STARTTLS, required (the connection fails rather than send
//!   the password or the mail in the clear); port 587 if none is given;
//! - `smtp://…?tls=opportunistic`: STARTTLS if the server offers it, else plain;
//! - `smtp://…?tls=none`: plain SMTP, for a relay on the same machine; port 25 by default;
//! - `smtps://user:pass@host:465`: implicit TLS from the first byte; port 465 by default.
//!
//! User name and password are percent-decoded. Certificates are checked against Mozilla's
//! roots.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use lodestar_store::outbox::Outgoing;

/// Why the mail configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "LODESTAR_MAIL_FROM {0:?} is not an address such as \"Lodestar <mentoring@example.org>\""
    )]
    From(String),
    #[error("LODESTAR_SMTP_URL: {0}")]
    Url(String),
}

/// SMTP connections kept open and used at once. Each message costs one round trip per
/// command plus about 40 ms: lettre writes a message and its closing `.` separately on a
/// socket without TCP_NODELAY, so the closing line waits for the server's delayed ACK.
/// Throughput comes from connections in parallel: 8 made ~140 messages a second to a local
/// server, 16 about 275 (docs/benchmarks.md), within common servers' per-client limits.
pub const SMTP_CONNECTIONS: u32 = 16;
/// How long one SMTP exchange may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

enum Transport {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The URL without its password, for the log.
        shown: String,
    },
    Files(PathBuf),
}

/// Delivers built messages by SMTP or into a folder.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("to", &self.destination())
            .finish()
    }
}

/// Where messages are written when nothing else is configured: the default data folder's
/// `outbox/`.
pub const DEFAULT_FOLDER: &str = "lodestar-data/outbox";

/// The sender used when none is configured.
pub const DEFAULT_FROM: &str = "Lodestar <lodestar@localhost>";

impl Mailer {
    /// Sends through the SMTP server at `url` (see the module's documentation).
    /// Call it inside the Tokio runtime: the connection pool starts a task.
    pub fn smtp(url: &str, from: &str) -> Result<Self, ConfigError> {
        let from = parse_from(from)?;
        let (url, shown) = lettre_url(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| ConfigError::Url(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(SMTP_CONNECTIONS))
            .build();
        Ok(Self {
            from,
            transport: Transport::Smtp { transport, shown },
        })
    }

    /// Writes every message as `<id>.eml` into `folder` (made on first use).
    pub fn files(folder: impl Into<PathBuf>, from: &str) -> Result<Self, ConfigError> {
        Ok(Self {
            from: parse_from(from)?,
            transport: Transport::Files(folder.into()),
        })
    }

    /// Where messages go, in words for the log.
    pub fn destination(&self) -> String {
        match &self.transport {
            Transport::Smtp { shown, .. } => format!("SMTP server {shown}"),
            Transport::Files(folder) => format!(".eml files in {}", folder.display()),
        }
    }

    /// The folder messages are written to, when there is no SMTP server.
    pub fn folder(&self) -> Option<&Path> {
        match &self.transport {
            Transport::Files(folder) => Some(folder),
            Transport::Smtp { .. } => None,
        }
    }

    /// Builds the message for `outgoing`.
    pub fn build(&self, outgoing: &Outgoing) -> Result<Message, String> {
        let address = outgoing
            .recipient
            .parse()
            .map_err(|e| format!("bad recipient {:?}: {e}", outgoing.recipient))?;
        let name = (!outgoing.recipient_name.is_empty()).then(|| outgoing.recipient_name.clone());
        let domain = self.from.email.domain().to_owned();
        let builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(name, address))
            .subject(outgoing.subject.clone())
            // The same id on every attempt, so a receiver can tell a retry from a new mail.
            .message_id(Some(format!("<{}@{domain}>", outgoing.id)));
        let text = SinglePart::plain(outgoing.body.clone());
        let message = match &outgoing.calendar {
            None => builder.singlepart(text),
            Some(ics) => {
                let method = outgoing.calendar_method.as_deref().unwrap_or("PUBLISH");
                let calendar_type =
                    ContentType::parse(&format!("text/calendar; method={method}; charset=UTF-8"))
                        .map_err(|e| format!("bad calendar method {method:?}: {e}"))?;
                let ics_type = ContentType::parse("application/ics")
                    .map_err(|e| format!("bad content type: {e}"))?;
                builder.multipart(
                    MultiPart::mixed()
                        .multipart(
                            MultiPart::alternative().singlepart(text).singlepart(
                                SinglePart::builder()
                                    .header(calendar_type)
                                    .body(ics.clone()),
                            ),
                        )
                        .singlepart(
                            Attachment::new("invite.ics".into()).body(ics.clone(), ics_type),
                        ),
                )
            }
        };
        message.map_err(|e| format!("cannot build the message: {e}"))
    }

    /// Builds and delivers `outgoing`. The error says why, for the outbox's `last_error`.
    pub async fn send(&self, outgoing: &Outgoing) -> Result<(), String> {
        let message = self.build(outgoing)?;
        match &self.transport {
            Transport::Smtp { transport, .. } => {
                transport.send(message).await.map_err(|e| e.to_string())?;
                Ok(())
            }
            Transport::Files(folder) => {
                let path = write_eml(folder, &outgoing.id, &message.formatted())
                    .await
                    .map_err(|e| format!("cannot write to {}: {e}", folder.display()))?;
                tracing::debug!(path = %path.display(), to = %outgoing.recipient, "e-mail written");
                Ok(())
            }
        }
    }
}

fn parse_from(from: &str) -> Result<Mailbox, ConfigError> {
    from.parse().map_err(|_| ConfigError::From(from.to_owned()))
}

/// Writes the message under a temporary name and renames it, so a reader never sees half a
/// file; a retry of the same message replaces its file.
async fn write_eml(folder: &Path, id: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    tokio::fs::create_dir_all(folder).await?;
    let path = folder.join(format!("{id}.eml"));
    let partial = folder.join(format!(".{id}.eml.partial"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(path)
}

/// Translates Lodestar's URL into lettre's, which reads a bare `smtp://` as plain SMTP:
/// here it means STARTTLS, required, and `tls=none` asks for plain. Returns the URL to give
/// lettre and the URL to show in the log (no password).
fn lettre_url(url: &str) -> Result<(String, String), ConfigError> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut tls = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("tls", value)) => tls = Some(value),
            _ => return Err(ConfigError::Url(format!("unknown parameter {pair:?}"))),
        }
    }
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| ConfigError::Url("expected smtp://host or smtps://host".into()))?;
    let lettre = match (scheme, tls) {
        ("smtp", None | Some("required")) => format!("{base}?tls=required"),
        ("smtp", Some("opportunistic")) => format!("{base}?tls=opportunistic"),
        ("smtp", Some("none")) => base.to_owned(),
        ("smtps", None) => base.to_owned(),
        (scheme, tls) => {
            return Err(ConfigError::Url(format!(
                "unknown scheme {scheme:?} or tls={tls:?}: use smtp:// (tls=required, \
                 opportunistic or none) or smtps://"
            )));
        }
    };
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let shown = format!(
        "{scheme}://{host}{}",
        tls.map(|t| format!("?tls={t}")).unwrap_or_default()
    );
    Ok((lettre, shown))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_smtp_url_requires_starttls_and_the_log_never_shows_the_password() {
        let (url, shown) = lettre_url("smtp://user:secret@mail.example:587").unwrap();
        assert_eq!(url, "smtp://user:secret@mail.example:587?tls=required");
        assert_eq!(shown, "smtp://mail.example:587");
        let (url, _) = lettre_url("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!(url, "smtp://127.0.0.1:2525");
        let (url, shown) = lettre_url("smtps://u:p@mail.example").unwrap();
        assert_eq!(
            (url.as_str(), shown.as_str()),
            ("smtps://u:p@mail.example", "smtps://mail.example")
        );
        assert!(lettre_url("http://mail.example").is_err());
        assert!(lettre_url("smtp://mail.example?tls=maybe").is_err());
        assert!(Mailer::smtp("smtp://mail.example", "not an address").is_err());
    }

    #[test]
    fn an_invitation_is_text_and_calendar_alternatives_with_the_ics_attached() {
        let mailer =
            Mailer::files("/nonexistent", "Lodestar <mentoring@lodestar.example>").unwrap();
        let outgoing = Outgoing {
            id: "0190-abc".into(),
            recipient: "ana@example.org".into(),
            recipient_name: "Ana Example".into(),
            subject: "A session is scheduled".into(),
            body: "Tuesday at 10:00\n".into(),
            calendar: Some("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into()),
            calendar_method: Some("REQUEST".into()),
            created_at: 0,
            attempts: 0,
        };
        let text = String::from_utf8(mailer.build(&outgoing).unwrap().formatted()).unwrap();
        assert!(
            text.contains("Message-ID: <0190-abc@lodestar.example>"),
            "{text}"
        );
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(
            text.contains("text/calendar; method=REQUEST; charset=utf-8"),
            "{text}"
        );
        assert!(text.contains("filename=\"invite.ics\""), "{text}");
    }
}
