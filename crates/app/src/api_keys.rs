//! A workspace's API keys for its assistant: created (the key shown once, only its SHA-256
//! kept), listed, revoked; and a presented key checked.
//!
//! A key is `wos_` followed by 43 characters of URL-safe base64 (32 random bytes, 256 bits), so
//! a fast hash suffices (no password stretching needed); it travels only in the
//! `Authorization: Bearer` header, never in a URL.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use wisdomos_core::validation::bounded_text;
use wisdomos_db::api_keys::{self, ApiKey};
use wisdomos_db::audit::NewAuditEvent;
use wisdomos_db::{Database, TenantTx};

use crate::AppError;

/// What every key starts with, so a leaked one is recognisable (secret scanners).
pub const KEY_PREFIX: &str = "wos_";
/// Keys a workspace may hold at once (revoked ones aside).
pub const KEYS_MAX: usize = 50;

fn hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

/// Creates a key named `name` (1–100 characters) by member `by`; returns it with the key
/// itself, which is never shown again. `audit` is the caller's `api_key.created` event.
/// Errors: validation of `name`; conflict `too_many_keys` past [`KEYS_MAX`] live keys.
pub async fn create(
    tx: &mut TenantTx,
    name: &str,
    by: Uuid,
    mut audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<(ApiKey, String), AppError> {
    let name = bounded_text("name", name, 1, 100)?;
    let live = api_keys::list(tx)
        .await?
        .iter()
        .filter(|k| k.revoked_at.is_none())
        .count();
    if live >= KEYS_MAX {
        return Err(AppError::Conflict("too_many_keys"));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let key = format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let prefix: String = key.chars().take(KEY_PREFIX.len() + 6).collect();
    audit.metadata = serde_json::json!({ "name": name, "prefix": prefix });
    let stored = api_keys::create(tx, &name, &prefix, &hash(&key), Some(by), &audit, now).await?;
    Ok((stored, key))
}

/// The workspace's keys, newest first (never the keys themselves).
pub async fn list(tx: &mut TenantTx) -> Result<Vec<ApiKey>, AppError> {
    Ok(api_keys::list(tx).await?)
}

/// Revokes key `id`; `audit` is the caller's `api_key.revoked` event. Errors: not found.
pub async fn revoke(
    tx: &mut TenantTx,
    id: Uuid,
    audit: NewAuditEvent,
    now: DateTime<Utc>,
) -> Result<ApiKey, AppError> {
    Ok(api_keys::revoke(tx, id, &audit, now).await?)
}

/// The `(key id, workspace id)` of a presented live key, or `None` (unknown, revoked, or of a
/// deleted workspace).
pub async fn authenticate(
    db: &Database,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, Uuid)>, AppError> {
    if !key.starts_with(KEY_PREFIX) || key.len() > 100 {
        return Ok(None);
    }
    Ok(api_keys::authenticate(db.app(), &hash(key), now).await?)
}
