-- Course slugs are unique within their organization, platform-wide courses (no organization)
-- forming one namespace of their own, so a slug another organization's draft holds tells an
-- author nothing.
ALTER TABLE courses DROP CONSTRAINT courses_slug_key;
CREATE UNIQUE INDEX courses_slug_per_org ON courses (slug, org_id) NULLS NOT DISTINCT;
