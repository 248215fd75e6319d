-- PostgreSQL twin of ../008_viewer_role.sql: the role "district_viewer" is now "viewer".
-- PostgreSQL changes a CHECK constraint in place: no table rebuild.
ALTER TABLE users DROP CONSTRAINT users_role_check;
UPDATE users SET role = 'viewer' WHERE role = 'district_viewer';
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'viewer', 'commune_chief', 'contractor'));
