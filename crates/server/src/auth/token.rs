//! Access tokens (JWT, HS256) and opaque refresh tokens.

use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::ServerConfig;

/// `typ` claim of access tokens; other token kinds are refused where an access token is due.
pub const ACCESS_TYP: &str = "access";

/// Claims of an access token. Times are Unix seconds. `sid` is the session family, so logout
/// and refresh-token reuse end the access token too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub tid: Uuid,
    pub sid: Uuid,
    pub role: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub aud: String,
    pub iss: String,
    pub typ: String,
}

/// Signing and verification keys with the settings they check.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    ttl: chrono::Duration,
}

impl TokenKeys {
    /// Keys from the configured secret.
    pub fn new(cfg: &ServerConfig) -> Self {
        Self {
            encoding: EncodingKey::from_secret(&cfg.jwt_secret),
            decoding: DecodingKey::from_secret(&cfg.jwt_secret),
            issuer: cfg.jwt_issuer.clone(),
            audience: cfg.jwt_audience.clone(),
            ttl: cfg.access_ttl.min(chrono::Duration::minutes(15)),
        }
    }

    /// Lifetime of issued access tokens, in seconds.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl.num_seconds()
    }

    /// Signs an access token for `user` in `tenant` with `role`, session family `sid`.
    pub fn issue(
        &self,
        user: Uuid,
        tenant: Uuid,
        sid: Uuid,
        role: &str,
        now: DateTime<Utc>,
    ) -> Result<String, crate::ApiError> {
        let claims = Claims {
            sub: user,
            tid: tenant,
            sid,
            role: role.to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
            aud: self.audience.clone(),
            iss: self.issuer.clone(),
            typ: ACCESS_TYP.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| crate::ApiError::Internal(format!("signing: {e}")))
    }

    /// Verifies signature (HS256 only), `aud`, `iss` and `typ`, and `exp`/`nbf` against `now`
    /// (the injected clock, with 5 s of leeway). `None` for any failure.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<Claims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[&self.audience]);
        v.set_issuer(&[&self.issuer]);
        v.set_required_spec_claims(&["exp", "nbf", "iat", "aud", "iss", "sub"]);
        // exp and nbf are checked below against the injected clock rather than the system's.
        v.validate_exp = false;
        v.validate_nbf = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .ok()?
            .claims;
        let t = now.timestamp();
        let leeway = 5;
        (claims.typ == ACCESS_TYP && claims.exp > t - leeway && claims.nbf <= t + leeway)
            .then_some(claims)
    }
}

/// A new refresh token: 256 random bits, base64url without padding.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a refresh token, the only form stored. (A fast hash suffices: the token has 256
/// bits of entropy, so it cannot be guessed from its hash.)
pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&ServerConfig::new(
            b"0123456789abcdef0123456789abcdef".to_vec(),
        ))
    }

    #[test]
    fn round_trip_and_expiry() {
        let k = keys();
        let now = Utc::now();
        let (u, t, s) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let tok = k.issue(u, t, s, "OWNER", now).unwrap();
        let c = k.verify(&tok, now).unwrap();
        assert_eq!((c.sub, c.tid, c.sid, c.role.as_str()), (u, t, s, "OWNER"));
        assert!(c.exp - c.iat <= 15 * 60);
        assert!(k
            .verify(&tok, now + chrono::Duration::minutes(16))
            .is_none());
        assert!(
            k.verify(&tok, now - chrono::Duration::minutes(1)).is_none(),
            "not before"
        );
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(a.len(), 43);
        assert_eq!(hash_refresh_token(&a).len(), 32);
    }
}
