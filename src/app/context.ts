/**
 * What every command needs, built in the order that keeps a bad config from touching the DB:
 * config first (exit on error), then ffmpeg, then the store.
 */
import path from 'node:path';
import { loadConfig, resolveFromConfig, type Config } from '../config/load.js';
import { channelSchemas } from '../alerts/channels/index.js';
import { openStoreAt, type Engine, type StoreLocation } from '../store/db.js';
import { locateFfmpeg, type FfmpegBinaries } from '../probe/ffmpeg.js';
import { syncInventory, type SyncReport } from '../inventory/sync.js';
import { OWNER_KEY_FILE, ownerKeys, type OwnerKeys } from '../inventory/sealed-password.js';

export const DEFAULT_CONFIG = process.env.CAMWATCH_CONFIG ?? 'config/camwatch.yaml';

/** What a command that never talks to a camera needs: the config, the store, the evidence folder. */
export interface StoreContext {
  config: Config;
  db: Engine;
  dbPath: string;
  sync: SyncReport;
  evidenceDir: string;
}

/** ...and what probing needs on top: every camera's password and ffmpeg. */
export interface AppContext extends StoreContext {
  ffmpeg: FfmpegBinaries;
}

/**
 * The sealing key of owners' camera passwords: CAMWATCH_OWNER_KEY, or the key file beside the
 * SQLite database; with PostgreSQL there is no file beside the database, so it sits beside the config.
 */
export function appOwnerKeys(app: Pick<StoreContext, 'config'> & { dbPath?: string | undefined }): OwnerKeys {
  return ownerKeys(process.env, ownerKeyFile(app));
}

/** The key file of this installation (none for an in-memory database). */
export function ownerKeyFile({ config, dbPath }: Pick<StoreContext, 'config'> & { dbPath?: string | undefined }): string | undefined {
  if (config.raw.database.engine === 'postgres') return resolveFromConfig(config, OWNER_KEY_FILE);
  return dbPath && dbPath !== ':memory:' ? path.join(path.dirname(dbPath), OWNER_KEY_FILE) : undefined;
}

/** The SQLite file, or the PostgreSQL URL (the config refuses one with a password in it). */
export function databasePath(config: Config): string {
  const { database } = config.raw;
  return database.engine === 'postgres' ? (database.url as string) : resolveFromConfig(config, database.path);
}

export function storeLocation(config: Config): StoreLocation {
  return config.raw.database.engine === 'postgres' ? { engine: 'postgres', url: databasePath(config) } : { engine: 'sqlite', path: databasePath(config) };
}

async function openWith(config: Config): Promise<StoreContext> {
  const dbPath = databasePath(config);
  const { db } = await openStoreAt(storeLocation(config));
  const sync = await syncInventory(db, config);
  return { config, db, dbPath, sync, evidenceDir: resolveFromConfig(config, config.raw.evidence_dir) };
}

/** For `run`, `check` and the demo: a missing password or ffmpeg stops here, before the store is touched. */
export async function openApp(configFile: string): Promise<AppContext> {
  const config = loadConfig(path.resolve(configFile), process.env, { channels: channelSchemas() });
  const ffmpeg = locateFfmpeg({ ffmpegPath: config.raw.ffmpeg.ffmpeg_path, ffprobePath: config.raw.ffmpeg.ffprobe_path });
  return { ...await openWith(config), ffmpeg };
}

/**
 * For commands that never talk to a camera (ack, resolve, user, report, backup, maintenance,
 * reference, false-alarm): an official printing a report needs neither camera passwords nor ffmpeg.
 */
export async function openStoreContext(configFile: string): Promise<StoreContext> {
  return await openWith(loadConfig(path.resolve(configFile), process.env, { requireSecrets: false, channels: channelSchemas() }));
}
