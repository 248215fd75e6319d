-- PostgreSQL twin of ../014_evidence_index.sql: the same indexes (on every month's partition of checks).
-- The retention pass forgets each evidence image it deletes: without an index, each forgetting
-- read every raw check. Only rows that name an image are indexed.
CREATE INDEX checks_evidence ON checks(evidence_path) WHERE evidence_path IS NOT NULL;
CREATE INDEX incidents_evidence ON incidents(evidence_path) WHERE evidence_path IS NOT NULL;
