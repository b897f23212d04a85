//! The whole API in one list: [`declare`] calls every area's `routes`, and the three ways the
//! list is used (served by the app, documented in OpenAPI, listed for the contract test) run it
//! through [`ApiRoutes`]. The one module besides `startup` and `openapi` that knows every area.

use actix_web::web;
use utoipa::openapi::path::Paths;
use utoipa::openapi::{RefOr, Schema};

use crate::api_routes::{ApiRoutes, RouteSettings};

/// Everything the API serves, in one call per area.
pub fn declare(r: &mut ApiRoutes) {
    crate::ops::routes(r);
    crate::auth::routes(r);
    crate::orgs::routes(r);
    crate::catalog::routes(r);
    crate::publishing::routes(r);
    crate::courses::catalog::routes(r);
    crate::courses::authoring::routes(r);
    crate::courses::content::routes(r);
    crate::learning::routes(r);
    crate::attempts::routes(r);
    crate::reports::routes(r);
    crate::certificates::routes(r);
}

/// Serves every route [`declare`] lists on `cfg`.
pub fn serve(cfg: &mut web::ServiceConfig, settings: RouteSettings) {
    let mut r = ApiRoutes::serving(cfg, settings);
    declare(&mut r);
    r.finish();
}

/// The OpenAPI paths and schemas of every route [`declare`] lists.
pub fn documented() -> (Paths, Vec<(String, RefOr<Schema>)>) {
    let mut r = ApiRoutes::documenting();
    declare(&mut r);
    r.into_document()
}

/// `(METHOD, path)` of every route [`declare`] serves, as actix registers them.
pub fn served(settings: RouteSettings) -> Vec<(String, String)> {
    let mut r = ApiRoutes::documenting();
    r.settings = settings;
    declare(&mut r);
    r.into_served()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// Two types under one schema name would leave the document describing only one of them.
    #[test]
    fn no_two_schemas_share_a_name() {
        let (_, schemas) = super::documented();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (name, schema) in schemas {
            let json = serde_json::to_string(&schema).unwrap();
            if let Some(earlier) = seen.insert(name.clone(), json.clone()) {
                assert_eq!(earlier, json, "two different schemas are named {name}");
            }
        }
        assert!(seen.len() > 100, "{}", seen.len());
    }
}
