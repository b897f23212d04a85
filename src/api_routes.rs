//! Every API route, declared once. A handler's `#[utoipa::path]` names its method and path;
//! [`ApiRoutes::add`] serves the handler at exactly that method and path *and* puts the same
//! operation (with the schemas it references) into the OpenAPI document. The served routes and
//! the documented ones are therefore one list and cannot drift apart: a handler that is not
//! added is neither served nor documented, and there is no second place to forget.
//!
//! Each area keeps its own `routes(r: &mut ApiRoutes)` listing its handlers; `api::declare`
//! calls them all. The server runs the list once per worker with [`ApiRoutes::serving`]; the
//! OpenAPI document runs it once with [`ApiRoutes::documenting`] (see `api.rs`, `openapi.rs`).

use actix_web::dev::Handler;
use actix_web::http::Method;
use actix_web::{web, FromRequest, Responder};
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::{RefOr, Schema};
use utoipa_actix_web::OpenApiFactory;

/// Settings that shape a route itself rather than its handler.
#[derive(Debug, Clone, Copy)]
pub struct RouteSettings {
    /// The body limit of a course import (larger than every other JSON body).
    pub import_limit: usize,
}

/// The list being built: actix routes when serving, OpenAPI paths and schemas always.
pub struct ApiRoutes<'a> {
    serve: Option<&'a mut web::ServiceConfig>,
    /// One resource per path, in the order paths first appear: actix answers 405 from the first
    /// resource whose path matches, so every method of a path must sit on the same resource. Each
    /// with the scope it is served in (see [`scope_of`]).
    resources: Vec<(String, Option<String>, Option<actix_web::Resource>)>,
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
    served: Vec<(String, String)>,
    pub settings: RouteSettings,
}

impl<'a> ApiRoutes<'a> {
    /// Collects every route for `cfg`; [`finish`](Self::finish) hands them over.
    pub fn serving(cfg: &'a mut web::ServiceConfig, settings: RouteSettings) -> Self {
        ApiRoutes {
            serve: Some(cfg),
            resources: Vec::new(),
            paths: Paths::new(),
            schemas: Vec::new(),
            served: Vec::new(),
            settings,
        }
    }

    /// Builds only the document (no server); route settings do not change what is documented.
    pub fn documenting() -> ApiRoutes<'static> {
        ApiRoutes {
            serve: None,
            resources: Vec::new(),
            paths: Paths::new(),
            schemas: Vec::new(),
            served: Vec::new(),
            settings: RouteSettings { import_limit: 0 },
        }
    }

    /// Hands the collected resources to the `ServiceConfig` given to [`serving`](Self::serving),
    /// now that every method of every path is on its resource.
    pub fn finish(mut self) {
        let Some(cfg) = self.serve.take() else {
            return;
        };
        // Scopes in the order their first path appeared, each with its resources in order.
        let mut scopes: Vec<(String, Vec<actix_web::Resource>)> = Vec::new();
        for (_, scope, resource) in self.resources.drain(..) {
            let resource = resource.expect("every slot holds its resource between adds");
            let Some(prefix) = scope else {
                cfg.service(resource);
                continue;
            };
            match scopes.iter_mut().find(|(p, _)| *p == prefix) {
                Some((_, resources)) => resources.push(resource),
                None => scopes.push((prefix, vec![resource])),
            }
        }
        for (prefix, resources) in scopes {
            let scope = resources
                .into_iter()
                .fold(web::scope(&prefix), |scope, resource| {
                    scope.service(resource)
                });
            cfg.service(scope);
        }
    }

    /// The OpenAPI paths and the schemas they reference, of every route added.
    pub fn into_document(self) -> (Paths, Vec<(String, RefOr<Schema>)>) {
        (self.paths, self.schemas)
    }

    /// `(METHOD, path)` of every route added, as actix registers them.
    pub fn into_served(self) -> Vec<(String, String)> {
        self.served
    }

    /// Serves `handler` at the method and path of its `#[utoipa::path]` (`doc`, the struct that
    /// attribute generates) and documents it.
    pub fn add<D, F, Args>(&mut self, doc: D, handler: F) -> &mut Self
    where
        D: utoipa::Path + OpenApiFactory,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add_resource(doc, handler, |resource| resource)
    }

    /// As [`add`](Self::add), with the route's resource adjusted first (its own body limit).
    pub fn add_resource<D, F, Args>(
        &mut self,
        doc: D,
        handler: F,
        adjust: impl FnOnce(actix_web::Resource) -> actix_web::Resource,
    ) -> &mut Self
    where
        D: utoipa::Path + OpenApiFactory,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let path = D::path();
        let methods: Vec<Method> = D::methods().iter().map(actix_method).collect();
        for method in &methods {
            self.served.push((method.to_string(), path.clone()));
        }
        if self.serve.is_some() {
            let slot = match self.resources.iter().position(|(p, ..)| *p == path) {
                Some(i) => i,
                None => {
                    let (scope, within) = scope_of(&path);
                    // A method the path does not answer gets the same problem+json 405 with
                    // `Allow` as the app's default service gives.
                    let resource =
                        web::resource(within).default_service(web::to(crate::unmatched::unmatched));
                    self.resources.push((path.clone(), scope, Some(resource)));
                    self.resources.len() - 1
                }
            };
            let mut resource = adjust(self.resources[slot].2.take().expect("a resource"));
            for method in methods {
                resource = resource.route(web::method(method).to(handler.clone()));
            }
            self.resources[slot].2 = Some(resource);
        }
        self.paths.merge(doc.paths());
        doc.schemas(&mut self.schemas);
        self
    }
}

/// The scope a path is served in and the path within it: `/api/v1/attempts/{attempt_id}/submit`
/// is `/{attempt_id}/submit` in `/api/v1/attempts`. actix tries a request against its services in
/// order, and every path with a parameter is a regular expression: with some ninety routes in
/// one flat list, a request near its end ran dozens of them. A scope is a fixed prefix, so a
/// request now runs only the expressions of its own area. Scopes match whole segments
/// (`/api/v1/me` is not a prefix of `/api/v1/members`), and one that holds no match for a request
/// answers with the app's default service, as the flat list did.
fn scope_of(path: &str) -> (Option<String>, &str) {
    const API: &str = "/api/v1/";
    let Some(rest) = path.strip_prefix(API) else {
        return (None, path);
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let area = &rest[..end];
    if area.is_empty() || area.contains('{') {
        return (None, path);
    }
    (Some(format!("{API}{area}")), &path[API.len() + end..])
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}
