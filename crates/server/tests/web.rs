//! The web UI's handlers without a browser: each page's status and key content, sessions by
//! cookie, CSRF refusal, errors as pages, and a form's errors beside its fields.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, PASSWORD};
use reqwest::StatusCode;

/// A browser-like client: keeps cookies, does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn csrf_of(html: &str) -> String {
    let at = html
        .find(r#"name="_csrf" value=""#)
        .expect("a form with a CSRF token");
    let rest = &html[at + r#"name="_csrf" value=""#.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn get(app: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let r = c.get(format!("{}{}", app.base, path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let r = c
        .post(format!("{}{}", app.base, path))
        .form(form)
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), location, r.text().await.unwrap())
}

async fn signed_up(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let c = browser();
    let (s, html) = get(app, &c, "/signup").await;
    assert_eq!(s, StatusCode::OK);
    let token = csrf_of(&html);
    let (s, location, _) = post(
        app,
        &c,
        "/signup",
        &[
            ("_csrf", &token),
            ("email", email),
            ("password", PASSWORD),
            ("workspaceName", "Pages"),
            ("timezone", "Europe/Berlin"),
        ],
    )
    .await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/"));
    let (s, home) = get(app, &c, "/").await;
    assert_eq!(s, StatusCode::OK);
    let token = csrf_of(&home);
    (c, token)
}

#[tokio::test]
async fn every_page_answers_with_its_content() {
    let app = TestApp::spawn().await;
    let (c, token) = signed_up(&app, "pages@example.com").await;
    let (_, home) = get(&app, &c, "/").await;
    assert_eq!(home.matches("data-life-area=").count(), 30);
    assert_eq!(home.matches("class=\"cluster\"").count(), 6);
    assert!(home.contains("Phoenix Fulfillment Display"));

    // An event through the form moves the score: +15 breakthrough, +20 momentum.
    let (s, _, saved) = post(
        &app,
        &c,
        "/events",
        &[
            ("_csrf", &token),
            ("title", "Finished the marathon"),
            ("lifeAreaId", "physical-health"),
            ("type", "BREAKTHROUGH"),
            ("category", "HEALTH"),
            ("tone", "POSITIVE"),
            ("emotionalCharge", "5"),
            ("tags", "Running, health"),
            ("occurredAt", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        saved.contains("85.0") && saved.contains("was 50.0"),
        "{saved}"
    );

    for (path, needle) in [
        ("/areas/physical-health", "Why the score is what it is"),
        ("/events", "Finished the marathon"),
        ("/events?q=marathon", "Finished the marathon"),
        ("/events?tag=running", "Finished the marathon"),
        (
            "/events?category=HEALTH&type=BREAKTHROUGH&lifeArea=physical-health",
            "Finished the marathon",
        ),
        ("/events/new", "Emotional charge"),
        ("/events?cursor=garbage", "role=\"alert\""),
        (
            "/events?from=not-a-date&q=marathon",
            "Finished the marathon",
        ),
        ("/insights", "Record an insight"),
        ("/commitments", "Make a commitment"),
        ("/boundaries", "Set a boundary"),
        ("/autobiography", "1975–2025"),
        ("/import", "Upload a file"),
        ("/settings", "pages@example.com"),
    ] {
        let (s, html) = get(&app, &c, path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(html.contains(needle), "{path} lacks {needle}");
    }
    let (_, area) = get(&app, &c, "/areas/physical-health").await;
    assert!(area.contains("data-status=\"THRIVING\""));
    assert!(area.contains("+15.0"));
    for filter in [
        "q=zebra",
        "category=FINANCIAL",
        "tone=NEGATIVE",
        "lifeArea=work",
        "from=2999-01-01",
    ] {
        let (s, none) = get(&app, &c, &format!("/events?{filter}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(none.contains("No events match"), "{filter}");
    }

    // Edit moves the event to another area (both recomputed); delete brings the score back.
    let (_, list) = get(&app, &c, "/events").await;
    let at = list.find("data-event-id=\"").unwrap() + "data-event-id=\"".len();
    let id = list[at..at + 36].to_owned();
    let (s, edit) = get(&app, &c, &format!("/events/{id}/edit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        edit.contains("value=\"running, health\""),
        "tags shown as typed"
    );
    let (s, location, _) = post(
        &app,
        &c,
        &format!("/events/{id}"),
        &[
            ("_csrf", &token),
            ("title", "Finished the marathon"),
            ("lifeAreaId", "mental-health"),
            ("type", "BREAKTHROUGH"),
            ("category", "HEALTH"),
            ("tone", "POSITIVE"),
            ("emotionalCharge", "5"),
            ("tags", "running"),
            ("narrative", ""),
        ],
    )
    .await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/areas/mental-health")
    );
    let (_, home) = get(&app, &c, "/").await;
    assert!(home.contains("data-life-area=\"physical-health\" data-status=\"BALANCED\""));
    assert!(home.contains("data-life-area=\"mental-health\" data-status=\"THRIVING\""));
    let (s, location, _) = post(
        &app,
        &c,
        &format!("/events/{id}/delete"),
        &[("_csrf", &token)],
    )
    .await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/events"));
    let (_, home) = get(&app, &c, "/").await;
    assert!(home.contains("data-life-area=\"mental-health\" data-status=\"BALANCED\""));

    // The workspace is renamed; a bad time zone is refused beside its field.
    let (s, _, html) = post(
        &app,
        &c,
        "/settings/workspace",
        &[
            ("_csrf", &token),
            ("name", "Renamed"),
            ("timezone", "Mars/Olympus"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"timezone-error\""));
    let (s, _, _) = post(
        &app,
        &c,
        "/settings/workspace",
        &[
            ("_csrf", &token),
            ("name", "Renamed"),
            ("timezone", "Asia/Tokyo"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, home) = get(&app, &c, "/").await;
    assert!(home.contains(">Renamed<"));
}

#[tokio::test]
async fn sessions_csrf_and_errors() {
    let app = TestApp::spawn().await;
    let anonymous = browser();
    let r = anonymous
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/signin");
    let r = anonymous
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));

    let (c, token) = signed_up(&app, "csrf@example.com").await;
    let (s, _, body) = post(
        &app,
        &c,
        "/events",
        &[
            ("title", "forged"),
            ("lifeAreaId", "work"),
            ("emotionalCharge", "0"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(body.contains("csrf_failed"));
    let (s, _, _) = post(
        &app,
        &c,
        "/events",
        &[
            ("_csrf", "x"),
            ("title", "forged"),
            ("lifeAreaId", "work"),
            ("emotionalCharge", "0"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, html) = get(&app, &c, "/events").await;
    assert!(!html.contains("forged"), "nothing written");

    // Errors beside the fields, the form kept, status 422.
    let (s, _, html) = post(
        &app,
        &c,
        "/events",
        &[
            ("_csrf", &token),
            ("title", ""),
            ("lifeAreaId", "work"),
            ("emotionalCharge", "9"),
            ("tags", "keep me"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"title-error\"") && html.contains("id=\"emotionalCharge-error\""),
        "{html}"
    );
    assert!(html.contains("keep me"));

    // Unknown and foreign ids are 404 pages.
    let (s, html) = get(&app, &c, &format!("/events/{}/edit", uuid::Uuid::new_v4())).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("not_found"));
    assert!(
        html.contains("action=\"/signout\""),
        "a signed-in error page keeps the frame"
    );
    let (s, _) = get(&app, &c, "/areas/no-such-area").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A wrong password shows the form again; after sign-out the cookie is dead.
    let c2 = browser();
    let (_, html) = get(&app, &c2, "/signin").await;
    let t2 = csrf_of(&html);
    let (s, _, html) = post(
        &app,
        &c2,
        "/signin",
        &[
            ("_csrf", &t2),
            ("email", "csrf@example.com"),
            ("password", "wrong password here"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(html.contains("invalid e-mail or password"));
    // The API's lock-out holds here too: after 10 failures, even the right password waits.
    for _ in 0..9 {
        post(
            &app,
            &c2,
            "/signin",
            &[
                ("_csrf", &t2),
                ("email", "csrf@example.com"),
                ("password", "wrong password here"),
            ],
        )
        .await;
    }
    let (s, _, html) = post(
        &app,
        &c2,
        "/signin",
        &[
            ("_csrf", &t2),
            ("email", "csrf@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("Too many failed sign-ins"), "{html}");
    let (s, location, _) = post(&app, &c, "/signout", &[("_csrf", &token)]).await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/signin"));
    let r = c.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn viewer_pages_hide_writes_and_refuse_them() {
    let app = TestApp::spawn().await;
    let (owner, owner_token) = signed_up(&app, "owner@example.com").await;
    let (viewer, _) = signed_up(&app, "viewer@example.com").await;
    let (s, _, _) = post(
        &app,
        &owner,
        "/settings/members",
        &[
            ("_csrf", &owner_token),
            ("email", "viewer@example.com"),
            ("role", "VIEWER"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // The viewer switches to the owner's workspace with the switcher.
    let (_, home) = get(&app, &viewer, "/").await;
    assert!(home.contains("workspace-switch"));
    let owner_tenant = home
        .split("<option value=\"")
        .skip(1)
        .map(|s| &s[..36])
        .find(|id| !home.contains(&format!("<option value=\"{id}\" selected")))
        .unwrap()
        .to_owned();
    let token = csrf_of(&home);
    let (s, _, _) = post(
        &app,
        &viewer,
        "/switch",
        &[("_csrf", &token), ("tenantId", &owner_tenant)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, home) = get(&app, &viewer, "/").await;
    let token = csrf_of(&home);
    assert!(home.contains("viewer"));
    let (_, area) = get(&app, &viewer, "/areas/work").await;
    assert!(!area.contains("Refresh score"));
    let (s, _, _) = post(&app, &viewer, "/areas/work/refresh", &[("_csrf", &token)]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, html) = get(&app, &viewer, "/events/new").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        html.contains("workspace-switch"),
        "the switcher is there to leave"
    );

    // The viewer hides a widget of their dashboard; the owner's dashboard keeps it.
    let (_, settings) = get(&app, &viewer, "/settings").await;
    let at = settings.find("data-widget-row=\"").unwrap() + "data-widget-row=\"".len();
    let first = settings[at..at + 36].to_owned();
    let (s, _, _) = post(
        &app,
        &viewer,
        &format!("/settings/widgets/{first}"),
        &[("_csrf", &token), ("visible", "false")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, mine) = get(&app, &viewer, "/").await;
    let (_, owners) = get(&app, &owner, "/").await;
    assert_eq!(owners.matches("data-widget=").count(), 6);
    assert_eq!(mine.matches("data-widget=").count(), 5);
}

#[tokio::test]
async fn boundaries_commitments_autobiography_and_widgets_through_forms() {
    let app = TestApp::spawn().await;
    let (c, t) = signed_up(&app, "forms@example.com").await;

    // A boundary, a violation refused beside its field, then one logged: the area drops by 10.
    let (s, _, _) = post(
        &app,
        &c,
        "/boundaries",
        &[
            ("_csrf", &t),
            ("lifeAreaId", "work"),
            ("statement", "No e-mail after 20:00"),
            ("reason", "Evenings are mine"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, list) = get(&app, &c, "/boundaries").await;
    let at = list.find("/boundaries/").unwrap() + "/boundaries/".len();
    let id = list[at..at + 36].to_owned();
    let (s, _, html) = post(
        &app,
        &c,
        &format!("/boundaries/{id}/violations"),
        &[("_csrf", &t), ("occurredAt", "yesterday"), ("note", "kept")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"occurredAt-error\"") && html.contains("value=\"kept\""),
        "{html}"
    );
    let (s, location, _) = post(
        &app,
        &c,
        &format!("/boundaries/{id}/violations"),
        &[
            ("_csrf", &t),
            ("occurredAt", ""),
            ("note", "Answered the boss"),
            ("back", "/areas/work"),
        ],
    )
    .await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/areas/work")
    );
    let (_, area) = get(&app, &c, "/areas/work").await;
    assert!(
        area.contains("data-score=\"40\"") && area.contains("−10.0"),
        "{area}"
    );
    let (_, detail) = get(&app, &c, &format!("/boundaries/{id}")).await;
    assert!(detail.contains("Answered the boss"));
    // Off-site `back` is ignored.
    let (_, location, _) = post(
        &app,
        &c,
        &format!("/boundaries/{id}/violations"),
        &[("_csrf", &t), ("back", "//evil.example/")],
    )
    .await;
    assert_eq!(location, format!("/boundaries/{id}"));

    // A commitment through its lifecycle.
    post(
        &app,
        &c,
        "/commitments",
        &[
            ("_csrf", &t),
            ("statement", "Walk daily"),
            ("lifeAreaId", "physical-health"),
        ],
    )
    .await;
    let (_, page) = get(&app, &c, "/commitments").await;
    let at = page.find("data-commitment-id=\"").unwrap() + "data-commitment-id=\"".len();
    let cid = page[at..at + 36].to_owned();
    let (s, _, _) = post(
        &app,
        &c,
        &format!("/commitments/{cid}/status"),
        &[("_csrf", &t), ("status", "COMPLETED")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, html) = post(
        &app,
        &c,
        &format!("/commitments/{cid}/status"),
        &[("_csrf", &t), ("status", "PAUSED")],
    )
    .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "COMPLETED → PAUSED is not a transition"
    );
    assert!(html.contains("invalid_transition"));
    let (_, page) = get(&app, &c, "/commitments").await;
    assert!(page.contains("data-status=\"COMPLETED\"") && page.contains("Mark integrated"));

    // An autobiography entry linking an area; a month out of range is refused beside the field.
    let (_, auto) = get(&app, &c, "/autobiography").await;
    let select = &auto[auto.find("id=\"eraId\"").unwrap()..];
    let era = select
        .split("<option value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .find(|v| !v.is_empty())
        .unwrap()
        .to_owned();
    let at =
        auto.find("name=\"lifeAreaIds\" value=\"").unwrap() + "name=\"lifeAreaIds\" value=\"".len();
    let area_id = auto[at..at + 36].to_owned();
    let bad = [
        ("_csrf", t.as_str()),
        ("eraId", era.as_str()),
        ("year", "2001"),
        ("month", "13"),
        ("title", "Moved to Berlin"),
        ("narrative", "A new start."),
        ("lifeAreaIds", area_id.as_str()),
    ];
    let (s, _, html) = post(&app, &c, "/autobiography/entries", &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"month-error\""), "{html}");
    let mut good = bad;
    good[3] = ("month", "9");
    let (s, _, _) = post(&app, &c, "/autobiography/entries", &good).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, auto) = get(&app, &c, "/autobiography").await;
    assert!(
        auto.contains("Sep 2001 · Moved to Berlin") && auto.contains("Work &#38; Purpose"),
        "{auto}"
    );

    // A trend's days as typed reach the API's rule, which names the field.
    let (s, _, html) = post(
        &app,
        &c,
        "/settings/widgets",
        &[
            ("_csrf", &t),
            ("widgetType", "area_trend"),
            ("lifeArea", "work"),
            ("days", "soon"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("config.days"), "{html}");
    // Widgets: add an area trend, resize it, move it first, hide recent activity.
    let (s, _, _) = post(
        &app,
        &c,
        "/settings/widgets",
        &[
            ("_csrf", &t),
            ("widgetType", "area_trend"),
            ("size", "large"),
            ("lifeArea", "work"),
            ("days", "30"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, settings) = get(&app, &c, "/settings").await;
    let rows: Vec<String> = settings
        .match_indices("data-widget-row=\"")
        .map(|(i, m)| settings[i + m.len()..i + m.len() + 36].to_owned())
        .collect();
    let trend = rows.last().unwrap().clone();
    let (s, _, html) = post(
        &app,
        &c,
        &format!("/settings/widgets/{trend}"),
        &[("_csrf", &t), ("size", "small")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    post(
        &app,
        &c,
        &format!("/settings/widgets/{trend}/move"),
        &[("_csrf", &t), ("position", "0")],
    )
    .await;
    let (_, home) = get(&app, &c, "/").await;
    let first = home.find("data-widget=").unwrap();
    assert!(
        home[first..].starts_with("data-widget=\"area_trend\""),
        "moved first"
    );
    assert!(
        home[..first].ends_with("size-small\" "),
        "resized: {}",
        &home[first - 60..first + 40]
    );
    assert!(home.contains("Work &#38; Purpose trend"));
    let (s, _, _) = post(
        &app,
        &c,
        &format!("/settings/widgets/{trend}"),
        &[("_csrf", &t), ("size", "huge")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_timeline_pages_through_older_events() {
    let app = TestApp::spawn().await;
    let (c, t) = signed_up(&app, "pages-through@example.com").await;
    for i in 0..30 {
        let when = format!("2026-01-{:02}T09:00", i + 1);
        let title = format!("Day {:02}", i + 1);
        let (s, _, html) = post(
            &app,
            &c,
            "/events",
            &[
                ("_csrf", &t),
                ("title", &title),
                ("lifeAreaId", "work"),
                ("type", "PROGRESS"),
                ("category", "PERSONAL"),
                ("tone", "POSITIVE"),
                ("emotionalCharge", "1"),
                ("occurredAt", &when),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
    }
    let (_, first) = get(&app, &c, "/events?lifeArea=work").await;
    assert_eq!(first.matches("data-event-id=").count(), 25);
    assert!(first.contains("Day 30") && !first.contains("Day 05"));
    let at = first.find("href=\"/events?").expect("an older-events link") + "href=\"".len();
    let next = first[at..].split('"').next().unwrap().replace("&#38;", "&");
    assert!(next.contains("lifeArea=work"), "filters kept: {next}");
    let (_, second) = get(&app, &c, &next).await;
    assert_eq!(second.matches("data-event-id=").count(), 5);
    assert!(second.contains("Day 05") && second.contains("Day 01") && !second.contains("Day 06"));
    assert!(!second.contains("Older events"));
}
