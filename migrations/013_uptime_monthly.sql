-- Monthly uptime sums (issue 15, item 5): a year's report reads twelve rows a camera instead of
-- 365. The month's row follows its days' rows through triggers, so that whatever writes
-- uptime_daily (the write path, a copy, a fix by hand) cannot leave the two apart; reads are
-- src/store/uptime.ts's, which owns the table. Months are local, as days are: 'YYYY-MM'.
CREATE TABLE uptime_monthly (
  camera_id       TEXT NOT NULL,
  month           TEXT NOT NULL,                      -- YYYY-MM in Asia/Ho_Chi_Minh (the days' month)
  known_ms        INTEGER NOT NULL DEFAULT 0,
  up_ms           INTEGER NOT NULL DEFAULT 0,
  image_ok_ms     INTEGER NOT NULL DEFAULT 0,
  maintenance_ms  INTEGER NOT NULL DEFAULT 0,
  checks          INTEGER NOT NULL DEFAULT 0,
  failures        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, camera_id)
) WITHOUT ROWID;

INSERT INTO uptime_monthly (camera_id, month, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures)
  SELECT camera_id, substr(day, 1, 7), SUM(known_ms), SUM(up_ms), SUM(image_ok_ms), SUM(maintenance_ms), SUM(checks), SUM(failures)
  FROM uptime_daily GROUP BY substr(day, 1, 7), camera_id;

CREATE TRIGGER uptime_monthly_insert AFTER INSERT ON uptime_daily BEGIN
  INSERT INTO uptime_monthly (camera_id, month, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures)
    VALUES (NEW.camera_id, substr(NEW.day, 1, 7), NEW.known_ms, NEW.up_ms, NEW.image_ok_ms, NEW.maintenance_ms, NEW.checks, NEW.failures)
    ON CONFLICT (month, camera_id) DO UPDATE SET known_ms = known_ms + excluded.known_ms, up_ms = up_ms + excluded.up_ms,
      image_ok_ms = image_ok_ms + excluded.image_ok_ms, maintenance_ms = maintenance_ms + excluded.maintenance_ms,
      checks = checks + excluded.checks, failures = failures + excluded.failures;
END;

-- An update adds its change to the month. A day's key never changes (camwatch only adds to a
-- day): changing one by hand is refused rather than followed.
CREATE TRIGGER uptime_daily_key BEFORE UPDATE OF camera_id, day ON uptime_daily
  WHEN NEW.camera_id <> OLD.camera_id OR NEW.day <> OLD.day BEGIN
  SELECT RAISE(ABORT, 'uptime_daily: a day''s camera and day do not change');
END;

CREATE TRIGGER uptime_monthly_update AFTER UPDATE ON uptime_daily BEGIN
  UPDATE uptime_monthly SET known_ms = known_ms + NEW.known_ms - OLD.known_ms, up_ms = up_ms + NEW.up_ms - OLD.up_ms,
      image_ok_ms = image_ok_ms + NEW.image_ok_ms - OLD.image_ok_ms, maintenance_ms = maintenance_ms + NEW.maintenance_ms - OLD.maintenance_ms,
      checks = checks + NEW.checks - OLD.checks, failures = failures + NEW.failures - OLD.failures
    WHERE month = substr(NEW.day, 1, 7) AND camera_id = NEW.camera_id;
END;

CREATE TRIGGER uptime_monthly_delete AFTER DELETE ON uptime_daily BEGIN
  UPDATE uptime_monthly SET known_ms = known_ms - OLD.known_ms, up_ms = up_ms - OLD.up_ms, image_ok_ms = image_ok_ms - OLD.image_ok_ms,
      maintenance_ms = maintenance_ms - OLD.maintenance_ms, checks = checks - OLD.checks, failures = failures - OLD.failures
    WHERE month = substr(OLD.day, 1, 7) AND camera_id = OLD.camera_id;
END;
