//! SCRAM-SHA-256 verifiers, so that a login role's password is set without the password itself
//! appearing in any statement (PostgreSQL's statement log, `pg_stat_statements`, our debug log).

use base64::prelude::{Engine, BASE64_STANDARD};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Iterations of the key derivation: PostgreSQL's default (`scram_iterations`).
pub const ITERATIONS: u32 = 4096;

/// Length of a fresh salt in bytes, as PostgreSQL's `SCRAM_DEFAULT_SALT_LEN`.
const SALT_LEN: usize = 16;

/// The verifier PostgreSQL stores in `pg_authid.rolpassword` for `password`, with a fresh random
/// salt: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, each part base64. Given
/// to `ALTER ROLE … PASSWORD '<verifier>'`, PostgreSQL stores it as it is.
pub fn verifier(password: &str) -> String {
    let salt: [u8; SALT_LEN] = rand::random();
    verifier_with(password, &salt, ITERATIONS)
}

/// [`verifier`] with a given salt and iteration count (RFC 5802 §3, RFC 7677): SaltedPassword =
/// PBKDF2-HMAC-SHA-256(SASLprep(password), salt, iterations); StoredKey = SHA-256(HMAC(
/// SaltedPassword, "Client Key")); ServerKey = HMAC(SaltedPassword, "Server Key"). As PostgreSQL's
/// `scram_build_secret`, a password SASLprep refuses is used as it is.
pub fn verifier_with(password: &str, salt: &[u8], iterations: u32) -> String {
    let prepared = stringprep::saslprep(password).unwrap_or(std::borrow::Cow::Borrowed(password));
    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(prepared.as_bytes(), salt, iterations, &mut salted);
    let stored_key = Sha256::digest(hmac(&salted, b"Client Key"));
    let server_key = hmac(&salted, b"Server Key");
    format!(
        "SCRAM-SHA-256${iterations}:{}${}:{}",
        BASE64_STANDARD.encode(salt),
        BASE64_STANDARD.encode(stored_key),
        BASE64_STANDARD.encode(server_key)
    )
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_fresh_salt() {
        let a = verifier("correct horse");
        let b = verifier("correct horse");
        assert!(a.starts_with("SCRAM-SHA-256$4096:"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(!a.contains("correct horse"));
    }

    /// PostgreSQL's own verifier for a password, rebuilt here from its salt, must be identical:
    /// then a role given ours accepts exactly the logins PostgreSQL would for the plain password.
    #[tokio::test]
    async fn equals_the_verifier_postgresql_builds() {
        use sqlx::{ConnectOptions, Connection};
        use std::str::FromStr;
        let opts = sqlx::postgres::PgConnectOptions::from_str(&crate::testing::admin_url())
            .unwrap()
            .log_statements(tracing::log::LevelFilter::Off);
        let mut conn = sqlx::PgConnection::connect_with(&opts).await.unwrap();
        let role = format!("wisdomos_scram_{}", uuid::Uuid::new_v4().simple());
        // ASCII, and one that SASLprep changes (a no-break space maps to a space).
        for password in [
            "correct horse battery staple",
            "p\u{e4}ss w\u{f6}rd\u{a0}\u{2163}",
        ] {
            sqlx::raw_sql(&format!(
                "SET password_encryption = 'scram-sha-256'; CREATE ROLE {role} PASSWORD '{password}'"
            ))
            .execute(&mut conn)
            .await
            .unwrap();
            let stored: String =
                sqlx::query_scalar("SELECT rolpassword FROM pg_authid WHERE rolname = $1")
                    .bind(&role)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
            sqlx::raw_sql(&format!("DROP ROLE {role}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let (iterations, rest) = stored
                .strip_prefix("SCRAM-SHA-256$")
                .and_then(|r| r.split_once(':'))
                .unwrap();
            let salt = BASE64_STANDARD
                .decode(rest.split_once('$').unwrap().0)
                .unwrap();
            assert_eq!(
                verifier_with(password, &salt, iterations.parse().unwrap()),
                stored,
                "{password:?}"
            );
        }
    }
}
