//! A router that remembers what it serves. axum's `Router` cannot list its routes, and the
//! authorization matrix test must see every one of them, so each module builds its routes
//! through [`Routes`], which records `(method, path)` as it adds the handler: the list
//! and the router come from the same calls and cannot drift apart.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};

/// One route: a method and a path template as axum writes it (`/people/{id}`).
pub type Route = (Method, String);

/// A `Router` and the list of the `(method, path)` pairs it serves.
pub struct Routes<S> {
    router: Router<S>,
    list: Vec<Route>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    fn add<H, T>(mut self, method: Method, filter: MethodFilter, path: &str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        // axum merges the method routers of one path; the same method twice panics.
        self.router = self.router.route(path, on(filter, handler));
        self.list.push((method, path.to_owned()));
        self
    }

    pub fn get<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::GET, MethodFilter::GET, path, handler)
    }

    pub fn post<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::POST, MethodFilter::POST, path, handler)
    }

    pub fn put<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::PUT, MethodFilter::PUT, path, handler)
    }

    pub fn patch<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::PATCH, MethodFilter::PATCH, path, handler)
    }

    pub fn delete<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::DELETE, MethodFilter::DELETE, path, handler)
    }

    /// These routes and `other`'s, in one router and one list.
    pub fn merge(mut self, other: Self) -> Self {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// The routes served, in the order they were added.
    pub fn list(&self) -> &[Route] {
        &self.list
    }

    /// The list with `prefix` before every path, as when the router is nested under it.
    pub fn list_under(&self, prefix: &str) -> Vec<Route> {
        self.list
            .iter()
            .map(|(method, path)| (method.clone(), format!("{prefix}{path}")))
            .collect()
    }

    pub fn into_router(self) -> Router<S> {
        self.router
    }
}
