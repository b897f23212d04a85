//! The OpenAPI document is the contract a generated client is built from: every body in it has a
//! real schema, every documented operation is served, and nothing is served that it leaves out.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::*;

/// What a schema fails to say, if anything: a bare object, an open map of anything, or no type.
fn untyped(schema: &Value) -> Option<&'static str> {
    let Some(map) = schema.as_object() else {
        return Some("not a schema");
    };
    let has = |key: &str| map.contains_key(key);
    if has("$ref") || has("oneOf") || has("anyOf") || has("allOf") || has("enum") || has("const") {
        return None;
    }
    let types: Vec<&str> = match &map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return Some("no type"),
    };
    if types.contains(&"object") {
        let properties = map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        let typed_values = map
            .get("additionalProperties")
            .is_some_and(Value::is_object);
        if map.get("additionalProperties") == Some(&Value::Bool(true)) && !properties {
            return Some("additionalProperties: true without properties");
        }
        if !properties && !typed_values {
            return Some("a bare object");
        }
    }
    None
}

/// Checks `schema` and every schema inside it, naming each fault with where it is.
fn walk(schema: &Value, at: &str, faults: &mut Vec<String>) {
    if let Some(why) = untyped(schema) {
        faults.push(format!("{at}: {why}: {schema}"));
    }
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(properties) = map.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            walk(property, &format!("{at}.{name}"), faults);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = map.get(key).filter(|v| v.is_object()) {
            walk(inner, &format!("{at}[{key}]"), faults);
        }
    }
    for key in ["oneOf", "anyOf", "allOf", "prefixItems"] {
        for (i, inner) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            walk(inner, &format!("{at}.{key}[{i}]"), faults);
        }
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn no_schema_in_the_openapi_document_is_untyped() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json", None).await.body;
    let mut faults = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        walk(schema, &format!("components.schemas.{name}"), &mut faults);
    }
    let mut bodies = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{method} {path}");
            // Path parameters are exactly the path's `{names}`; the rest are query parameters.
            let mut in_path: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            let mut templated: Vec<&str> = path
                .split('{')
                .skip(1)
                .filter_map(|piece| piece.split('}').next())
                .collect();
            in_path.sort_unstable();
            templated.sort_unstable();
            if in_path != templated {
                faults.push(format!(
                    "{at}: path parameters {in_path:?}, path names {templated:?}"
                ));
            }
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                walk(
                    &parameter["schema"],
                    &format!("{at} parameter {}", parameter["name"]),
                    &mut faults,
                );
            }
            for (media, content) in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                bodies += 1;
                walk(
                    &content["schema"],
                    &format!("{at} request {media}"),
                    &mut faults,
                );
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                // A success with a body documents it (202 and 204 have none).
                let has_body =
                    status.starts_with('2') && !["202", "204"].contains(&status.as_str());
                if has_body && response.get("content").is_none() {
                    faults.push(format!("{at} {status}: a body without a schema"));
                }
                for (media, content) in response["content"].as_object().into_iter().flatten() {
                    bodies += 1;
                    if content["schema"]["$ref"] == "#/components/schemas/Problem"
                        && media != "application/problem+json"
                    {
                        faults.push(format!("{at} {status}: a problem documented as {media}"));
                    }
                    walk(
                        &content["schema"],
                        &format!("{at} {status} {media}"),
                        &mut faults,
                    );
                }
            }
        }
    }
    assert!(bodies > 150, "the walk reached the bodies ({bodies})");
    // Every reference leads to a schema the document holds.
    let text = doc.to_string();
    for piece in text.split("\"#/components/schemas/").skip(1) {
        let name = &piece[..piece.find('"').unwrap()];
        if doc["components"]["schemas"].get(name).is_none() {
            faults.push(format!(
                "a $ref to {name}, which the document does not hold"
            ));
        }
    }
    assert!(faults.is_empty(), "untyped schemas:\n{}", faults.join("\n"));
}

#[test]
fn the_walk_finds_what_an_untyped_schema_looks_like() {
    let mut faults = Vec::new();
    walk(&json!({"type": "object"}), "bare", &mut faults);
    walk(
        &json!({"type": "object", "additionalProperties": true}),
        "open",
        &mut faults,
    );
    walk(&json!({}), "any", &mut faults);
    walk(
        &json!({"type": "object", "properties": {"x": {"type": "array", "items": {"type": "object"}}}}),
        "deep",
        &mut faults,
    );
    assert_eq!(faults.len(), 4, "{faults:?}");
    assert!(faults[3].starts_with("deep.x[items]"), "{faults:?}");
    let typed = json!({"type": "object", "properties": {"id": {"type": "string"}},
        "additionalProperties": false});
    faults.clear();
    walk(&typed, "typed", &mut faults);
    walk(
        &json!({"type": "object", "additionalProperties": {"type": "string"}}),
        "map",
        &mut faults,
    );
    assert!(faults.is_empty(), "{faults:?}");
}

/// A documented path with each `{param}` replaced by a well-formed id nobody has.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        out.push_str(if name == "country" {
            "DE"
        } else {
            "0193a1b2-0000-7000-8000-00000000ab1e"
        });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_documented_operation_is_served_and_nothing_else_is() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json", None).await.body;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    assert!(documented.len() > 70, "{}", documented.len());

    // What the server registers, from the same list it serves from.
    let served: BTreeSet<(String, String)> =
        caravan::api::served(caravan::api_routes::RouteSettings { import_limit: 1 })
            .into_iter()
            .collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served, not documented: {undocumented:?}"
    );
    assert!(unserved.is_empty(), "documented, not served: {unserved:?}");

    // And over HTTP: a documented operation reaches its handler (which may refuse the anonymous
    // probe with 401, 404 or 422, never with the 405 of a route that is not there).
    for (method, path) in &documented {
        let method: reqwest::Method = method.parse().unwrap();
        let mut request = app.client.request(method.clone(), app.url(&concrete(path)));
        if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
            request = request.json(&json!({}));
        }
        let status = request.send().await.unwrap().status().as_u16();
        assert_ne!(status, 405, "{method} {path} is documented but not served");
        assert_ne!(status, 500, "{method} {path}");
    }
}

/// The only places that register routes with actix: the one list, the document itself, the
/// internal metrics listener and the web app (which is not part of the API). A route added
/// anywhere else would be served undocumented.
#[test]
fn routes_are_registered_only_through_the_one_list() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = ["api_routes.rs", "openapi.rs", "startup.rs", "webapp.rs"];
    let registering = [
        "web::resource(",
        "web::scope(",
        ".route(",
        ".service(",
        "web::method(",
    ];
    let mut stray = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(&root).unwrap().display().to_string();
            if allowed.contains(&relative.as_str()) || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                if registering.iter().any(|r| line.contains(r)) {
                    stray.push(format!("src/{relative}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        stray.is_empty(),
        "routes registered outside api_routes.rs:\n{}",
        stray.join("\n")
    );
}

/// The draft and publish rules are written once for authors (courses/README.md) and once for
/// client developers (the publish operation's description); they must say the same.
#[tokio::test]
async fn the_publish_rules_read_the_same_in_the_course_readme_and_the_openapi_document() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json", None).await.body;
    let publish = &doc["paths"]["/api/v1/courses/{course_id}/publish"]["post"];
    let described = format!("{} {}", publish["summary"], publish["description"]);
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("courses/README.md"),
    )
    .unwrap();
    let section = readme
        .split("## Drafts and publishing")
        .nth(1)
        .expect("courses/README.md has a Drafts and publishing section");
    let rules: Vec<&str> = section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("- "))
        .collect();
    assert_eq!(rules.len(), 4, "{rules:?}");
    for rule in rules {
        assert!(
            described.contains(rule),
            "the publish operation does not say: {rule}"
        );
    }
    let responses = &publish["responses"];
    assert!(
        responses["422"].is_object(),
        "publish documents its refusal"
    );
}
