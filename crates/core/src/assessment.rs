//! Self-assessment of the life areas (the Phoenix Fulfillment method starts from one): each
//! rating is a whole number 0–100 and becomes the area's baseline, the score the engine starts
//! from (`score::DEFAULT_BASELINE`, 50, until rated).

use crate::FieldError;

/// Lowest rating.
pub const RATING_MIN: i64 = 0;
/// Highest rating.
pub const RATING_MAX: i64 = 100;

/// A rating, checked: a whole number 0–100. Errors: `out_of_range` naming `field`.
pub fn rating(field: &str, value: i64) -> Result<i16, FieldError> {
    if (RATING_MIN..=RATING_MAX).contains(&value) {
        // In 0..=100, so it fits.
        Ok(value as i16)
    } else {
        Err(FieldError::new(
            field,
            "out_of_range",
            format!("{field} must be a whole number from {RATING_MIN} to {RATING_MAX}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_zero_to_one_hundred() {
        assert_eq!(rating("r", 0).unwrap(), 0);
        assert_eq!(rating("r", 100).unwrap(), 100);
        assert_eq!(rating("r", -1).unwrap_err().code, "out_of_range");
        assert_eq!(rating("r", 101).unwrap_err().field, "r");
    }
}
