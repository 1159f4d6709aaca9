//! The frame of a signed-in web page in one query: the live session its cookie names, the
//! user's e-mail, their workspaces for the switcher and their standing in the session's
//! workspace. Before issue 15 a page made four queries for these (session, membership check,
//! user, memberships) before its tenant transaction.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Row};

use crate::memberships::{Access, MyTenant};
use crate::sessions::SessionOwner;
use crate::tenants::Tenant;
use crate::{DbError, TenantScope};

/// How many workspaces the switcher lists at most (the session's own always among them).
pub const SWITCHER_LIMIT: i64 = 100;

/// A live web session and what its pages show around their content.
#[derive(Debug, Clone)]
pub struct Frame {
    pub owner: SessionOwner,
    pub email: String,
    /// The user's live workspaces, oldest first, at most [`SWITCHER_LIMIT`].
    pub tenants: Vec<MyTenant>,
    /// The user's standing in the session's workspace; `None` when they are no longer a
    /// member of it or it is deleted.
    pub access: Option<Access>,
}

/// The frame of the token whose SHA-256 is `token_hash`, when it is live at `now` (known, never
/// rotated, not revoked, not expired) and its user exists. A live token means a live family,
/// so [`Frame::access`] holds what [`crate::memberships::authorize`] would answer.
pub async fn load(
    pool: &PgPool,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Frame>, DbError> {
    // The session's own workspace sorts first so the limit never drops it.
    let sql = format!(
        "SELECT s.user_id, s.tenant_id, s.family_id, u.email, mt.*
         FROM platform.sessions s
         JOIN platform.users u ON u.id = s.user_id
         LEFT JOIN LATERAL (
             SELECT m.role, t.*
             FROM platform.memberships m
             JOIN (SELECT {} FROM platform.tenants) t ON t.id = m.tenant_id
             WHERE m.user_id = s.user_id AND t.status <> 'DELETED'
             ORDER BY t.id = s.tenant_id DESC, t.created_at, t.id
             LIMIT $3) mt ON true
         WHERE s.token_hash = $1 AND s.used_at IS NULL AND s.revoked_at IS NULL
           AND s.expires_at > $2",
        crate::tenants::COLUMNS
    );
    let rows = sqlx::query(&sql)
        .bind(token_hash)
        .bind(now)
        .bind(SWITCHER_LIMIT)
        .fetch_all(pool)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let owner = SessionOwner::from_row(first)?;
    let email: String = first.try_get("email")?;
    let mut tenants = rows
        .iter()
        .map(membership)
        .filter_map(Result::transpose)
        .collect::<Result<Vec<_>, DbError>>()?;
    let access = tenants
        .first()
        .filter(|m| m.tenant.id == owner.tenant_id)
        .map(|m| Access {
            user_id: owner.user_id,
            role: m.role.clone(),
            scope: TenantScope::new(m.tenant.id, m.tenant.schema_name.clone()),
            tenant: m.tenant.clone(),
        });
    tenants.sort_by(|a, b| {
        (a.tenant.created_at, a.tenant.id).cmp(&(b.tenant.created_at, b.tenant.id))
    });
    Ok(Some(Frame {
        owner,
        email,
        tenants,
        access,
    }))
}

/// The membership a row carries; `None` for the one row of a user with no workspace.
fn membership(row: &PgRow) -> Result<Option<MyTenant>, DbError> {
    let Some(role) = row.try_get::<Option<String>, _>("role")? else {
        return Ok(None);
    };
    Ok(Some(MyTenant {
        role,
        tenant: Tenant::from_row(row)?,
    }))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::testing::{live_session, register, TestDatabase};

    #[tokio::test]
    async fn the_frame_holds_the_session_its_workspaces_and_its_standing() {
        let t = TestDatabase::create().await;
        let older = register(&t.db, "b@example.org", "Older").await.1.id;
        let (ua, own) = register(&t.db, "a@example.org", "Own").await;
        let own = own.id;
        sqlx::query("INSERT INTO platform.memberships (user_id, tenant_id, role, created_at, updated_at) VALUES ($1, $2, 'VIEWER', now(), now())")
            .bind(ua)
            .bind(older)
            .execute(t.db.owner())
            .await
            .unwrap();
        live_session(&t.db, ua, own, b"in-own").await;
        live_session(&t.db, ua, older, b"in-older").await;
        let now = Utc::now();

        let f = load(t.db.app(), b"in-own", now).await.unwrap().unwrap();
        assert_eq!((f.owner.user_id, f.owner.tenant_id), (ua, own));
        assert_eq!(f.email, "a@example.org");
        let names: Vec<_> = f.tenants.iter().map(|m| m.tenant.name.as_str()).collect();
        assert_eq!(names, ["Older", "Own"], "oldest first");
        let a = f.access.unwrap();
        assert_eq!(
            (a.role.as_str(), a.tenant.id, a.scope.tenant_id()),
            ("OWNER", own, own)
        );

        let f = load(t.db.app(), b"in-older", now).await.unwrap().unwrap();
        assert_eq!(
            f.access.map(|a| (a.role, a.tenant.id)),
            Some(("VIEWER".into(), older))
        );

        // A deleted workspace leaves the switcher, and a session in it has no standing.
        sqlx::query("UPDATE platform.tenants SET status = 'DELETED' WHERE id = $1")
            .bind(older)
            .execute(t.db.owner())
            .await
            .unwrap();
        let f = load(t.db.app(), b"in-older", now).await.unwrap().unwrap();
        assert!(f.access.is_none());
        assert_eq!(f.tenants.len(), 1);

        // Unknown, expired and revoked tokens sign in no one.
        assert!(load(t.db.app(), b"unknown", now).await.unwrap().is_none());
        let later = now + Duration::days(2);
        assert!(load(t.db.app(), b"in-own", later).await.unwrap().is_none());
        sqlx::query("UPDATE platform.sessions SET revoked_at = now() WHERE token_hash = $1")
            .bind(b"in-own".as_slice())
            .execute(t.db.owner())
            .await
            .unwrap();
        assert!(load(t.db.app(), b"in-own", now).await.unwrap().is_none());
    }
}
