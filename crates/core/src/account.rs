//! Account rules: e-mail normalisation and the password policy.

use crate::validation::FieldError;

/// Password length bounds in characters (OWASP ASVS 2.1.1/2.1.2: at least 8, allow at least 64;
/// the upper bound only stops denial of service through hashing huge inputs).
pub const PASSWORD_MIN_CHARS: usize = 8;
/// See [`PASSWORD_MIN_CHARS`].
pub const PASSWORD_MAX_CHARS: usize = 1024;

/// The symbols RFC 5322 §3.2.3 allows in a dot-atom besides letters and digits.
pub const ATEXT_SYMBOLS: &str = "!#$%&'*+/=?^_`{|}~-";

/// A syntactically valid, normalised e-mail address (trimmed, lower-cased, at most 254 bytes as
/// RFC 5321 §4.5.3.1.3 allows for a path).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Normalises and validates `raw`, naming `field` in the error.
    ///
    /// Accepts `local@domain` with a local part of 1–64 ASCII characters forming an RFC 5322
    /// dot-atom (letters, digits, [`ATEXT_SYMBOLS`], single inner dots), and a domain of
    /// dot-separated ASCII labels (letters, digits, hyphens; not starting or ending with a hyphen)
    /// with at least two labels. Errors: `invalid_email`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let invalid = || {
            FieldError::new(
                field,
                "invalid_email",
                format!("{field} must be a valid e-mail address"),
            )
        };
        let email = raw.trim().to_lowercase();
        if email.is_empty() || email.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.chars().count() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || ATEXT_SYMBOLS.contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(email))
        } else {
            Err(invalid())
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy. Never logged: `Debug` prints a placeholder.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(**redacted**)")
    }
}

impl Password {
    /// Checks the policy (NIST SP 800-63B §5.1.1.2): 8–1024 characters, and not in the list of
    /// about 100,000 common passwords shipped by the `passwords` crate (MIT), compared as given
    /// and lower-cased. No composition rules, as NIST advises.
    ///
    /// Errors: `password_too_short`, `password_too_long`, `password_too_common`.
    pub fn new(field: &str, raw: &str) -> Result<Self, FieldError> {
        let len = raw.chars().count();
        // Spaces inside count (passphrases); leading and trailing ones do not, so eight
        // spaces are no password.
        if raw.trim().chars().count() < PASSWORD_MIN_CHARS {
            return Err(FieldError::new(
                field,
                "password_too_short",
                format!(
                    "{field} must have at least {PASSWORD_MIN_CHARS} characters besides leading and trailing spaces"
                ),
            ));
        }
        if len > PASSWORD_MAX_CHARS {
            return Err(FieldError::new(
                field,
                "password_too_long",
                format!("{field} must have at most {PASSWORD_MAX_CHARS} characters"),
            ));
        }
        if is_common_password(raw) {
            return Err(FieldError::new(
                field,
                "password_too_common",
                format!("{field} is in a list of commonly used passwords; choose another"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// True when `password` (or its lower-cased form) is in the common-password list.
pub fn is_common_password(password: &str) -> bool {
    passwords::analyzer::is_common_password(password)
        || passwords::analyzer::is_common_password(password.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("email", "  Ada@Example.ORG ")
                .unwrap()
                .as_str(),
            "ada@example.org"
        );
        assert_eq!(
            Email::parse("email", "a.b+tag@sub.example.co.uk")
                .unwrap()
                .as_str(),
            "a.b+tag@sub.example.co.uk"
        );
    }

    #[test]
    fn bad_emails_are_refused() {
        for bad in [
            "",
            "plain",
            "@example.org",
            "a@",
            "a@b",
            "a b@example.org",
            "a@-x.org",
            "a@x..org",
            ".a@x.org",
            "a@@x.org",
            "jos\u{e9}@example.org",
            "a@b\u{fc}cher.de",
            "a(b)@x.org",
        ] {
            assert_eq!(
                Email::parse("email", bad).unwrap_err().code,
                "invalid_email",
                "{bad}"
            );
        }
        let long = format!("{}@example.org", "a".repeat(65));
        assert!(Email::parse("email", &long).is_err());
    }

    #[test]
    fn password_policy() {
        assert_eq!(
            Password::new("password", "short").unwrap_err().code,
            "password_too_short"
        );
        for blank in ["        ", " \t  \n    ", "  seven7  "] {
            assert_eq!(
                Password::new("password", blank).unwrap_err().code,
                "password_too_short",
                "{blank:?}"
            );
        }
        assert!(Password::new("password", "a b c d e f g h").is_ok());
        assert_eq!(
            Password::new("password", &"x".repeat(1025))
                .unwrap_err()
                .code,
            "password_too_long"
        );
        assert_eq!(
            Password::new("password", "password123").unwrap_err().code,
            "password_too_common"
        );
        assert_eq!(
            Password::new("password", "PASSWORD123").unwrap_err().code,
            "password_too_common"
        );
        assert_eq!(
            Password::new("password", "qwertyuiop").unwrap_err().code,
            "password_too_common"
        );
        assert!(Password::new("password", "correct horse battery staple 42").is_ok());
        assert!(
            format!("{:?}", Password::new("p", "correct horse battery").unwrap())
                .contains("redacted")
        );
    }
}
