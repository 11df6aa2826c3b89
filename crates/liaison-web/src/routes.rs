//! A router that remembers what it serves: axum cannot list its routes, and the tests walk them
//! all (every form refuses a request without its token, every API route is in the OpenAPI
//! document).

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};

use crate::AppState;

/// Routes mounted one method at a time, each recorded with its method and path.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    served: Vec<(Method, String)>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.add(Method::GET, path, get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.add(Method::POST, path, post(handler))
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.add(Method::PUT, path, put(handler))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.add(Method::DELETE, path, delete(handler))
    }

    fn add(mut self, method: Method, path: &str, route: MethodRouter<AppState>) -> Routes {
        self.router = self.router.route(path, route);
        self.served.push((method, path.to_owned()));
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.served.extend(other.served);
        self
    }

    /// The method and path of every route, in the order they were mounted.
    pub fn served(&self) -> &[(Method, String)] {
        &self.served
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
