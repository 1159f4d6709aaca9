//! A browser without a browser: a cookie-keeping client that submits forms with the session's
//! CSRF token, for testing pages through their HTTP.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use reqwest::StatusCode;

use super::{TestApp, PASSWORD};

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn csrf_of(html: &str) -> String {
    let at = html
        .find(r#"name="_csrf" value=""#)
        .expect("a form with a CSRF token");
    let rest = &html[at + r#"name="_csrf" value=""#.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// A browser of one app: keeps its cookies, does not follow redirects, and sends the CSRF token
/// of its session with every form it submits.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
    pub csrf: String,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: browser(),
            csrf: String::new(),
        }
    }

    /// A new user signed up through the form, added by `owner` to the owner's workspace as
    /// `role` on the members page, and switched to it with the switcher; with the owner's
    /// workspace id.
    pub async fn joined(
        app: &'a TestApp,
        owner: &Browser<'_>,
        email: &str,
        role: &str,
    ) -> (Self, String) {
        let mut b = Self::signed_up(app, email).await;
        let (s, _, _) = owner
            .submit("/settings/members", &[("email", email), ("role", role)])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, home) = b.get("/").await;
        assert!(home.contains("workspace-switch"));
        let owner_tenant = home
            .split("<option value=\"")
            .skip(1)
            .map(|s| &s[..36])
            .find(|id| !home.contains(&format!("<option value=\"{id}\" selected")))
            .unwrap()
            .to_owned();
        b.csrf = csrf_of(&home);
        let (s, _, _) = b.submit("/switch", &[("tenantId", &owner_tenant)]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, home) = b.get("/").await;
        b.csrf = csrf_of(&home);
        (b, owner_tenant)
    }

    /// A new user signed up through the form, on their dashboard.
    pub async fn signed_up(app: &'a TestApp, email: &str) -> Self {
        let mut b = Self::new(app);
        let (s, html) = b.get("/signup").await;
        assert_eq!(s, StatusCode::OK);
        b.csrf = csrf_of(&html);
        let (s, location, _) = b
            .submit(
                "/signup",
                &[
                    ("email", email),
                    ("password", PASSWORD),
                    ("workspaceName", "Pages"),
                    ("timezone", "Europe/Berlin"),
                ],
            )
            .await;
        // A new account starts at the self-assessment.
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/onboarding")
        );
        let (s, home) = b.get("/").await;
        assert_eq!(s, StatusCode::OK);
        b.csrf = csrf_of(&home);
        b
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{}", self.app.base, path))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts `form` as it is: status, `Location` (or empty) and body.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let r = self
            .client
            .post(format!("{}{}", self.app.base, path))
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

    /// Posts `form` with the session's CSRF token, as the page's form would.
    pub async fn submit(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let mut fields = vec![("_csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        self.post(path, &fields).await
    }

    /// Posts a multipart form (the session's CSRF token first, then `parts`) with extra
    /// headers: status, `Location` (or empty) and body.
    pub async fn upload(
        &self,
        path: &str,
        parts: &[super::Part<'_>],
        headers: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let mut all: Vec<super::Part<'_>> = vec![("_csrf", None, None, self.csrf.as_bytes())];
        all.extend_from_slice(parts);
        let (content_type, body) = super::multipart(&all);
        let mut req = self
            .client
            .post(format!("{}{}", self.app.base, path))
            .header("content-type", content_type)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.send().await.unwrap();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (r.status(), location, r.text().await.unwrap())
    }
}
