-- PostgreSQL twin of ../013_uptime_monthly.sql: the same table, kept in step with uptime_daily by
-- one trigger function (test/store/schema.test.ts compares the columns).
-- Monthly uptime sums (issue 15, item 5): a year's report reads twelve rows a camera instead of
-- 365. src/store/uptime.ts owns the table. Months are local, as days are: 'YYYY-MM'.
CREATE TABLE uptime_monthly (
  camera_id       TEXT NOT NULL,
  month           TEXT NOT NULL,                      -- YYYY-MM in Asia/Ho_Chi_Minh (the days' month)
  known_ms        BIGINT NOT NULL DEFAULT 0,
  up_ms           BIGINT NOT NULL DEFAULT 0,
  image_ok_ms     BIGINT NOT NULL DEFAULT 0,
  maintenance_ms  BIGINT NOT NULL DEFAULT 0,
  checks          BIGINT NOT NULL DEFAULT 0,
  failures        BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, camera_id)
);

INSERT INTO uptime_monthly (camera_id, month, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures)
  SELECT camera_id, substr(day, 1, 7), SUM(known_ms), SUM(up_ms), SUM(image_ok_ms), SUM(maintenance_ms), SUM(checks), SUM(failures)
  FROM uptime_daily GROUP BY substr(day, 1, 7), camera_id;

-- An update adds its change to the month. A day's key never changes (camwatch only adds to a
-- day): changing one by hand is refused rather than followed, as on SQLite.
CREATE FUNCTION uptime_monthly_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO uptime_monthly AS m (camera_id, month, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures)
      VALUES (NEW.camera_id, substr(NEW.day, 1, 7), NEW.known_ms, NEW.up_ms, NEW.image_ok_ms, NEW.maintenance_ms, NEW.checks, NEW.failures)
      ON CONFLICT (month, camera_id) DO UPDATE SET known_ms = m.known_ms + excluded.known_ms, up_ms = m.up_ms + excluded.up_ms,
        image_ok_ms = m.image_ok_ms + excluded.image_ok_ms, maintenance_ms = m.maintenance_ms + excluded.maintenance_ms,
        checks = m.checks + excluded.checks, failures = m.failures + excluded.failures;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.camera_id <> OLD.camera_id OR NEW.day <> OLD.day) THEN
    RAISE EXCEPTION 'uptime_daily: a day''s camera and day do not change';
  END IF;
  -- UPDATE: the new row less the old one; DELETE: less the old one.
  UPDATE uptime_monthly m SET known_ms = m.known_ms - OLD.known_ms, up_ms = m.up_ms - OLD.up_ms, image_ok_ms = m.image_ok_ms - OLD.image_ok_ms,
      maintenance_ms = m.maintenance_ms - OLD.maintenance_ms, checks = m.checks - OLD.checks, failures = m.failures - OLD.failures
    WHERE m.month = substr(OLD.day, 1, 7) AND m.camera_id = OLD.camera_id;
  IF TG_OP = 'UPDATE' THEN
    UPDATE uptime_monthly m SET known_ms = m.known_ms + NEW.known_ms, up_ms = m.up_ms + NEW.up_ms, image_ok_ms = m.image_ok_ms + NEW.image_ok_ms,
        maintenance_ms = m.maintenance_ms + NEW.maintenance_ms, checks = m.checks + NEW.checks, failures = m.failures + NEW.failures
      WHERE m.month = substr(NEW.day, 1, 7) AND m.camera_id = NEW.camera_id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER uptime_monthly_follow AFTER INSERT OR UPDATE OR DELETE ON uptime_daily
  FOR EACH ROW EXECUTE FUNCTION uptime_monthly_follow();
