/**
 * What every command needs, built in the order that keeps a bad config from touching the DB:
 * config first (exit on error), then ffmpeg, then the store.
 */
import path from 'node:path';
import { loadConfig, resolveFromConfig, type Config } from '../config/load.js';
import { openStore, type Database } from '../store/db.js';
import { locateFfmpeg, type FfmpegBinaries } from '../probe/ffmpeg.js';
import { syncInventory, type SyncReport } from '../inventory/sync.js';

export const DEFAULT_CONFIG = process.env.CAMWATCH_CONFIG ?? 'config/camwatch.yaml';

export interface AppContext {
  config: Config;
  db: Database;
  dbPath: string;
  ffmpeg: FfmpegBinaries;
  sync: SyncReport;
  evidenceDir: string;
}

export function databasePath(config: Config): string {
  return resolveFromConfig(config, config.raw.database.path);
}

export function openApp(configFile: string): AppContext {
  const config = loadConfig(path.resolve(configFile));
  const ffmpeg = locateFfmpeg({ ffmpegPath: config.raw.ffmpeg.ffmpeg_path, ffprobePath: config.raw.ffmpeg.ffprobe_path });
  const dbPath = databasePath(config);
  const { db } = openStore(dbPath);
  const sync = syncInventory(db, config);
  return { config, db, dbPath, ffmpeg, sync, evidenceDir: resolveFromConfig(config, config.raw.evidence_dir) };
}
