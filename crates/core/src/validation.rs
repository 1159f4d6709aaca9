//! Field-level validation errors shared by every domain constructor.

use serde::Serialize;

/// One rejected input field.
///
/// `field` is the JSON name of the field as the client sent it (camelCase, dotted for nested
/// fields); `code` is a stable snake_case reason such as `too_long` or `invalid_timezone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    /// Builds a field error; `field` is the client-facing field name.
    pub fn new(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// A non-empty list of field errors, returned when any field of an input is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Records the error of `result`, if any, and passes its value through.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// For an optional input: records the error of `result`, if any, and passes its value
    /// through (`None` when the input was absent or invalid).
    pub fn optional<T>(&mut self, result: Option<Result<T, FieldError>>) -> Option<T> {
        self.check(result.transpose()).flatten()
    }

    /// `Ok(())` when no error was recorded.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

/// Whether `c` may not appear in any input: a control character (Unicode `Cc`: NUL, the C0 and
/// C1 controls, DEL) other than tab, line feed and carriage return, which multi-line text keeps.
/// PostgreSQL cannot store NUL in text at all.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Trims `value` and checks its length in characters is within `min..=max`.
///
/// Errors: `required` when empty after trimming and `min > 0`, `too_long` past `max`.
pub fn bounded_text(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len < min {
        return Err(FieldError::new(
            field,
            "required",
            if min <= 1 {
                format!("{field} is required")
            } else {
                format!("{field} must have at least {min} characters")
            },
        ));
    }
    if len > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("{field} must have at most {max} characters"),
        ));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_controls_but_line_breaks_and_tabs() {
        for c in ['\0', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(is_forbidden_char(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', 'a', 'é', '\u{2028}'] {
            assert!(!is_forbidden_char(c), "{c:?}");
        }
    }

    #[test]
    fn bounded_text_trims_and_bounds() {
        assert_eq!(bounded_text("name", "  ab ", 1, 2).unwrap(), "ab");
        assert_eq!(
            bounded_text("name", "   ", 1, 5).unwrap_err().code,
            "required"
        );
        assert_eq!(
            bounded_text("name", "abc", 1, 2).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            bounded_text("name", "a\u{0}b", 1, 5).unwrap_err().code,
            "invalid_characters"
        );
        // Length counts characters, not bytes.
        assert!(bounded_text("name", "ééé", 1, 3).is_ok());
    }

    #[test]
    fn collects_every_error() {
        let mut errs = ValidationErrors::default();
        errs.check(bounded_text("a", "", 1, 2));
        errs.check(bounded_text("b", "xyz", 1, 2));
        let e = errs.finish().unwrap_err();
        assert_eq!(e.0.len(), 2);
        assert_eq!(e.0[1].field, "b");
    }
}
