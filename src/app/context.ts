/**
 * What every command needs, built in the order that keeps a bad config from touching the DB:
 * config first (exit on error), then ffmpeg, then the store.
 */
import path from 'node:path';
import { loadConfig, resolveFromConfig, type Config } from '../config/load.js';
import { channelSchemas } from '../alerts/channels/index.js';
import { openStore, type Database } from '../store/db.js';
import { locateFfmpeg, type FfmpegBinaries } from '../probe/ffmpeg.js';
import { syncInventory, type SyncReport } from '../inventory/sync.js';
import { OWNER_KEY_FILE, ownerKeys, type OwnerKeys } from '../inventory/sealed-password.js';

export const DEFAULT_CONFIG = process.env.CAMWATCH_CONFIG ?? 'config/camwatch.yaml';

/** What a command that never talks to a camera needs: the config, the store, the evidence folder. */
export interface StoreContext {
  config: Config;
  db: Database;
  dbPath: string;
  sync: SyncReport;
  evidenceDir: string;
}

/** ...and what probing needs on top: every camera's password and ffmpeg. */
export interface AppContext extends StoreContext {
  ffmpeg: FfmpegBinaries;
}

/** The sealing key of owners' camera passwords: CAMWATCH_OWNER_KEY, or the key file beside the database. */
export function appOwnerKeys(dbPath: string | undefined): OwnerKeys {
  return ownerKeys(process.env, dbPath && dbPath !== ':memory:' ? path.join(path.dirname(dbPath), OWNER_KEY_FILE) : undefined);
}

export function databasePath(config: Config): string {
  return resolveFromConfig(config, config.raw.database.path);
}

function openWith(config: Config): StoreContext {
  const dbPath = databasePath(config);
  const { db } = openStore(dbPath);
  const sync = syncInventory(db, config);
  return { config, db, dbPath, sync, evidenceDir: resolveFromConfig(config, config.raw.evidence_dir) };
}

/** For `run`, `check` and the demo: a missing password or ffmpeg stops here, before the store is touched. */
export function openApp(configFile: string): AppContext {
  const config = loadConfig(path.resolve(configFile), process.env, { channels: channelSchemas() });
  const ffmpeg = locateFfmpeg({ ffmpegPath: config.raw.ffmpeg.ffmpeg_path, ffprobePath: config.raw.ffmpeg.ffprobe_path });
  return { ...openWith(config), ffmpeg };
}

/**
 * For commands that never talk to a camera (ack, resolve, user, report, backup, maintenance,
 * reference, false-alarm): an official printing a report needs neither camera passwords nor ffmpeg.
 */
export function openStoreContext(configFile: string): StoreContext {
  return openWith(loadConfig(path.resolve(configFile), process.env, { requireSecrets: false, channels: channelSchemas() }));
}
