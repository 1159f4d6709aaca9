//! Assistant settings (ADMIN and above): the voice, personality, elemental signature and
//! prohibited topics (seed 002's profile), and the workspace's API keys (a new key shown once,
//! on the page that made it, never in a URL or cookie).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;
use wisdomos_app::AppError;
use wisdomos_core::assistant::{
    AssistantProfile, BrandVoiceInput, PersonalityInput, PhaseGuidanceInput, ProfileInput,
    SignatureInput,
};
use wisdomos_core::element::Element;

use super::error::{render_form, WebError};
use super::flash;
use super::session::{CsrfForm, Nav, NoFields, Web};
use super::view::{Choice, FieldErrors};
use crate::extract::ManageAssistant;
use crate::{ApiError, AppState};

/// An API key row.
pub struct KeyRow {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "assistant_settings.html")]
struct SettingsPage {
    nav: Option<Nav>,
    form: ProfileForm,
    primaries: Vec<Choice>,
    secondaries: Vec<Choice>,
    keys: Vec<KeyRow>,
    new_key: String,
    errors: FieldErrors,
}

/// The profile form, every field as text (lists one item per line).
#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    pub tone: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub values: String,
    #[serde(default)]
    pub primary: String,
    #[serde(default)]
    pub secondary: String,
    #[serde(default)]
    pub response_style: String,
    #[serde(default)]
    pub specialty_areas: String,
    #[serde(default)]
    pub prohibited_topics: String,
    #[serde(default)]
    pub fire: String,
    #[serde(default)]
    pub water: String,
    #[serde(default)]
    pub earth: String,
    #[serde(default)]
    pub air: String,
    #[serde(default)]
    pub aether: String,
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ProfileForm {
    fn of(p: &AssistantProfile) -> Self {
        let m = &p.maia_personality;
        let g = &m.phase_guidance;
        ProfileForm {
            tone: p.brand_voice.tone.clone(),
            language: p.brand_voice.language.clone(),
            values: p.brand_voice.values.join(", "),
            primary: p.elemental_signature.primary.as_str().to_owned(),
            secondary: p
                .elemental_signature
                .secondary
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            response_style: m.response_style.clone(),
            specialty_areas: m.specialty_areas.join("\n"),
            prohibited_topics: m.prohibited_topics.join("\n"),
            fire: g.fire.clone().unwrap_or_default(),
            water: g.water.clone().unwrap_or_default(),
            earth: g.earth.clone().unwrap_or_default(),
            air: g.air.clone().unwrap_or_default(),
            aether: g.aether.clone().unwrap_or_default(),
        }
    }

    fn input(&self) -> ProfileInput {
        ProfileInput {
            brand_voice: Some(BrandVoiceInput {
                tone: Some(self.tone.clone()),
                language: Some(self.language.clone()),
                values: Some(lines(&self.values)),
            }),
            elemental_signature: Some(SignatureInput {
                primary: Some(self.primary.clone()),
                secondary: Some(self.secondary.clone()),
            }),
            maia_personality: Some(PersonalityInput {
                response_style: Some(self.response_style.clone()),
                specialty_areas: Some(lines(&self.specialty_areas)),
                prohibited_topics: Some(lines(&self.prohibited_topics)),
                phase_guidance: Some(PhaseGuidanceInput {
                    fire: Some(self.fire.clone()),
                    water: Some(self.water.clone()),
                    earth: Some(self.earth.clone()),
                    air: Some(self.air.clone()),
                    aether: Some(self.aether.clone()),
                }),
            }),
        }
    }
}

fn element_choices(selected: &str, none: bool) -> Vec<Choice> {
    let mut out = Vec::new();
    if none {
        out.push(Choice {
            value: String::new(),
            label: "None".into(),
            selected: selected.is_empty(),
        });
    }
    out.extend(Element::ALL.iter().map(|e| Choice {
        value: e.as_str().to_owned(),
        label: format!("{} — {}", super::view::words(e.as_str()), e.meaning()),
        selected: e.as_str() == selected,
    }));
    out
}

async fn show(
    st: &AppState,
    web: Web<ManageAssistant>,
    form: Option<ProfileForm>,
    new_key: String,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let mut tx = web.begin(st).await?;
    let profile = wisdomos_app::assistant::profile(&mut tx).await?;
    let keys = wisdomos_app::api_keys::list(&mut tx).await?;
    tx.commit().await?;
    let tz = super::view::zone(&web.ctx.tenant.timezone);
    let when = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&tz).format("%-d %b %Y, %H:%M").to_string()
    };
    let form = form.unwrap_or_else(|| ProfileForm::of(&profile));
    let failed = errors.any();
    render_form(
        &SettingsPage {
            primaries: element_choices(&form.primary, false),
            secondaries: element_choices(&form.secondary, true),
            form,
            keys: keys
                .into_iter()
                .map(|k| KeyRow {
                    id: k.id,
                    created: when(k.created_at),
                    last_used: k.last_used_at.map(when).unwrap_or_else(|| "never".into()),
                    revoked: k.revoked_at.is_some(),
                    name: k.name,
                    prefix: k.prefix,
                })
                .collect(),
            new_key,
            errors,
            nav: Some(web.nav),
        },
        failed,
    )
}

/// `GET /assistant/settings`.
pub async fn page(
    State(st): State<AppState>,
    web: Web<ManageAssistant>,
) -> Result<Response, WebError> {
    show(&st, web, None, String::new(), FieldErrors::default()).await
}

/// `POST /assistant/settings`: replaces the profile.
pub async fn save(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<ManageAssistant>,
    CsrfForm(f): CsrfForm<ProfileForm>,
) -> Result<Response, WebError> {
    let ev = web
        .ctx
        .audit_event("assistant.profile_updated", serde_json::Value::Null);
    let mut tx = web.begin(&st).await?;
    match wisdomos_app::assistant::set_profile(
        &mut tx,
        f.input(),
        web.ctx.user_id,
        ev,
        st.clock.now(),
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(flash::redirect(
                &headers,
                "/assistant/settings",
                "Assistant settings saved.",
            ))
        }
        Err(AppError::Validation(e)) => {
            drop(tx);
            show(&st, web, Some(f), String::new(), FieldErrors::from(&e)).await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// New key form.
#[derive(Debug, Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    pub name: String,
}

/// `POST /assistant/keys`: makes a key and shows it this once.
pub async fn create_key(
    State(st): State<AppState>,
    web: Web<ManageAssistant>,
    CsrfForm(f): CsrfForm<KeyForm>,
) -> Result<Response, WebError> {
    let ev = web
        .ctx
        .audit_event("api_key.created", serde_json::Value::Null);
    let mut tx = web.begin(&st).await?;
    match wisdomos_app::api_keys::create(&mut tx, &f.name, web.ctx.user_id, ev, st.clock.now())
        .await
    {
        Ok((_, secret)) => {
            tx.commit().await?;
            show(&st, web, None, secret, FieldErrors::default()).await
        }
        Err(AppError::Validation(e)) => {
            drop(tx);
            show(
                &st,
                web,
                None,
                String::new(),
                FieldErrors::from(&e).labelled("name", "Key name"),
            )
            .await
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// `POST /assistant/keys/{id}/revoke`.
pub async fn revoke_key(
    State(st): State<AppState>,
    headers: HeaderMap,
    web: Web<ManageAssistant>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, WebError> {
    let id = crate::extract::parse_id(&id)?;
    let ev = web
        .ctx
        .audit_event("api_key.revoked", serde_json::Value::Null);
    let mut tx = web.begin(&st).await?;
    let k = wisdomos_app::api_keys::revoke(&mut tx, id, ev, st.clock.now()).await?;
    tx.commit().await?;
    Ok(flash::redirect(
        &headers,
        "/assistant/settings",
        &format!("Key “{}” revoked: it no longer works.", k.name),
    ))
}
