//! Authentication: password hashing and tokens.

pub use wisdomos_app::password;
pub mod signin;
pub mod token;

/// Whether two secrets are equal, in time independent of where they differ: both are hashed
/// with SHA-256 first (so their lengths do not show either) and the digests compared with
/// every byte visited.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let (x, y) = (Sha256::digest(a), Sha256::digest(b));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_secrets_only() {
        assert!(super::constant_time_eq(b"token", b"token"));
        assert!(!super::constant_time_eq(b"token", b"tokem"));
        assert!(!super::constant_time_eq(b"token", b"token2"));
        assert!(!super::constant_time_eq(b"", b"token"));
    }
}
