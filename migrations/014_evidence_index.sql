-- The retention pass forgets each evidence image it deletes (src/health/retention.ts): without an
-- index, each forgetting read every raw check, a whole scan of 30 days' rows per image that held
-- the event loop for seconds (issue 15, item 5). Only rows that name an image are indexed.
CREATE INDEX checks_evidence ON checks(evidence_path) WHERE evidence_path IS NOT NULL;
CREATE INDEX incidents_evidence ON incidents(evidence_path) WHERE evidence_path IS NOT NULL;
