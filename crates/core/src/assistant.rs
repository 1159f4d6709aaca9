//! A workspace's assistant profile (seed 002's `brand_voice`, `elemental_signature` and
//! `maia_personality`): the voice and personality its assistant answers in, and the topics it
//! must decline.
//!
//! The JSON shapes are seed 002's, camelCase. [`ProfileInput`] is what a client sends;
//! [`ProfileInput::validate`] turns it into an [`AssistantProfile`] or names every bad field
//! (dotted, with list indexes: `maiaPersonality.prohibitedTopics[2]`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validation::bounded_text;
use crate::{FieldError, ValidationErrors};

pub use crate::element::Element;

/// How the assistant speaks (seed 002 `brandVoice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BrandVoice {
    /// Adjectives for the tone, e.g. "professional, empathetic, precise" (1–200 characters).
    pub tone: String,
    /// The register, e.g. "legal but accessible" (0–200 characters).
    pub language: String,
    /// What the workspace stands for, e.g. `["integrity", "clarity"]` (0–12 of 1–60 characters).
    pub values: Vec<String>,
}

/// The workspace's dominant elements (seed 002 `elementalSignature`); `secondary` differs from
/// `primary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ElementalSignature {
    pub primary: Element,
    pub secondary: Option<Element>,
}

/// Guidance for answering someone whose dominant element is each of the five (seed 002
/// `phaseGuidance`); absent elements have none (0–1,000 characters each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PhaseGuidance {
    pub fire: Option<String>,
    pub water: Option<String>,
    pub earth: Option<String>,
    pub air: Option<String>,
    pub aether: Option<String>,
}

impl PhaseGuidance {
    /// The guidance for `e`, if any.
    pub fn for_element(&self, e: Element) -> Option<&str> {
        match e {
            Element::Fire => self.fire.as_deref(),
            Element::Water => self.water.as_deref(),
            Element::Earth => self.earth.as_deref(),
            Element::Air => self.air.as_deref(),
            Element::Aether => self.aether.as_deref(),
        }
    }
}

/// The assistant's personality (seed 002 `maiaPersonality`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Personality {
    /// How answers are shaped, e.g. "Professional yet warm." (0–2,000 characters).
    pub response_style: String,
    /// What the workspace knows best (0–20 of 1–100 characters).
    pub specialty_areas: Vec<String>,
    /// Topics declined before any generation, e.g. "medical advice" (0–50 of 1–100 characters).
    pub prohibited_topics: Vec<String>,
    pub phase_guidance: PhaseGuidance,
}

/// A validated assistant profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssistantProfile {
    pub brand_voice: BrandVoice,
    pub elemental_signature: ElementalSignature,
    pub maia_personality: Personality,
}

impl Default for AssistantProfile {
    /// A workspace that has set nothing: a warm, plain voice, aether (the integrating element)
    /// as its signature, no prohibited topics.
    fn default() -> Self {
        AssistantProfile {
            brand_voice: BrandVoice {
                tone: "warm, clear, encouraging".into(),
                language: "plain English".into(),
                values: Vec::new(),
            },
            elemental_signature: ElementalSignature {
                primary: Element::Aether,
                secondary: None,
            },
            maia_personality: Personality::default(),
        }
    }
}

/// `brandVoice` as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BrandVoiceInput {
    pub tone: Option<String>,
    pub language: Option<String>,
    pub values: Option<Vec<String>>,
}

/// `elementalSignature` as sent; elements by name (`fire|water|earth|air|aether`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignatureInput {
    pub primary: Option<String>,
    pub secondary: Option<String>,
}

/// `maiaPersonality` as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PersonalityInput {
    pub response_style: Option<String>,
    pub specialty_areas: Option<Vec<String>>,
    pub prohibited_topics: Option<Vec<String>>,
    pub phase_guidance: Option<PhaseGuidanceInput>,
}

/// `phaseGuidance` as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseGuidanceInput {
    pub fire: Option<String>,
    pub water: Option<String>,
    pub earth: Option<String>,
    pub air: Option<String>,
    pub aether: Option<String>,
}

/// A whole profile as sent (`PUT …/assistant`, or with a new workspace); an absent section is
/// the default's.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileInput {
    pub brand_voice: Option<BrandVoiceInput>,
    pub elemental_signature: Option<SignatureInput>,
    pub maia_personality: Option<PersonalityInput>,
}

/// Each item of `items` through [`bounded_text`] (1..=`len` characters), at most `max` items,
/// none repeated (case aside).
fn text_list(
    errs: &mut ValidationErrors,
    field: &str,
    items: Option<Vec<String>>,
    max: usize,
    len: usize,
) -> Vec<String> {
    let items = items.unwrap_or_default();
    if items.len() > max {
        errs.0.push(FieldError::new(
            field,
            "too_many",
            format!("{field} may hold at most {max} items"),
        ));
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let name = format!("{field}[{i}]");
        if let Some(v) = errs.check(bounded_text(&name, item, 1, len)) {
            if out.iter().any(|o| o.to_lowercase() == v.to_lowercase()) {
                errs.0.push(FieldError::new(
                    &name,
                    "duplicate",
                    format!("{name} repeats an earlier item"),
                ));
            } else {
                out.push(v);
            }
        }
    }
    out
}

/// Optional text of 1..=`max` characters; blank is absent.
fn optional_text(
    errs: &mut ValidationErrors,
    field: &str,
    v: Option<String>,
    max: usize,
) -> Option<String> {
    let v = v.filter(|s| !s.trim().is_empty())?;
    errs.check(bounded_text(field, &v, 1, max))
}

impl ProfileInput {
    /// The profile, or every bad field. Errors: `required` (empty tone), `too_long`,
    /// `invalid_characters`, `too_many`, `duplicate`, `invalid_element` (a name outside the
    /// five), `same_as_primary` (a secondary element equal to the primary).
    pub fn validate(self) -> Result<AssistantProfile, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let d = AssistantProfile::default();
        let bv = self.brand_voice.unwrap_or_default();
        let tone = match bv.tone {
            Some(t) => errs.check(bounded_text("brandVoice.tone", &t, 1, 200)),
            None => Some(d.brand_voice.tone.clone()),
        };
        let language = match bv.language {
            Some(l) => errs.check(bounded_text("brandVoice.language", &l, 0, 200)),
            None => Some(d.brand_voice.language.clone()),
        };
        let values = text_list(&mut errs, "brandVoice.values", bv.values, 12, 60);

        let sig = self.elemental_signature.unwrap_or_default();
        let element = |errs: &mut ValidationErrors, field: &str, v: &str| {
            errs.check(Element::parse(v).ok_or_else(|| {
                FieldError::new(
                    field,
                    "invalid_element",
                    format!("{field} must be one of fire, water, earth, air, aether"),
                )
            }))
        };
        let primary = match sig.primary.as_deref() {
            Some(p) => element(&mut errs, "elementalSignature.primary", p),
            None => Some(d.elemental_signature.primary),
        };
        let secondary = sig
            .secondary
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| element(&mut errs, "elementalSignature.secondary", s));
        if secondary.is_some() && secondary == primary {
            errs.0.push(FieldError::new(
                "elementalSignature.secondary",
                "same_as_primary",
                "elementalSignature.secondary must differ from the primary element",
            ));
        }

        let p = self.maia_personality.unwrap_or_default();
        let style = match p.response_style {
            Some(s) => errs.check(bounded_text("maiaPersonality.responseStyle", &s, 0, 2000)),
            None => Some(String::new()),
        };
        let specialty_areas = text_list(
            &mut errs,
            "maiaPersonality.specialtyAreas",
            p.specialty_areas,
            20,
            100,
        );
        let prohibited_topics = text_list(
            &mut errs,
            "maiaPersonality.prohibitedTopics",
            p.prohibited_topics,
            50,
            100,
        );
        let g = p.phase_guidance.unwrap_or_default();
        let f = "maiaPersonality.phaseGuidance";
        let phase_guidance = PhaseGuidance {
            fire: optional_text(&mut errs, &format!("{f}.fire"), g.fire, 1000),
            water: optional_text(&mut errs, &format!("{f}.water"), g.water, 1000),
            earth: optional_text(&mut errs, &format!("{f}.earth"), g.earth, 1000),
            air: optional_text(&mut errs, &format!("{f}.air"), g.air, 1000),
            aether: optional_text(&mut errs, &format!("{f}.aether"), g.aether, 1000),
        };
        errs.finish()?;
        match (tone, language, primary, style) {
            (Some(tone), Some(language), Some(primary), Some(response_style)) => {
                Ok(AssistantProfile {
                    brand_voice: BrandVoice {
                        tone,
                        language,
                        values,
                    },
                    elemental_signature: ElementalSignature { primary, secondary },
                    maia_personality: Personality {
                        response_style,
                        specialty_areas,
                        prohibited_topics,
                        phase_guidance,
                    },
                })
            }
            _ => Err(ValidationErrors(vec![FieldError::new(
                "body",
                "invalid",
                "the profile could not be read",
            )])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: serde_json::Value) -> ProfileInput {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn seed_example_is_a_valid_profile() {
        let p = input(serde_json::json!({
            "brandVoice": {"tone": "professional, empathetic, precise", "language": "legal but accessible", "values": ["integrity", "clarity", "care"]},
            "elementalSignature": {"primary": "air", "secondary": "earth"},
            "maiaPersonality": {
                "responseStyle": "Professional yet warm. Lead with empathy, follow with legal precision.",
                "specialtyAreas": ["estate planning", "family law", "business law"],
                "prohibitedTopics": ["medical advice", "financial advice"],
                "phaseGuidance": {"fire": "Emphasize vision", "water": "Show deep empathy", "earth": "Clear steps", "air": "Precision"}
            }
        }))
        .validate()
        .unwrap();
        assert_eq!(p.elemental_signature.primary, Element::Air);
        assert_eq!(p.elemental_signature.secondary, Some(Element::Earth));
        assert_eq!(p.maia_personality.prohibited_topics.len(), 2);
        assert_eq!(
            p.maia_personality
                .phase_guidance
                .for_element(Element::Aether),
            None
        );
        assert_eq!(
            p.maia_personality
                .phase_guidance
                .for_element(Element::Earth),
            Some("Clear steps")
        );
    }

    #[test]
    fn empty_input_is_the_default_profile() {
        assert_eq!(
            ProfileInput::default().validate().unwrap(),
            AssistantProfile::default()
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let long = "x".repeat(101);
        let e = input(serde_json::json!({
            "brandVoice": {"tone": "  ", "values": ["care", "Care"]},
            "elementalSignature": {"primary": "wood", "secondary": "fire"},
            "maiaPersonality": {"prohibitedTopics": ["ok", long], "phaseGuidance": {"air": "x".repeat(1001)}}
        }))
        .validate()
        .unwrap_err();
        let fields: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("brandVoice.tone", "required"),
                ("brandVoice.values[1]", "duplicate"),
                ("elementalSignature.primary", "invalid_element"),
                ("maiaPersonality.prohibitedTopics[1]", "too_long"),
                ("maiaPersonality.phaseGuidance.air", "too_long"),
            ]
        );
    }

    #[test]
    fn secondary_must_differ_and_lists_are_bounded() {
        let e = input(serde_json::json!({
            "elementalSignature": {"primary": "Fire", "secondary": "fire"},
            "brandVoice": {"values": (0..13).map(|i| format!("v{i}")).collect::<Vec<_>>()}
        }))
        .validate()
        .unwrap_err();
        let codes: Vec<&str> = e.0.iter().map(|f| f.code).collect();
        assert_eq!(codes, vec!["too_many", "same_as_primary"]);
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_value::<ProfileInput>(
            serde_json::json!({"brandVoice": {"colour": "red"}})
        )
        .is_err());
    }
}
