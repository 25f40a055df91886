//! Conversations: your threads, a thread's messages, writing, editing and deleting your
//! own, marking a thread read, reporting a message, and the seen setting. To anyone who is
//! not one of a thread's parties, admins included, the thread and its messages do not
//! exist (404).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lodestar_app::conversations::{
    MessageEdit, MessagePage, MessageQuery, MessageView, MessagingSettings, NewMessageInput,
    ReadState, ReportInput, ReportReceipt, ThreadList,
};

use super::extract::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::ApiViewer;
use crate::error::{ApiResult, ErrorBody};

/// Your threads (one per request, continued by the mentorship it started; one per
/// mentorship that came from no request), newest activity first, each with its unread
/// count, the other parties, what it belongs to, whether it takes new messages, and its
/// newest message; and your unread messages in all.
#[utoipa::path(get, path = "/api/v1/threads", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = ThreadList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<ThreadList>> {
    Ok(Json(state.app.my_threads(&viewer).await?))
}

/// A page of a thread's messages, **newest first**: the newest `limit` (default 50, at
/// most 100), or those written before the message `before`. When older ones remain,
/// `next_before` is the cursor for the next page. A deleted message is a tombstone
/// (`deleted: true`, no text). `seen` is on your own messages only when everyone in the
/// thread shows what they have read.
#[utoipa::path(get, path = "/api/v1/threads/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Thread id"), MessageQuery),
    responses(
        (status = 200, body = MessagePage),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such thread, or you are not one of its parties (`not_found`)", body = ErrorBody),
        (status = 422, description = "`before` is not a message id, or `limit` is out of range (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn messages(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<MessageQuery>,
) -> ApiResult<Json<MessagePage>> {
    let id = path_id(&id, "thread")?;
    Ok(Json(state.app.thread_messages(&viewer, id, &query).await?))
}

/// Write a message: `{"body"}`, 1–4,000 characters of Markdown (emphasis, lists, links,
/// code). The answer has its rendered `html`: raw HTML comes out as text, and links only
/// keep http, https and mailto addresses, with `rel="nofollow noopener"`.
#[utoipa::path(post, path = "/api/v1/threads/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Thread id")),
    request_body = NewMessageInput,
    responses(
        (status = 201, body = MessageView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such thread, or you are not one of its parties (`not_found`)", body = ErrorBody),
        (status = 409, description = "The thread takes no new messages (`thread_closed`): a block, an admin closed it, the request ended, or the mentorship ended and its grace period passed", body = ErrorBody),
        (status = 422, description = "Empty or too long a body (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn post(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewMessageInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "thread")?;
    let message = state.app.post_message(&viewer, id, &input).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Mark everything in the thread read. No body.
#[utoipa::path(post, path = "/api/v1/threads/{id}/read", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Thread id")),
    responses(
        (status = 200, body = ReadState),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such thread, or you are not one of its parties (`not_found`)", body = ErrorBody),
    ))]
pub async fn read(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<ReadState>> {
    let id = path_id(&id, "thread")?;
    Ok(Json(state.app.mark_thread_read(&viewer, id).await?))
}

/// Edit your message: `{"body"}`, within 15 minutes of writing it, while the thread takes
/// messages.
#[utoipa::path(patch, path = "/api/v1/messages/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    request_body = MessageEdit,
    responses(
        (status = 200, body = MessageView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Someone else's message (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such message, or you are not in its thread (`not_found`)", body = ErrorBody),
        (status = 409, description = "More than 15 minutes old (`edit_window_passed`), deleted (`message_deleted`), or the thread is closed (`thread_closed`)", body = ErrorBody),
        (status = 422, description = "Empty or too long a body (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn edit(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MessageEdit>,
) -> ApiResult<Json<MessageView>> {
    let id = path_id(&id, "message")?;
    Ok(Json(state.app.edit_message(&viewer, id, &input).await?))
}

/// Delete your message. A tombstone stays in the thread ("message deleted"); its text is
/// gone from every view and answer. Deleting it again changes nothing. Answers the
/// tombstone.
#[utoipa::path(delete, path = "/api/v1/messages/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses(
        (status = 200, body = MessageView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Someone else's message (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such message, or you are not in its thread (`not_found`)", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageView>> {
    let id = path_id(&id, "message")?;
    Ok(Json(state.app.delete_message(&viewer, id).await?))
}

/// Report someone else's message to the admins: `{"reason", "comment"}`. From then on the
/// admins can read that message (as it is now) and who is in the thread, nothing else of
/// it. Reporting the same message again is idempotent: 200 with your first report.
#[utoipa::path(post, path = "/api/v1/messages/{id}/report", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    request_body = ReportInput,
    responses(
        (status = 201, description = "Reported", body = ReportReceipt),
        (status = 200, description = "You had reported it already; nothing changed", body = ReportReceipt),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such message, or you are not in its thread (`not_found`)", body = ErrorBody),
        (status = 409, description = "Your own message (`own_message`), or deleted (`message_deleted`)", body = ErrorBody),
        (status = 422, description = "An unknown `reason` or too long a `comment` (`validation_failed`)", body = ErrorBody),
    ))]
pub async fn report(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReportInput>,
) -> ApiResult<impl IntoResponse> {
    let id = path_id(&id, "message")?;
    let (receipt, created) = state.app.report_message(&viewer, id, &input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(receipt)))
}

/// Your messaging settings: whether others see that you have read their messages.
#[utoipa::path(get, path = "/api/v1/me/messaging", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = MessagingSettings), (status = 401, body = ErrorBody)))]
pub async fn settings(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
) -> ApiResult<Json<MessagingSettings>> {
    Ok(Json(state.app.messaging_settings(&viewer).await?))
}

/// Change your messaging settings: `{"show_seen": false}`. "Seen" shows only when everyone
/// in a thread has it on, so turning it off hides it both ways.
#[utoipa::path(put, path = "/api/v1/me/messaging", tag = "conversations", security(("bearer" = [])),
    request_body = MessagingSettings,
    responses((status = 200, body = MessagingSettings), (status = 401, body = ErrorBody)))]
pub async fn set_settings(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiJson(input): ApiJson<MessagingSettings>,
) -> ApiResult<Json<MessagingSettings>> {
    Ok(Json(
        state.app.set_messaging_settings(&viewer, &input).await?,
    ))
}
