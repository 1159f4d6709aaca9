//! A workspace's plan (seed 002 "Pricing Model Ideas"): its tier, the limits that follow from it
//! unless a platform operator sets others, and its features.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{FieldError, ValidationErrors};

const GIB: i64 = 1024 * 1024 * 1024;

/// The tier: `free` (every self-registered workspace) or one of seed 002's three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanTier {
    Free,
    Starter,
    Professional,
    Enterprise,
}

impl PlanTier {
    /// Every tier, smallest first.
    pub const ALL: [PlanTier; 4] = [
        PlanTier::Free,
        PlanTier::Starter,
        PlanTier::Professional,
        PlanTier::Enterprise,
    ];

    /// The stored and serialised name, e.g. `"starter"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanTier::Free => "free",
            PlanTier::Starter => "starter",
            PlanTier::Professional => "professional",
            PlanTier::Enterprise => "enterprise",
        }
    }

    /// Parses a name (case aside).
    ///
    /// Errors: `invalid_plan_tier` naming `field`.
    pub fn parse(field: &str, s: &str) -> Result<PlanTier, FieldError> {
        let s = s.trim().to_lowercase();
        PlanTier::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    "invalid_plan_tier",
                    format!("{field} must be one of free, starter, professional, enterprise"),
                )
            })
    }

    /// The tier's limits (seed 002: starter 1,000 conversations a month and 10 GB of knowledge,
    /// professional 10,000 and 50 GB, enterprise unlimited). The free tier, which seed 002 does
    /// not price, keeps the 1 GiB knowledge base workspaces had before plans and 100
    /// conversations a month. Seed 002's "GB" are read as GiB.
    pub fn default_limits(self) -> Limits {
        match self {
            PlanTier::Free => Limits {
                conversations_per_month: Some(100),
                knowledge_bytes: Some(GIB),
            },
            PlanTier::Starter => Limits {
                conversations_per_month: Some(1_000),
                knowledge_bytes: Some(10 * GIB),
            },
            PlanTier::Professional => Limits {
                conversations_per_month: Some(10_000),
                knowledge_bytes: Some(50 * GIB),
            },
            PlanTier::Enterprise => Limits {
                conversations_per_month: None,
                knowledge_bytes: None,
            },
        }
    }

    /// The tier's features (seed 002's tier lists, as flags): each tier has the one below's and
    /// more.
    pub fn default_features(self) -> Vec<String> {
        const FREE: &[&str] = &["assistant"];
        const STARTER: &[&str] = &["api_keys", "branded_subdomain"];
        const PROFESSIONAL: &[&str] =
            &["custom_personality", "custom_domain", "advanced_analytics"];
        const ENTERPRISE: &[&str] = &["dedicated_support", "white_label"];
        let tiers: &[&[&str]] = match self {
            PlanTier::Free => &[FREE],
            PlanTier::Starter => &[FREE, STARTER],
            PlanTier::Professional => &[FREE, STARTER, PROFESSIONAL],
            PlanTier::Enterprise => &[FREE, STARTER, PROFESSIONAL, ENTERPRISE],
        };
        tiers
            .iter()
            .flat_map(|t| t.iter())
            .map(|s| (*s).to_owned())
            .collect()
    }
}

/// What a workspace may use; `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Conversations started per calendar month in the workspace's time zone.
    pub conversations_per_month: Option<i64>,
    /// Bytes of knowledge documents held.
    pub knowledge_bytes: Option<i64>,
}

/// Limits as an operator sends them: each field absent (the tier's), `null` (unlimited) or a
/// number ≥ 0.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LimitsInput {
    #[serde(default, with = "serde_with_null")]
    #[schema(value_type = Option<i64>)]
    pub conversations_per_month: Option<Option<i64>>,
    #[serde(default, with = "serde_with_null")]
    #[schema(value_type = Option<i64>)]
    pub knowledge_bytes: Option<Option<i64>>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
mod serde_with_null {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        Option::<i64>::deserialize(d).map(Some)
    }
}

impl LimitsInput {
    /// The limits over `base` (the tier's, or those stored).
    ///
    /// Errors: `out_of_range` for a negative number, naming `limits.<field>`.
    pub fn apply(&self, base: Limits) -> Result<Limits, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let mut pick = |field: &str, v: Option<Option<i64>>, old: Option<i64>| match v {
            None => old,
            Some(Some(n)) if n < 0 => {
                errs.0.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("{field} must be 0 or more, or null for unlimited"),
                ));
                old
            }
            Some(n) => n,
        };
        let limits = Limits {
            conversations_per_month: pick(
                "limits.conversationsPerMonth",
                self.conversations_per_month,
                base.conversations_per_month,
            ),
            knowledge_bytes: pick(
                "limits.knowledgeBytes",
                self.knowledge_bytes,
                base.knowledge_bytes,
            ),
        };
        errs.finish()?;
        Ok(limits)
    }
}

/// A custom domain: a host name (RFC 1123 labels of letters, digits and hyphens, at least two
/// labels, at most 253 characters), lower-cased, without scheme, port or path.
///
/// Errors: `invalid_domain` naming `field`.
pub fn parse_domain(field: &str, s: &str) -> Result<String, FieldError> {
    let d = s.trim().trim_end_matches('.').to_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let labels: Vec<&str> = d.split('.').collect();
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().any(|c| c.is_ascii_alphabetic()));
    if d.len() > 253 || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) || !tld_ok {
        return Err(FieldError::new(
            field,
            "invalid_domain",
            format!("{field} must be a host name such as maia.example.com, without scheme, port or path"),
        ));
    }
    Ok(d)
}

/// Feature flags: 0–30 names of 1–40 lower-case letters, digits and underscores, kept once
/// each in the order given.
///
/// Errors: `too_many`, `invalid_feature` naming `field[i]`.
pub fn parse_features(field: &str, items: &[String]) -> Result<Vec<String>, ValidationErrors> {
    let mut errs = ValidationErrors::default();
    if items.len() > 30 {
        errs.0.push(FieldError::new(
            field,
            "too_many",
            format!("{field} may hold at most 30 items"),
        ));
        return Err(errs);
    }
    let mut out: Vec<String> = Vec::new();
    for (i, f) in items.iter().enumerate() {
        let f = f.trim();
        let ok = (1..=40).contains(&f.len())
            && f.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            errs.0.push(FieldError::new(
                &format!("{field}[{i}]"),
                "invalid_feature",
                "a feature is 1-40 lower-case letters, digits and underscores",
            ));
        } else if !out.iter().any(|o| o == f) {
            out.push(f.to_owned());
        }
    }
    errs.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_seed_002() {
        assert_eq!(
            PlanTier::Starter.default_limits().conversations_per_month,
            Some(1000)
        );
        assert_eq!(
            PlanTier::Professional.default_limits().knowledge_bytes,
            Some(50 * GIB)
        );
        assert_eq!(
            PlanTier::Enterprise
                .default_limits()
                .conversations_per_month,
            None
        );
        assert_eq!(
            PlanTier::parse("planTier", " Professional ").unwrap(),
            PlanTier::Professional
        );
        assert_eq!(
            PlanTier::parse("planTier", "gold").unwrap_err().code,
            "invalid_plan_tier"
        );
    }

    #[test]
    fn limits_input_tells_absent_from_null() {
        let base = PlanTier::Starter.default_limits();
        let i: LimitsInput = serde_json::from_str(r#"{"conversationsPerMonth": null}"#).unwrap();
        let l = i.apply(base).unwrap();
        assert_eq!(l.conversations_per_month, None);
        assert_eq!(l.knowledge_bytes, base.knowledge_bytes);
        let i: LimitsInput =
            serde_json::from_str(r#"{"knowledgeBytes": -1, "conversationsPerMonth": 5}"#).unwrap();
        let e = i.apply(base).unwrap_err();
        assert_eq!(e.0[0].field, "limits.knowledgeBytes");
        let i: LimitsInput = serde_json::from_str(r#"{"conversationsPerMonth": 5}"#).unwrap();
        assert_eq!(i.apply(base).unwrap().conversations_per_month, Some(5));
    }

    #[test]
    fn domains_are_host_names() {
        assert_eq!(
            parse_domain("domain", " Maia.AcmeLegal.com. ").unwrap(),
            "maia.acmelegal.com"
        );
        for bad in [
            "localhost",
            "https://a.com",
            "a.com:8080",
            "a..com",
            "-a.com",
            "a.com/x",
            "1.2.3.4",
            "",
        ] {
            assert_eq!(
                parse_domain("domain", bad).unwrap_err().code,
                "invalid_domain",
                "{bad}"
            );
        }
    }

    #[test]
    fn features_are_flags() {
        let f = parse_features(
            "features",
            &["api_keys".into(), "api_keys".into(), "sso".into()],
        )
        .unwrap();
        assert_eq!(f, vec!["api_keys", "sso"]);
        let e = parse_features("features", &["Bad Flag".into()]).unwrap_err();
        assert_eq!(e.0[0].field, "features[0]");
    }
}
