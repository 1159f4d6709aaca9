//! Tenant rules: status, slug, workspace name, time zone and the schema name.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::{bounded_text, FieldError};

/// Lifecycle of a tenant (seed 001 `TenantStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TenantStatus {
    Active,
    Suspended,
    Deleted,
}

impl TenantStatus {
    /// Stored name, e.g. `"ACTIVE"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Active => "ACTIVE",
            TenantStatus::Suspended => "SUSPENDED",
            TenantStatus::Deleted => "DELETED",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            TenantStatus::Active,
            TenantStatus::Suspended,
            TenantStatus::Deleted,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// Longest workspace name, in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Slug length bounds, in ASCII characters.
pub const SLUG_MIN: usize = 3;
/// See [`SLUG_MIN`].
pub const SLUG_MAX: usize = 63;

/// Validates a workspace name: 1–120 characters after trimming, no control characters.
pub fn workspace_name(field: &str, raw: &str) -> Result<String, FieldError> {
    bounded_text(field, raw, 1, NAME_MAX_CHARS)
}

/// A URL-safe tenant slug: 3–63 characters of `a-z`, `0-9` and single hyphens, starting and
/// ending with a letter or digit (so it is also a valid DNS label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// Validates a client-given slug. Errors: `invalid_slug`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        let ok = (SLUG_MIN..=SLUG_MAX).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "invalid_slug",
                format!("{field} must be {SLUG_MIN}-{SLUG_MAX} characters of a-z, 0-9 and single hyphens, starting and ending with a letter or digit"),
            ))
        }
    }

    /// Derives a slug from a workspace name: ASCII-folds common Latin letters, lower-cases,
    /// turns every other run of characters into one hyphen, trims to 50 characters, and pads
    /// short results with `workspace`. The caller appends a suffix when the slug is taken.
    pub fn derive(name: &str) -> Self {
        let mut out = String::new();
        for c in name.chars().flat_map(fold_char) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        out.truncate(50);
        let mut out = out.trim_matches('-').to_owned();
        if out.len() < SLUG_MIN {
            out = if out.is_empty() {
                "workspace".to_owned()
            } else {
                format!("{out}-workspace")
            };
        }
        Self(out)
    }

    /// This slug with `-suffix` appended, kept within [`SLUG_MAX`].
    pub fn with_suffix(&self, suffix: &str) -> Self {
        let keep = SLUG_MAX.saturating_sub(suffix.len() + 1);
        let base: String = self.0.chars().take(keep).collect();
        Self(format!("{}-{suffix}", base.trim_end_matches('-')))
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fold_char(c: char) -> Vec<char> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        '&' => "and",
        _ => return vec![c],
    };
    folded.chars().collect()
}

/// Validates an IANA time zone name such as `Europe/Berlin` or `Asia/Kathmandu`.
/// Errors: `invalid_timezone`.
pub fn timezone(field: &str, raw: &str) -> Result<chrono_tz::Tz, FieldError> {
    raw.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        FieldError::new(
            field,
            "invalid_timezone",
            format!("{field} must be an IANA time zone name such as Europe/Berlin"),
        )
    })
}

/// The schema (and role) name of a silo tenant: `t_` followed by the 32 lower-case hex digits
/// of its id. Derived only from the id, never read from a client (DESIGN.md §3).
pub fn schema_name(tenant_id: Uuid) -> String {
    format!("t_{}", tenant_id.simple())
}

/// True when `name` has exactly the shape [`schema_name`] produces; checked before any name is
/// interpolated into DDL.
pub fn is_valid_schema_name(name: &str) -> bool {
    name.len() == 34
        && name.starts_with("t_")
        && name[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_slugs() {
        assert_eq!(
            Slug::derive("John's Transformation Journey").as_str(),
            "john-s-transformation-journey"
        );
        assert_eq!(Slug::derive("  Café & Crème  ").as_str(), "cafe-and-creme");
        assert_eq!(Slug::derive("!!!").as_str(), "workspace");
        assert_eq!(Slug::derive("Jo").as_str(), "jo-workspace");
        assert!(Slug::derive(&"x".repeat(200)).as_str().len() <= SLUG_MAX);
        let d = Slug::derive("日本語");
        assert!(Slug::parse("slug", d.as_str()).is_ok());
    }

    #[test]
    fn suffix_stays_valid() {
        let s = Slug::derive(&"a".repeat(63)).with_suffix("x7k2");
        assert!(s.as_str().len() <= SLUG_MAX);
        assert!(Slug::parse("slug", s.as_str()).is_ok());
    }

    #[test]
    fn validates_slugs() {
        for good in ["abc", "my-space", "a1-b2"] {
            assert!(Slug::parse("slug", good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "a--b",
            "ABC",
            "a b c",
            "a_bc",
            &"a".repeat(64),
        ] {
            assert_eq!(
                Slug::parse("slug", bad).unwrap_err().code,
                "invalid_slug",
                "{bad}"
            );
        }
    }

    #[test]
    fn validates_timezones() {
        assert!(timezone("timezone", "Asia/Kathmandu").is_ok());
        assert!(timezone("timezone", "UTC").is_ok());
        assert_eq!(
            timezone("timezone", "Mars/Olympus").unwrap_err().code,
            "invalid_timezone"
        );
        assert!(timezone("timezone", "").is_err());
    }

    #[test]
    fn schema_names() {
        let id = Uuid::new_v4();
        let s = schema_name(id);
        assert!(is_valid_schema_name(&s));
        assert!(!is_valid_schema_name("t_abc"));
        assert!(!is_valid_schema_name("public"));
        assert!(!is_valid_schema_name(&format!("t_{}", "G".repeat(32))));
    }
}
