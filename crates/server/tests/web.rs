//! The web UI's handlers without a browser: each page's status and key content, sessions by
//! cookie, CSRF refusal, errors as pages, and a form's errors beside its fields.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{browser, csrf_of, Browser};
use common::{TestApp, PASSWORD};
use reqwest::StatusCode;

#[tokio::test]
async fn every_page_answers_with_its_content() {
    let app = TestApp::spawn().await;
    let c = Browser::signed_up(&app, "pages@example.com").await;
    let (_, home) = c.get("/").await;
    assert_eq!(home.matches("data-life-area=").count(), 30);
    assert_eq!(home.matches("class=\"cluster\"").count(), 6);
    assert!(home.contains("Phoenix Fulfillment Display"));

    // An event through the form moves the score: +15 breakthrough, +20 momentum.
    let (s, to, _) = c
        .submit(
            "/events",
            &[
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
    // Post/Redirect/Get: the result is a page of its own, so a reload posts nothing.
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(
        to.starts_with("/events/") && to.contains("/saved?was=50.0"),
        "{to}"
    );
    let (s, saved) = c.get(&to).await;
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
        let (s, html) = c.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(html.contains(needle), "{path} lacks {needle}");
    }
    let (_, area) = c.get("/areas/physical-health").await;
    assert!(area.contains("data-status=\"THRIVING\""));
    assert!(area.contains("+15.0"));
    for filter in [
        "q=zebra",
        "category=FINANCIAL",
        "tone=NEGATIVE",
        "lifeArea=work",
        "from=2999-01-01",
    ] {
        let (s, none) = c.get(&format!("/events?{filter}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(none.contains("No events match"), "{filter}");
    }

    // Edit moves the event to another area (both recomputed); delete brings the score back.
    let (_, list) = c.get("/events").await;
    let at = list.find("data-event-id=\"").unwrap() + "data-event-id=\"".len();
    let id = list[at..at + 36].to_owned();
    let (s, edit) = c.get(&format!("/events/{id}/edit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        edit.contains("value=\"running, health\""),
        "tags shown as typed"
    );
    let (s, location, _) = c
        .submit(
            &format!("/events/{id}"),
            &[
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
    let (_, home) = c.get("/").await;
    assert!(home.contains("data-life-area=\"physical-health\" data-status=\"BALANCED\""));
    assert!(home.contains("data-life-area=\"mental-health\" data-status=\"THRIVING\""));
    let (s, location, _) = c.submit(&format!("/events/{id}/delete"), &[]).await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/events"));
    let (_, home) = c.get("/").await;
    assert!(home.contains("data-life-area=\"mental-health\" data-status=\"BALANCED\""));

    // The workspace is renamed; a bad time zone is refused beside its field.
    let (s, _, html) = c
        .submit(
            "/settings/workspace",
            &[("name", "Renamed"), ("timezone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"timezone-error\""));
    let (s, _, _) = c
        .submit(
            "/settings/workspace",
            &[("name", "Renamed"), ("timezone", "Asia/Tokyo")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, home) = c.get("/").await;
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

    let c = Browser::signed_up(&app, "csrf@example.com").await;
    // A signed-in page is never stored by a browser or proxy cache.
    let r = c.client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (s, _, body) = c
        .post(
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
    let (s, _, _) = c
        .post(
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
    let (_, html) = c.get("/events").await;
    assert!(!html.contains("forged"), "nothing written");

    // Errors beside the fields, the form kept, status 422.
    let (s, _, html) = c
        .submit(
            "/events",
            &[
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
    let (s, html) = c
        .get(&format!("/events/{}/edit", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("not_found"));
    assert!(
        html.contains("action=\"/signout\""),
        "a signed-in error page keeps the frame"
    );
    let (s, _) = c.get("/areas/no-such-area").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A wrong password shows the form again; after sign-out the cookie is dead.
    let mut c2 = Browser::new(&app);
    let (_, html) = c2.get("/signin").await;
    c2.csrf = csrf_of(&html);
    let (s, _, html) = c2
        .submit(
            "/signin",
            &[
                ("email", "csrf@example.com"),
                ("password", "wrong password here"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(html.contains("invalid e-mail or password"));
    // The API's lock-out holds here too: after 10 failures, even the right password waits.
    for _ in 0..9 {
        c2.submit(
            "/signin",
            &[
                ("email", "csrf@example.com"),
                ("password", "wrong password here"),
            ],
        )
        .await;
    }
    let (s, _, html) = c2
        .submit(
            "/signin",
            &[("email", "csrf@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("Too many failed sign-ins"), "{html}");
    let (s, location, _) = c.submit("/signout", &[]).await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/signin"));
    let (s, _) = c.get("/").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn viewer_pages_hide_writes_and_refuse_them() {
    let app = TestApp::spawn().await;
    let owner = Browser::signed_up(&app, "owner@example.com").await;
    // The viewer is added and switches to the owner's workspace with the switcher.
    let (viewer, owner_tenant) =
        Browser::joined(&app, &owner, "viewer@example.com", "VIEWER").await;
    let (_, home) = viewer.get("/").await;
    assert!(home.contains("viewer"));
    let (_, area) = viewer.get("/areas/work").await;
    assert!(!area.contains("Refresh score"));
    let (s, _, _) = viewer.submit("/areas/work/refresh", &[]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, html) = viewer.get("/events/new").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        html.contains("workspace-switch"),
        "the switcher is there to leave"
    );

    // The viewer hides a widget of their dashboard; the owner's dashboard keeps it.
    let (_, settings) = viewer.get("/settings").await;
    let at = settings.find("data-widget-row=\"").unwrap() + "data-widget-row=\"".len();
    let first = settings[at..at + 36].to_owned();
    let (s, _, _) = viewer
        .submit(
            &format!("/settings/widgets/{first}"),
            &[("visible", "false")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, mine) = viewer.get("/").await;
    let (_, owners) = owner.get("/").await;
    assert_eq!(owners.matches("data-widget=").count(), 6);
    assert_eq!(mine.matches("data-widget=").count(), 5);

    // A changed role, and an ended membership, hold from the next page on.
    let owner_tenant = uuid::Uuid::parse_str(&owner_tenant).unwrap();
    let viewer_row = "tenant_id = $1 AND user_id = (SELECT id FROM platform.users WHERE email = 'viewer@example.com')";
    for change in [
        "UPDATE platform.memberships SET role = 'MEMBER' WHERE",
        "DELETE FROM platform.memberships WHERE",
    ] {
        sqlx::query(&format!("{change} {viewer_row}"))
            .bind(owner_tenant)
            .execute(app.tdb.db.owner())
            .await
            .unwrap();
        let expected = if change.starts_with("UPDATE") {
            (StatusCode::OK, "a member may write")
        } else {
            (StatusCode::SEE_OTHER, "no longer a member: sign in again")
        };
        assert_eq!(
            viewer.get("/events/new").await.0,
            expected.0,
            "{}",
            expected.1
        );
    }
}

#[tokio::test]
async fn boundaries_commitments_autobiography_and_widgets_through_forms() {
    let app = TestApp::spawn().await;
    let c = Browser::signed_up(&app, "forms@example.com").await;

    // A boundary, a violation refused beside its field, then one logged: the area drops by 10.
    let (s, _, _) = c
        .submit(
            "/boundaries",
            &[
                ("lifeAreaId", "work"),
                ("statement", "No e-mail after 20:00"),
                ("reason", "Evenings are mine"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, list) = c.get("/boundaries").await;
    let at = list.find("/boundaries/").unwrap() + "/boundaries/".len();
    let id = list[at..at + 36].to_owned();
    let (s, _, html) = c
        .submit(
            &format!("/boundaries/{id}/violations"),
            &[("occurredAt", "yesterday"), ("note", "kept")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"occurredAt-error\"") && html.contains("value=\"kept\""),
        "{html}"
    );
    let (s, location, _) = c
        .submit(
            &format!("/boundaries/{id}/violations"),
            &[
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
    let (_, area) = c.get("/areas/work").await;
    assert!(
        area.contains("data-score=\"40\"") && area.contains("−10.0"),
        "{area}"
    );
    let (_, detail) = c.get(&format!("/boundaries/{id}")).await;
    assert!(detail.contains("Answered the boss"));
    // Off-site `back` is ignored.
    let (_, location, _) = c
        .submit(
            &format!("/boundaries/{id}/violations"),
            &[("back", "//evil.example/")],
        )
        .await;
    assert_eq!(location, format!("/boundaries/{id}"));
    // Hostile `back`s: never a 5xx, never off the site, and a refused form stores nothing.
    let before = app
        .count("SELECT count(*) FROM platform.audit_events WHERE event_type = 'x'")
        .await;
    assert_eq!(before, 0);
    for back in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/a\r\nSet-Cookie: x=1",
        "/a\u{0}b",
        "/\u{7f}",
        "/caf\u{e9}",
        "/\\evil.example",
    ] {
        let (s, location, _) = c
            .submit(&format!("/boundaries/{id}/violations"), &[("back", back)])
            .await;
        assert!(s.as_u16() < 500, "{back:?}: {s}");
        assert!(
            location.is_empty() || location == format!("/boundaries/{id}"),
            "{back:?} → {location:?}"
        );
    }

    // A commitment through its lifecycle.
    c.submit(
        "/commitments",
        &[
            ("statement", "Walk daily"),
            ("lifeAreaId", "physical-health"),
        ],
    )
    .await;
    let (_, page) = c.get("/commitments").await;
    let at = page.find("data-commitment-id=\"").unwrap() + "data-commitment-id=\"".len();
    let cid = page[at..at + 36].to_owned();
    let (s, _, _) = c
        .submit(
            &format!("/commitments/{cid}/status"),
            &[("status", "COMPLETED")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, html) = c
        .submit(
            &format!("/commitments/{cid}/status"),
            &[("status", "PAUSED")],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "COMPLETED → PAUSED is not a transition"
    );
    assert!(html.contains("invalid_transition"));
    let (_, page) = c.get("/commitments").await;
    assert!(page.contains("data-status=\"COMPLETED\"") && page.contains("Mark integrated"));

    // An autobiography entry linking an area; a month out of range is refused beside the field.
    let (_, auto) = c.get("/autobiography").await;
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
        ("_csrf", c.csrf.as_str()),
        ("eraId", era.as_str()),
        ("year", "2001"),
        ("month", "13"),
        ("title", "Moved to Berlin"),
        ("narrative", "A new start."),
        ("lifeAreaIds", area_id.as_str()),
    ];
    let (s, _, html) = c.post("/autobiography/entries", &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"month-error\""), "{html}");
    let mut good = bad;
    good[3] = ("month", "9");
    let (s, _, _) = c.post("/autobiography/entries", &good).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, auto) = c.get("/autobiography").await;
    assert!(
        auto.contains("Sep 2001 · Moved to Berlin") && auto.contains("Work &#38; Purpose"),
        "{auto}"
    );

    // A trend's days as typed reach the API's rule, which names the field.
    let (s, _, html) = c
        .submit(
            "/settings/widgets",
            &[
                ("widgetType", "area_trend"),
                ("lifeArea", "work"),
                ("days", "soon"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("config.days"), "{html}");
    // Widgets: add an area trend, resize it, move it first, hide recent activity.
    let (s, _, _) = c
        .submit(
            "/settings/widgets",
            &[
                ("widgetType", "area_trend"),
                ("size", "large"),
                ("lifeArea", "work"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, settings) = c.get("/settings").await;
    let rows: Vec<String> = settings
        .match_indices("data-widget-row=\"")
        .map(|(i, m)| settings[i + m.len()..i + m.len() + 36].to_owned())
        .collect();
    let trend = rows.last().unwrap().clone();
    let (s, _, html) = c
        .submit(&format!("/settings/widgets/{trend}"), &[("size", "small")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    c.submit(
        &format!("/settings/widgets/{trend}/move"),
        &[("position", "0")],
    )
    .await;
    let (_, home) = c.get("/").await;
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
    let (s, _, _) = c
        .submit(&format!("/settings/widgets/{trend}"), &[("size", "huge")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_timeline_pages_through_older_events() {
    let app = TestApp::spawn().await;
    let c = Browser::signed_up(&app, "pages-through@example.com").await;
    for i in 0..30 {
        let when = format!("2026-01-{:02}T09:00", i + 1);
        let title = format!("Day {:02}", i + 1);
        let (s, _, html) = c
            .submit(
                "/events",
                &[
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
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    }
    let (_, first) = c.get("/events?lifeArea=work").await;
    assert_eq!(first.matches("data-event-id=").count(), 25);
    assert!(first.contains("Day 30") && !first.contains("Day 05"));
    let at = first.find("href=\"/events?").expect("an older-events link") + "href=\"".len();
    let next = first[at..].split('"').next().unwrap().replace("&#38;", "&");
    assert!(next.contains("lifeArea=work"), "filters kept: {next}");
    let (_, second) = c.get(&next).await;
    assert_eq!(second.matches("data-event-id=").count(), 5);
    assert!(second.contains("Day 05") && second.contains("Day 01") && !second.contains("Day 06"));
    assert!(!second.contains("Older events"));
}
