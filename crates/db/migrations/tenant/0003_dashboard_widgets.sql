-- Dashboard widgets (seed 004 §2): tenant defaults (user_id NULL) and per-user overrides.
-- user_id names a platform user; it is not a foreign key (tenant tables reference only their
-- own schema, DESIGN.md §5), and removing a member deletes their widgets.

CREATE TABLE dashboard_widgets (
    tenant_id    uuid NOT NULL DEFAULT (nullif(current_setting('app.tenant_id', true), '')::uuid),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id      uuid,
    widget_type  text NOT NULL,
    position     integer NOT NULL CHECK (position >= 0),
    size         text NOT NULL DEFAULT 'medium' CHECK (size IN ('small', 'medium', 'large')),
    is_visible   boolean NOT NULL DEFAULT true,
    config       jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dashboard_widgets_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT dashboard_widgets_type_key UNIQUE NULLS NOT DISTINCT (tenant_id, user_id, widget_type)
);
CREATE INDEX dashboard_widgets_user_idx ON dashboard_widgets (tenant_id, user_id, position);

ALTER TABLE dashboard_widgets ENABLE ROW LEVEL SECURITY;
ALTER TABLE dashboard_widgets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dashboard_widgets
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));

-- The default layout (wisdomos_core::widgets::DEFAULT_LAYOUT), for new and existing tenants.
INSERT INTO dashboard_widgets (user_id, widget_type, position, size) VALUES
    (NULL, 'overall_score', 0, 'small'),
    (NULL, 'status_distribution', 1, 'small'),
    (NULL, 'needs_attention', 2, 'medium'),
    (NULL, 'recent_activity', 3, 'large'),
    (NULL, 'upcoming_reviews', 4, 'medium'),
    (NULL, 'recurring_patterns', 5, 'medium');
