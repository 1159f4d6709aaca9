//! [`Scoped`]: a tenant request whose membership check rides in the BEGIN of its transaction
//! (issue 15). The extractor only verifies the access token and finds the tenant — no database
//! — so the handler parses its input first and then opens the transaction with
//! [`Scoped::open`]: `BEGIN`, the scoping and `platform.member_access` travel as one simple
//! query on the tenant's own connection, one round trip where [`TenantCtx`] and
//! `TenantTx::begin` take two. The answers are those of [`TenantCtx`]: 401, 404 for a path's
//! tenant the caller is not a member of, 403.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use uuid::Uuid;
use wisdomos_db::TenantTx;

use crate::auth::token::Claims;
use crate::extract::{path_tenant, refusal, AuthUser, Need, TenantCtx};
use crate::{ApiError, AppState};

/// The verified caller and the tenant they address, not yet checked against the database.
pub struct Scoped<N: Need> {
    claims: Claims,
    /// The `{tenantId}`/`{orgId}` of the path, when the route names one.
    named: Option<Uuid>,
    _need: PhantomData<N>,
}

impl<N: Need> FromRequestParts<AppState> for Scoped<N> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AuthUser(claims) = AuthUser::from_request_parts(parts, state).await?;
        let named = path_tenant(parts, state).await?;
        Ok(Self {
            claims,
            named,
            _need: PhantomData,
        })
    }
}

impl<N: Need> Scoped<N> {
    /// Checks the caller's standing and opens the tenant transaction. The token's own tenant
    /// is checked inside the BEGIN; a tenant named by the path is checked first on the app
    /// pool (an arbitrary id from a path must not make a tenant connection). A lagging tenant
    /// is migrated before its transaction opens.
    pub async fn open(&self, st: &AppState) -> Result<(TenantCtx<N>, TenantTx), ApiError> {
        let c = &self.claims;
        if let Some(tenant) = self.named.filter(|t| *t != c.tid) {
            let ctx = TenantCtx::<N>::authorize(st, c.sub, tenant, c.sid, true).await?;
            let tx = TenantTx::begin(&st.db, &ctx.scope).await?;
            return Ok((ctx, tx));
        }
        let Some((tx, access)) = TenantTx::begin_for_member(&st.db, c.tid, c.sub, c.sid).await?
        else {
            return Err(refusal(st, c.sub, c.sid, self.named.is_some()).await);
        };
        let ctx = TenantCtx::<N>::admitted(access)?;
        if ctx.lagging() {
            // The migration takes the tenant's locks: this transaction must not hold them.
            tx.rollback().await?;
            ctx.migrate_if_lagging(st).await?;
            let tx = TenantTx::begin(&st.db, &ctx.scope).await?;
            return Ok((ctx, tx));
        }
        Ok((ctx, tx))
    }
}
