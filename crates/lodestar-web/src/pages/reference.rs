//! A readable API reference, rendered from the same OpenAPI document the API serves.

use askama::Template;
use axum::response::Response;
use utoipa::OpenApi;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::{RefOr, Required};

use super::render;
use crate::api::ApiDoc;

pub struct OperationDoc {
    pub method: &'static str,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub auth: bool,
    pub params: Vec<(String, String, bool, String)>,
    pub body: Option<String>,
    pub responses: Vec<(String, String)>,
}

pub struct TagDoc {
    pub name: String,
    pub description: String,
    pub operations: Vec<OperationDoc>,
}

#[derive(Template)]
#[template(path = "api_reference.html")]
struct ReferencePage {
    chrome: super::Chrome,
    intro: String,
    tags: Vec<TagDoc>,
}

fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
        HttpMethod::Put => "put",
        HttpMethod::Patch => "patch",
        HttpMethod::Delete => "delete",
        _ => "other",
    }
}

fn schema_name<T>(r: &RefOr<T>) -> String {
    match r {
        RefOr::Ref(r) => r
            .ref_location
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        RefOr::T(_) => "inline".into(),
    }
}

fn first_schema<'a>(
    mut content: impl Iterator<Item = &'a RefOr<utoipa::openapi::Content>>,
) -> Option<String> {
    match content.next()? {
        RefOr::T(c) => c.schema.as_ref().map(schema_name),
        RefOr::Ref(r) => Some(
            r.ref_location
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
    }
}

fn describe(method: &HttpMethod, path: &str, op: &Operation) -> OperationDoc {
    let description = op.description.clone().unwrap_or_default();
    let summary = op
        .summary
        .clone()
        .unwrap_or_else(|| description.lines().next().unwrap_or_default().to_owned());
    let description = description.lines().skip(1).collect::<Vec<_>>().join(" ");
    let params = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some(p),
            RefOr::Ref(_) => None,
        })
        .map(|p| {
            (
                p.name.clone(),
                match p.parameter_in {
                    utoipa::openapi::path::ParameterIn::Path => "path",
                    utoipa::openapi::path::ParameterIn::Query => "query",
                    utoipa::openapi::path::ParameterIn::Header => "header",
                    _ => "cookie",
                }
                .to_owned(),
                matches!(p.required, Required::True),
                p.description.clone().unwrap_or_default(),
            )
        })
        .collect();
    let body = match &op.request_body {
        Some(RefOr::T(b)) => first_schema(b.content.values()),
        Some(RefOr::Ref(r)) => Some(
            r.ref_location
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
        None => None,
    };
    let responses = op
        .responses
        .responses
        .iter()
        .map(|(status, r)| {
            let text = match r {
                RefOr::T(resp) => {
                    let schema = first_schema(resp.content.values());
                    match schema {
                        Some(s) if !resp.description.is_empty() => {
                            format!("{} — {s}", resp.description)
                        }
                        Some(s) => s,
                        None if resp.description.is_empty() => "Success, no body".to_owned(),
                        None => resp.description.clone(),
                    }
                }
                RefOr::Ref(r) => r.ref_location.clone(),
            };
            (status.clone(), text)
        })
        .collect();
    OperationDoc {
        method: method_name(method),
        path: path.to_owned(),
        summary,
        description,
        auth: op.security.as_ref().is_some_and(|s| !s.is_empty()),
        params,
        body,
        responses,
    }
}

/// HTML for a line of reference text: escaped, with `backtick spans` set as code.
pub fn with_code(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    escaped
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

/// `GET /api/docs`.
pub async fn api_reference() -> Response {
    let doc = ApiDoc::openapi();
    let mut tags: Vec<TagDoc> = doc
        .tags
        .iter()
        .flatten()
        .map(|t| TagDoc {
            name: t.name.clone(),
            description: t.description.clone().unwrap_or_default(),
            operations: Vec::new(),
        })
        .collect();
    for (path, item) in &doc.paths.paths {
        let ops = [
            (HttpMethod::Get, &item.get),
            (HttpMethod::Post, &item.post),
            (HttpMethod::Patch, &item.patch),
            (HttpMethod::Put, &item.put),
            (HttpMethod::Delete, &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let tag = op
                .tags
                .as_ref()
                .and_then(|t| t.first())
                .cloned()
                .unwrap_or_default();
            let doc = describe(&method, path, op);
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(doc),
                None => tags.push(TagDoc {
                    name: tag,
                    description: String::new(),
                    operations: vec![doc],
                }),
            }
        }
    }
    let chrome = super::Chrome::without_forms("api", "API reference");
    render(&ReferencePage {
        chrome,
        intro: doc.info.description.unwrap_or_default(),
        tags,
    })
}
