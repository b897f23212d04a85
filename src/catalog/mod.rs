//! The competency framework and the destination markets: data compiled into the binary from
//! `competencies.toml` and `markets.toml`, served read-only at `/competencies` and `/markets`.

use crate::api_routes::ApiRoutes;
use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, Problem};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    pub code: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub competencies: Vec<Competency>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub name: String,
    /// ISO 4217 code of the currency buyers pay in.
    pub currency: String,
    /// BCP 47 tags of the languages buyers use.
    pub languages: Vec<String>,
    /// Competency codes a trainee needs before selling there; readiness is mastery of exactly these.
    pub required: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct AreasFile {
    areas: Vec<Area>,
}

#[derive(Debug, Deserialize)]
struct MarketsFile {
    markets: Vec<Market>,
}

#[derive(Debug)]
pub struct Framework {
    pub areas: Vec<Area>,
    pub markets: Vec<Market>,
}

impl Framework {
    fn load() -> Framework {
        // Both files are part of the binary and checked by a unit test, so a parse failure here
        // is a build defect, not something a request can cause.
        let areas: AreasFile = toml::from_str(include_str!("competencies.toml"))
            .expect("competencies.toml is valid (unit-tested)");
        let markets: MarketsFile = toml::from_str(include_str!("markets.toml"))
            .expect("markets.toml is valid (unit-tested)");
        Framework {
            areas: areas.areas,
            markets: markets.markets,
        }
    }

    /// Every competency of every area, in the framework's order.
    pub fn competencies(&self) -> impl Iterator<Item = &Competency> {
        self.areas.iter().flat_map(|a| &a.competencies)
    }

    pub fn competency(&self, code: &str) -> Option<&Competency> {
        self.competencies().find(|c| c.code == code)
    }

    pub fn market(&self, country: &str) -> Option<&Market> {
        self.markets.iter().find(|m| m.country == country)
    }
}

/// The framework, parsed once.
pub fn framework() -> &'static Framework {
    static FRAMEWORK: OnceLock<Framework> = OnceLock::new();
    FRAMEWORK.get_or_init(Framework::load)
}

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_list_competencies, list_competencies)
        .add(__path_list_markets, list_markets)
        .add(__path_get_market, get_market);
}

#[derive(Serialize, ToSchema)]
pub struct AreasView {
    pub areas: Vec<Area>,
}

#[derive(Serialize, ToSchema)]
pub struct MarketsView {
    pub items: Vec<Market>,
}

#[utoipa::path(get, path = "/api/v1/competencies", tag = "catalog",
    responses((status = 200, body = AreasView, description = "The five areas and their competencies")))]
pub async fn list_competencies() -> HttpResponse {
    HttpResponse::Ok().json(AreasView {
        areas: framework().areas.clone(),
    })
}

#[utoipa::path(get, path = "/api/v1/markets", tag = "catalog", responses((status = 200, body = MarketsView)))]
pub async fn list_markets() -> HttpResponse {
    HttpResponse::Ok().json(MarketsView {
        items: framework().markets.clone(),
    })
}

#[utoipa::path(get, path = "/api/v1/markets/{country}", tag = "catalog",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2 code")),
    responses((status = 200, body = Market), (status = 404, body = Problem)))]
pub async fn get_market(path: web::Path<String>) -> ApiResult<HttpResponse> {
    let country = path.into_inner().to_ascii_uppercase();
    let market = framework().market(&country).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(market))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_has_five_areas_with_unique_codes_and_markets_name_only_known_competencies() {
        let f = Framework::load();
        let areas: Vec<&str> = f.areas.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(
            areas,
            ["manufacturing", "ecommerce", "trade", "language", "law"]
        );
        let mut codes: Vec<&str> = f
            .areas
            .iter()
            .flat_map(|a| a.competencies.iter().map(|c| c.code.as_str()))
            .collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n, "competency codes are unique");
        for a in &f.areas {
            for c in &a.competencies {
                assert!(
                    c.code.starts_with(&format!("{}.", a.code)),
                    "{} is in area {}",
                    c.code,
                    a.code
                );
            }
        }
        assert!(f.markets.len() >= 20);
        for m in &f.markets {
            for code in &m.required {
                assert!(
                    f.competency(code).is_some(),
                    "{} requires unknown {code}",
                    m.country
                );
            }
        }
    }
}
