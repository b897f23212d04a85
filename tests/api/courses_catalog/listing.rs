//! Listing the catalog: the first start imports the seed catalog once for everyone to browse, and
//! filters, search words and cursor pages select exactly the expected courses.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::*;
use crate::support::catalog::{
    searchable, seed_courses, seed_dir, seed_slugs, seeded_app, slugs, sorted, INCOTERMS, SPANISH,
};

#[tokio::test]
async fn the_first_start_imports_the_seed_catalog_for_everyone_to_browse_and_only_once() {
    let app = seeded_app().await;
    let on_disk = seed_courses();
    assert!(on_disk.len() >= 15, "the seed catalog has 15+ courses");

    let page = app.get("/courses?limit=200", None).await;
    let listed = slugs(&page);
    assert!(listed.len() >= 15, "{}", page.body);
    assert_eq!(sorted(listed), seed_slugs(|_| true));
    for c in page.body["items"].as_array().unwrap() {
        assert_eq!(c["status"], "published", "{c}");
        assert_eq!(c["org_id"], Value::Null, "{c}");
    }
    assert_eq!(page.body["next_cursor"], Value::Null);

    // Every area of the competency framework is taught by some course.
    let taught: BTreeSet<String> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["competencies"].as_array().unwrap().clone())
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let framework = app.get("/competencies", None).await;
    assert_eq!(framework.status, 200);
    let areas = framework.body["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 5);
    for area in areas {
        let codes: Vec<&str> = area["competencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.iter().any(|c| taught.contains(*c)),
            "no course teaches area {}; taught: {taught:?}",
            area["code"]
        );
    }

    // A restart on the same database finds courses and imports nothing.
    let courses = app.count("courses").await;
    let versions = app.count("course_versions").await;
    assert_eq!(courses, on_disk.len() as i64);
    let pool = app.pool.clone();
    let again = tokio::task::spawn_blocking(move || {
        caravan::publishing::transfer::import_if_empty(&pool, &seed_dir())
    })
    .await
    .expect("join")
    .expect("no error");
    assert_eq!(again, None, "a catalog that is not empty is left alone");
    assert_eq!(app.count("courses").await, courses);
    assert_eq!(app.count("course_versions").await, versions);
}

#[tokio::test]
async fn catalog_filters_select_courses_by_competency_market_language_and_level() {
    let app = seeded_app().await;

    let spanish = app.get("/courses?competency=language.es", None).await;
    assert_eq!(slugs(&spanish), [SPANISH]);

    let brazil = app.get("/courses?market=BR&limit=200", None).await;
    let expected = seed_slugs(|c| c.course.markets.iter().any(|m| m == "BR"));
    assert!(expected.len() > 1);
    assert_eq!(sorted(slugs(&brazil)), expected);
    let lower = app.get("/courses?market=br&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&lower)),
        expected,
        "markets are case-insensitive"
    );

    let portuguese = vec!["brazilian-portuguese-for-marketplace-sellers".to_owned()];
    for tag in ["pt-BR", "pt-br", "pt"] {
        let r = app.get(&format!("/courses?language={tag}"), None).await;
        assert_eq!(slugs(&r), portuguese, "language={tag}");
    }
    let english = app.get("/courses?language=en&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&english)),
        seed_slugs(|c| c.course.language == "en")
    );

    let beginner = app.get("/courses?level=beginner&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&beginner)),
        seed_slugs(|c| c.course.level.as_str() == "beginner")
    );
    assert!(slugs(&beginner).contains(&INCOTERMS.to_owned()));
    let intermediate = app.get("/courses?level=intermediate&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&intermediate)),
        seed_slugs(|c| c.course.level.as_str() == "intermediate")
    );

    // Filters combine.
    let both = app
        .get(
            "/courses?market=MX&competency=ecommerce.customer_service&limit=200",
            None,
        )
        .await;
    assert_eq!(
        sorted(slugs(&both)),
        seed_slugs(|c| c.course.markets.iter().any(|m| m == "MX")
            && c.course
                .competencies
                .iter()
                .any(|k| k == "ecommerce.customer_service"))
    );
    let none = app
        .get("/courses?competency=language.ko&market=DE", None)
        .await;
    assert_eq!(slugs(&none), Vec::<String>::new());
}

#[tokio::test]
async fn search_words_must_all_match_a_course_or_its_lessons_ignoring_case() {
    let app = seeded_app().await;
    let matching = |words: &[&str]| {
        seed_slugs(|c| {
            let text = searchable(c);
            words.iter().all(|w| text.contains(&w.to_lowercase()))
        })
    };
    for words in [
        vec!["INCOTERMS"],
        vec!["Sellers", "incoterms"],
        vec!["incoterms", "spanish"],
        vec!["customer"],
        vec!["Zollkodex"],
    ] {
        let found = app
            .get(&format!("/courses?q={}&limit=200", words.join("%20")), None)
            .await;
        assert_eq!(sorted(slugs(&found)), matching(&words), "{words:?}");
    }
    assert!(matching(&["customer"]).len() > 1);
    assert!(matching(&["incoterms"]).contains(&INCOTERMS.to_owned()));
    assert_eq!(
        slugs(&app.get("/courses?q=incoterms%20zzqqxxyy", None).await),
        Vec::<String>::new(),
        "every word must match"
    );
    // LIKE wildcards are plain characters: `%` finds the courses that write a percentage, not
    // every course.
    for (query, word) in [("%25", "%"), ("_", "_"), ("100%25%20zzqq", "100% zzqq")] {
        let found = app
            .get(&format!("/courses?q={query}&limit=200"), None)
            .await;
        let words: Vec<&str> = word.split(' ').collect();
        assert_eq!(sorted(slugs(&found)), matching(&words), "{word}");
    }
}

#[tokio::test]
async fn bad_catalog_queries_are_rejected_with_400() {
    let app = seeded_app().await;
    app.get("/courses?level=expert", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?status=deleted", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?language=not%20a%20tag", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?limit=0", None)
        .await
        .assert_problem(400, "invalid_limit");
    app.get("/courses?limit=201", None)
        .await
        .assert_problem(400, "invalid_limit");
    app.get("/courses?limit=ten", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?colour=blue", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?cursor=not-a-cursor", None)
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/courses?status=draft", None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn paging_walks_every_course_exactly_once_in_a_stable_order() {
    let app = seeded_app().await;
    let total = seed_slugs(|_| true).len();

    // First walk: follow next_cursor.
    let mut first: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/courses?limit=5&cursor={c}"),
            None => "/courses?limit=5".to_owned(),
        };
        let page = app.get(&path, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let items = page.body["items"].as_array().unwrap();
        sizes.push(items.len());
        first.extend(items.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(next) => {
                let link = page.header("link").expect("a Link header with next_cursor");
                assert!(
                    link.contains("rel=\"next\"")
                        && link.contains(next)
                        && link.contains("limit=5"),
                    "{link}"
                );
                cursor = Some(next.to_owned());
            }
            None => {
                assert_eq!(page.header("link"), None, "no Link on the last page");
                break;
            }
        }
        assert!(sizes.len() <= total, "paging does not end");
    }
    let expected_sizes: Vec<usize> = (0..total.div_ceil(5))
        .map(|page| (total - page * 5).min(5))
        .collect();
    assert_eq!(sizes, expected_sizes);
    let unique: BTreeSet<&String> = first.iter().collect();
    assert_eq!(unique.len(), total, "every course exactly once");
    assert_eq!(first.len(), total);

    // Second walk: follow the Link header; same order.
    let mut second: Vec<String> = Vec::new();
    let mut next = Some("/api/v1/courses?limit=5".to_owned());
    while let Some(path) = next.take() {
        let page = app.get(&path, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        second.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        next = page.header("link").map(|l| {
            l.split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map(|(url, _)| url.to_owned())
                .expect("<url>; rel=next")
        });
        assert!(second.len() <= total, "paging does not end");
    }
    assert_eq!(first, second);

    // One page with everything lists the same order.
    let all = app.get("/courses?limit=200", None).await;
    let ids: Vec<String> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, first);
}
