-- Workspace slugs are unique per owner, not across the platform: "slug taken" then tells a user
-- about their own workspaces only, never whether someone else's exists (issue 10).
DROP INDEX tenants_slug_key;
CREATE UNIQUE INDEX tenants_slug_key ON tenants (owner_id, slug) WHERE status <> 'DELETED';
