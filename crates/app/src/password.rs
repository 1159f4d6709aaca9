//! Password hashing with argon2id at OWASP's parameters, off the async threads.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::AppError;

/// argon2id memory in KiB, iterations and lanes: OWASP Password Storage Cheat Sheet
/// (m=19456 KiB, t=2, p=1).
pub const ARGON2_M_KIB: u32 = 19_456;
/// See [`ARGON2_M_KIB`].
pub const ARGON2_T: u32 = 2;
/// See [`ARGON2_M_KIB`].
pub const ARGON2_P: u32 = 1;

/// Hashes and verifies passwords on the blocking pool, at most `concurrency` at a time, so a
/// burst of sign-ins cannot exhaust memory (each hash takes 19 MiB) or starve the runtime.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    dummy_hash: Arc<String>,
}

fn argon2() -> Argon2<'static> {
    // The parameters are constants within argon2's documented ranges.
    #[allow(clippy::expect_used)]
    let params =
        Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl PasswordHasher {
    /// A hasher allowing `concurrency` hashes at once (at least 1).
    pub async fn new(concurrency: usize) -> Result<Self, AppError> {
        let mut h = Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: Arc::new(String::new()),
        };
        let random = uuid::Uuid::new_v4().to_string();
        h.dummy_hash = Arc::new(h.hash(&random).await?);
        Ok(h)
    }

    /// The PHC string of `password` with a fresh random salt.
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| AppError::Internal(format!("hashing: {e}")))
        })
        .await
    }

    /// Whether `password` matches `hash`; with `None` (unknown user) a dummy hash is checked so
    /// both cases take the same time, and the answer is `false`.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        let known = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.as_str().to_owned(), str::to_owned);
        let password = password.to_owned();
        let ok = self
            .blocking(move || {
                let parsed = PasswordHash::new(&hash)
                    .map_err(|e| AppError::Internal(format!("stored hash unreadable: {e}")))?;
                Ok(argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok())
            })
            .await?;
        Ok(ok && known)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters() {
        let h = PasswordHasher::new(2).await.unwrap();
        let hash = h.hash("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(h
            .verify("correct horse battery", Some(&hash))
            .await
            .unwrap());
        assert!(!h.verify("wrong horse battery", Some(&hash)).await.unwrap());
        assert!(!h.verify("correct horse battery", None).await.unwrap());
    }
}
