#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, resolveFromConfig, type Config } from './config/load.js';
import { DEFAULT_CONFIG, openApp, openStoreContext, databasePath, storeLocation, type AppContext, type StoreContext } from './app/context.js';
import { openQueue, type Queue } from './queue/connection.js';
import os from 'node:os';
import { runCheckCommand } from './app/check-command.js';
import { cliMessages } from './app/messages.js';
import { createLogger } from './log.js';
import { translator, DEFAULT_LOCALE, LOCALES, type Locale } from './i18n/index.js';
import { CHECK_KINDS, type CheckKind } from './probe/check.js';
import { ffmpegVersion, locateFfmpeg } from './probe/ffmpeg.js';
import { openStoreAt } from './store/db.js';
import { copyStore } from './store/copy.js';
import { postgresUrlProblem } from './config/schema.js';
import { localize } from './config/messages.js';
import { readMigrations, schemaVersion, migrate } from './store/migrate.js';
import { NewerSchemaError } from './store/migrate.js';
import { backup } from './health/retention.js';
import { runAckCommand, runResolveCommand } from './app/ack-command.js';
import { changeFalseAlarm } from './health/false-alarms.js';
import { queueAlerts } from './app/alerts.js';
import { channelSchemas } from './alerts/channels/index.js';
import { runReportCommand, REPORT_KINDS, EXPORT_FORMATS } from './app/report-command.js';
import { CSV_DECIMALS, CSV_PRESETS, CSV_SEPARATORS, reportSettingsWarnings } from './reports/index.js';
import { readPassword, runUserAdd, runUserDisable, runUserList, runUserPasswd, ROLE_NAMES, type CommandResult } from './app/user-command.js';
import { GROUP_BY } from './health/uptime-query.js';
import { OWNER_TYPES } from './config/schema.js';
import type { Engine } from './store/db.js';
import { ImageAssessor } from './quality/assess.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { addMaintenance } from './health/maintenance.js';
import { scheduleAdvice } from './app/schedule-advice.js';
import { runDiscoverCommand } from './app/discover-command.js';
import { runOwnerKeyRotate } from './app/owner-key-command.js';
import { DISCOVERY_TIMEOUT_S } from './probe/discovery.js';
// The daemon and the worker (server, scheduler, analysis threads) are imported by the commands that
// run them: loading them takes most of a second, which `--help`, `user` or `check` would pay at each start.

// The database, its WAL, evidence frames, backups and exported reports hold personal data
// (Decree 356/2025): everything camwatch creates is for its own user only (0600 files, 0700 folders).
process.umask(0o077);

/** `camwatch server` that lost the leadership (EX_TEMPFAIL): run it again and it follows. */
const LOST_LEADERSHIP_EXIT = 75;

// An empty CAMWATCH_LANG (a blank line in a unit file) means "not set", not an invalid language.
if (process.env.CAMWATCH_LANG === '') delete process.env.CAMWATCH_LANG;

// `camwatch doctor | head` closes the pipe early: that is the reader being done, not a crash to print.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('camwatch')
  .description('Keeps security cameras honest: checks them over ONVIF/RTSP, records uptime, alerts the responsible people.')
  .version('0.1.0')
  .addOption(new Option('--lang <lang>', "language of messages (default: the config's locale, else vi)").choices(LOCALES).env('CAMWATCH_LANG'))
  .showHelpAfterError();

const configOption = () => new Option('-c, --config <file>', 'config file (YAML)').default(DEFAULT_CONFIG);

/** The `locale` of the config the command opened, once it is loaded. */
let configLocale: Locale | undefined;

/** --lang, else CAMWATCH_LANG, else the config's `locale`, else Vietnamese. */
const explicitLocale = (): Locale | undefined => {
  const source = program.getOptionValueSource('lang');
  return source === 'cli' || source === 'env' ? program.opts<{ lang: Locale }>().lang : undefined;
};
const locale = (): Locale => explicitLocale() ?? configLocale ?? DEFAULT_LOCALE;

/**
 * Every command reads its config through these, so the config's language is known. Only `run`
 * and `check` talk to cameras: the others need neither camera passwords nor ffmpeg.
 */
function load(file: string): Config {
  const config = loadConfig(file, process.env, { requireSecrets: false, channels: channelSchemas() });
  configLocale = config.raw.locale;
  return config;
}
async function openForCameras(file: string): Promise<AppContext> {
  const app = await openApp(file);
  configLocale = app.config.raw.locale;
  return app;
}
async function open(file: string): Promise<StoreContext> {
  const app = await openStoreContext(file);
  configLocale = app.config.raw.locale;
  return app;
}

/**
 * One command on the store: open it, run, close it, print the result's lines (to stderr when stdout
 * carries a file) and set the exit code; failures go through `fail`.
 */
async function onStore(configFile: string, run: (app: StoreContext) => Promise<CommandResult & { stdout?: string }> | (CommandResult & { stdout?: string })): Promise<void> {
  try {
    const app = await open(configFile);
    const result = await run(app);
    await app.db.close();
    print(result);
  } catch (error) {
    fail(error);
  }
}

function print(result: CommandResult & { stdout?: string }): void {
  if (result.stdout !== undefined) {
    process.stdout.write(result.stdout);
    for (const line of result.lines) console.error(line);
  } else console.log(result.lines.join('\n'));
  process.exitCode = result.exitCode;
}

/** The language to tell a failure in: a broken config's own locale, if it says one, unless --lang or CAMWATCH_LANG says otherwise. */
function localeOf(error: unknown): Locale {
  return explicitLocale() ?? (error instanceof ConfigError ? error.locale : undefined) ?? locale();
}

/** Turns known failures into a message and an exit code; anything else is a bug and keeps its stack. */
function fail(error: unknown): never {
  const t = translator(cliMessages, locale());
  if (error instanceof ConfigError) {
    const spoken = localeOf(error);
    const speak = translator(cliMessages, spoken);
    console.error(speak('configInvalid'));
    for (const line of error.lines(spoken)) console.error('  ' + line);
    console.error(speak('configFix'));
    process.exit(2);
  }
  if (error instanceof NewerSchemaError) {
    console.error(error.message);
    process.exit(3);
  }
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

/** The queue of `server` and `worker`, connected under this process's name; an unreachable one is told plainly. */
async function connectQueue(config: Config, role: 'server' | 'worker'): Promise<{ queue: Queue; name: string }> {
  const name = `${role}-${os.hostname()}-${process.pid}`;
  try {
    return { queue: await openQueue(config.raw.queue, process.env, name), name };
  } catch (error) {
    throw new Error(translator(cliMessages, locale())('queueUnreachable', { url: config.raw.queue.url, reason: error instanceof Error ? error.message : String(error) }));
  }
}

/** Runs until SIGINT/SIGTERM, then stops cleanly and exits 0. */
function untilSignal(running: { stop(): Promise<void> }): void {
  const shutdown = () => void running.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

program
  .command('run')
  .description('run the monitoring daemon until stopped (SIGINT/SIGTERM): checks, storage, alerts and the dashboard in one process')
  .addOption(configOption())
  .action(async (options: { config: string }) => {
    try {
      const app = await openForCameras(options.config);
      untilSignal(await (await import('./app/daemon.js')).startDaemon(app, createLogger({ level: app.config.raw.log.level })));
    } catch (error) {
      fail(error);
    }
  });

program
  .command('server')
  .description('the centre: API, dashboard, alerts and the schedule, its checks run by workers through the queue (queue: in the config); several may run, one leads')
  .addOption(configOption())
  .action(async (options: { config: string }) => {
    try {
      const app = await openForCameras(options.config);
      const log = createLogger({ level: app.config.raw.log.level });
      const { queue, name } = await connectQueue(app.config, 'server');
      const onLostLeadership = (why: string) => {
        // Another server leads now: this one must not ingest beside it. Its service manager restarts it as a follower.
        log.error({ why }, 'lost the leadership: exiting');
        process.exit(LOST_LEADERSHIP_EXIT);
      };
      untilSignal(await (await import('./app/daemon.js')).startDaemon(app, log, {}, { kind: 'server', queue, name, onLostLeadership }));
    } catch (error) {
      fail(error);
    }
  });

program
  .command('worker')
  .description('check cameras for the servers: takes checks from the queue (queue: in the config), sends results back; needs no database')
  .addOption(configOption())
  .action(async (options: { config: string }) => {
    try {
      const config = load(options.config);
      const ffmpeg = locateFfmpeg({ ffmpegPath: config.raw.ffmpeg.ffmpeg_path, ffprobePath: config.raw.ffmpeg.ffprobe_path });
      const { queue, name } = await connectQueue(config, 'worker');
      untilSignal(await (await import('./app/worker.js')).startWorker(config, ffmpeg, createLogger({ level: config.raw.log.level }), queue, name));
    } catch (error) {
      fail(error);
    }
  });

program
  .command('check')
  .description('check one camera now and print the result; exit code 1 when it is unhealthy')
  .argument('<camera-id>', 'camera id from the config')
  .addOption(configOption())
  .addOption(new Option('-k, --kind <kind>', 'what to check').choices(CHECK_KINDS).default('full'))
  .option('--json', 'print the result as JSON')
  .action(async (cameraId: string, options: { config: string; kind: CheckKind; json?: boolean }) => {
    try {
      const app = await openForCameras(options.config);
      const outcome = await runCheckCommand(app, cameraId, options.kind, locale());
      await app.db.close();
      if (options.json && outcome.json) console.log(outcome.json);
      else if (options.json) console.error(outcome.lines.join('\n'));
      else console.log(outcome.lines.join('\n'));
      process.exitCode = outcome.exitCode;
    } catch (error) {
      fail(error);
    }
  });

/** `migrate --to postgres`: the installation's SQLite rows into an empty PostgreSQL database. */
async function moveToPostgres(options: { url?: string; config: string }) {
  const url = options.url ?? '';
  try {
    // The config first: its `locale` is the language a refused URL is told in.
    const config = load(options.config);
    const t = translator(cliMessages, locale());
    const problem = postgresUrlProblem(url);
    if (problem) {
      console.error(t('migrateBadUrl', { problem: localize(problem)[locale()] }));
      process.exitCode = 2;
      return;
    }
    const { db: from } = await openStoreAt({ engine: 'sqlite', path: resolveFromConfig(config, config.raw.database.path) });
    const { db: to } = await openStoreAt({ engine: 'postgres', url });
    try {
      const { rows } = await copyStore(from, to);
      const total = Object.values(rows).reduce((sum, n) => sum + n, 0);
      console.log(t('migrateDone', { rows: String(total), from: resolveFromConfig(config, config.raw.database.path), config: options.config, url }));
    } finally {
      await from.close();
      await to.close();
    }
  } catch (error) {
    fail(error);
  }
}

program
  .command('migrate')
  .description('apply pending database migrations (also done at every start); with --to postgres, copy this installation\'s SQLite database into an empty PostgreSQL one')
  .addOption(new Option('--to <engine>', 'move the data to another engine').choices(['postgres']))
  .option('--url <url>', 'with --to postgres: postgres://user@host:5432/database, without the password (give it in PGPASSWORD)')
  .addOption(configOption())
  .action(async (options: { config: string; to?: 'postgres'; url?: string }) => {
    if (options.to) return moveToPostgres(options);
    try {
      const config = load(options.config);
      const { db } = await openStoreAt(storeLocation(config), { migrate: false });
      const applied = await migrate(db);
      const t = translator(cliMessages, locale());
      console.log(applied.length ? t('migrated', { count: applied.length, version: await schemaVersion(db) }) : t('upToDate', { version: await schemaVersion(db) }));
      await db.close();
    } catch (error) {
      fail(error);
    }
  });

program
  .command('doctor')
  .description('show which ffmpeg is used, the database and its schema version, and whether the config is valid')
  .addOption(configOption())
  .action(async (options: { config: string }) => {
    let healthy = true;
    let config: Config | undefined;
    let configError: unknown;
    try {
      config = load(options.config);
    } catch (error) {
      healthy = false;
      configError = error;
    }
    // The config is read first so that its language is known (a broken one's too, if it says it); the lines keep their order.
    const spoken = localeOf(configError);
    const t = translator(cliMessages, spoken);
    const configProblem = configError instanceof ConfigError ? configError.lines(spoken).map((line) => '\n  ' + line).join('') : configError instanceof Error ? configError.message : String(configError);
    console.log(t('doctorNode', { version: process.version }));
    if (config) {
      console.log(t('doctorConfig', { file: options.config, status: t('configValid') }));
      console.log('  ' + t('doctorInventory', { units: config.units.size, contractors: config.raw.contractors.length, cameras: config.raw.cameras.length }));
      if (config.missingSecrets.length > 0) {
        healthy = false;
        console.log('  ' + t('doctorMissingSecrets', { vars: config.missingSecrets.join(', ') }));
      }
      // Reports print dotted lines where these are missing: a warning, not a failure.
      for (const warning of reportSettingsWarnings(config.raw.server?.report, locale())) console.log('  ⚠ ' + warning);
    } else {
      console.log(t('doctorConfig', { file: options.config, status: configProblem }));
    }
    try {
      const ffmpeg = locateFfmpeg({ ffmpegPath: config?.raw.ffmpeg.ffmpeg_path, ffprobePath: config?.raw.ffmpeg.ffprobe_path });
      console.log(t('doctorFfmpeg', { path: ffmpeg.ffmpeg, source: ffmpeg.source }));
      console.log('  ' + t('doctorFfmpegVersion', { version: await ffmpegVersion(ffmpeg.ffmpeg) }));
      console.log(t('doctorFfprobe', { path: ffmpeg.ffprobe }));
    } catch (error) {
      healthy = false;
      console.log(`ffmpeg: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (config) {
      const { db } = await openStoreAt(storeLocation(config), { migrate: false });
      const latest = readMigrations().at(-1)?.version ?? 0;
      const version = await schemaVersion(db);
      console.log(t('doctorDb', { path: databasePath(config), version, latest }));
      if (version > latest) healthy = false;
      // Before the first run there are no checks to time: the advice then assumes durations.
      const schedule = await scheduleAdvice(config, version > 0 && version <= latest ? db : undefined, locale());
      for (const line of schedule.lines) console.log(line);
      if (!schedule.ok) healthy = false;
      await db.close();
    }
    process.exitCode = healthy ? 0 : 1;
  });

for (const [name, description, act] of [
  ['ack', 'acknowledge an incident: reminders and escalation stop, tracking goes on', async (app: StoreContext, id: string, by: string) => await runAckCommand(app.db, id, by, locale())],
  // A hand-closed incident is announced to everyone who was told of it (the daemon sends it).
  ['resolve', 'close an incident by hand (it also closes by itself when the camera recovers)', async (app: StoreContext, id: string, by: string) => await runResolveCommand(app.db, id, by, locale(), Date.now(), queueAlerts(app))],
] as const) {
  program
    .command(name)
    .description(description)
    .argument('<incident>', 'incident number')
    .requiredOption('--by <name>', 'who does it (kept with the incident)')
    .addOption(configOption())
    .action((incident: string, options: { config: string; by: string }) => onStore(options.config, (app) => act(app, incident, options.by)));
}

program
  .command('report')
  .description('uptime, incidents, unclear images, lighting, contractor SLA or coverage for a period, as CSV, XLSX, printable A4 HTML, PDF, Word (DOCX) or JSON')
  .argument('<kind>', REPORT_KINDS.join(' | '))
  .addOption(new Option('--format <format>', 'file format').choices(EXPORT_FORMATS).default('html'))
  .option('--from <day>', 'first day, YYYY-MM-DD (with --to)')
  .option('--to <day>', 'last day, YYYY-MM-DD')
  .option('--month <YYYY-MM>', 'a calendar month')
  .option('--period <YYYY-MM>', 'the official reporting period ending on the 14th of that month')
  .option('--quarter <YYYY-Qn>', 'the official quarter, e.g. 2026-Q1: 15 December 2025 to 14 March 2026')
  .option('--half <YYYY-Hn>', 'the official six months, e.g. 2026-H1: 15 December 2025 to 14 June 2026')
  .option('--year <YYYY>', 'the official year, e.g. 2026: 15 December 2025 to 14 December 2026')
  .option('--unit <id>', 'cameras of this unit and below')
  .option('--contractor <id>', 'cameras of this contractor')
  .addOption(new Option('--owner-type <type>', 'owner type').choices(OWNER_TYPES))
  .addOption(new Option('--group-by <group>', 'uptime by').choices(GROUP_BY))
  .addOption(new Option('--csv <preset>', 'CSV shape: iso (",", decimal point, ISO times) or vi (";", decimal comma, dd/mm/yyyy: for Excel on a Vietnamese Windows)').choices(Object.keys(CSV_PRESETS)))
  .addOption(new Option('--separator <separator>', 'CSV separator, over the preset').choices(Object.keys(CSV_SEPARATORS)))
  .addOption(new Option('--decimal <mark>', 'CSV decimal mark, over the preset').choices(Object.keys(CSV_DECIMALS)))
  .option('--out <file>', 'write to this file (XLSX, PDF and DOCX always go to a file)')
  .addOption(configOption())
  .action((kind: string, options: Record<string, string | undefined> & { config: string }) => onStore(options.config, (app) => runReportCommand(app, { kind, ...options, locale: locale() })));

const user = program.command('user').description('people who may use the web dashboard and the HTTP API (password from CAMWATCH_PASSWORD or stdin, never the command line)');
const userAction =
  <A extends unknown[]>(run: (db: Engine, language: Locale, ...args: A) => Promise<CommandResult> | CommandResult) =>
  // commander passes the declared arguments, then the options, then the command itself.
  (...args: unknown[]) =>
    onStore((args.at(-2) as { config: string }).config, (app) => run(app.db, locale(), ...(args.slice(0, -1) as A)));
user
  .command('add')
  .description('add a user: admin, viewer (read-only, every camera), commune_chief (--unit) or contractor (--contractor)')
  .argument('<name>')
  .addOption(new Option('--role <role>').choices(ROLE_NAMES).makeOptionMandatory())
  .option('--unit <id>', 'the unit a commune chief answers for')
  .option('--contractor <id>', 'the contractor a contractor user works for')
  .addOption(configOption())
  .action(userAction(async (db, language, name: string, o: { role: string; unit?: string; contractor?: string }) => runUserAdd(db, { name, role: o.role, unit: o.unit, contractor: o.contractor }, await readPassword(), language)));
user.command('passwd').description('set a new password').argument('<name>').addOption(configOption()).action(userAction(async (db, language, name: string) => runUserPasswd(db, name, await readPassword(), language)));
user.command('disable').description('disable a user and end their sessions').argument('<name>').addOption(configOption()).action(userAction(async (db, language, name: string) => await runUserDisable(db, name, language)));
user.command('list').description('list users').addOption(configOption()).action(userAction(async (db, language) => await runUserList(db, language)));

program
  .command('reference')
  .description("take the camera's latest frame as its reference view now (after checking it shows the right scene), instead of waiting days of learning")
  .argument('<camera-id>', 'camera id from the config')
  .addOption(configOption())
  .action(async (cameraId: string, options: { config: string }) => {
    try {
      const app = await open(options.config);
      const t = translator(cliMessages, locale());
      const camera = app.config.raw.cameras.find((c) => c.id === cameraId);
      const frame = camera ? await readFile(path.join(app.evidenceDir, cameraId, 'latest.jpg')).catch(() => undefined) : undefined;
      if (!camera || !frame) {
        console.error(t(camera ? 'noLatestFrame' : 'unknownCamera', { id: cameraId, ids: app.config.raw.cameras.map((c) => c.id).join(', ') }));
        process.exitCode = 1;
      } else {
        const { night } = await new ImageAssessor(app.db, app.config.raw.locale).pinReference(camera, frame, Date.now());
        console.log(t(night ? 'referenceSetNight' : 'referenceSetDay', { id: cameraId }));
      }
      await app.db.close();
    } catch (error) {
      fail(error);
    }
  });

program
  .command('false-alarm')
  .description("mark an image finding of a camera as a false alarm: its current picture is normal for it; the camera then reports that fault only when the picture gets worse (--clear withdraws the mark)")
  .argument('<camera-id>', 'camera id from the config')
  .argument('<kind>', 'the finding: blurred, dark, overexposed, covered, noisy, colour_cast or moved')
  .requiredOption('--by <name>', 'who marks it (kept with the mark and in the audit log)')
  .option('--reason <text>', 'why the picture is normal for this camera', '')
  .option('--clear', 'withdraw the active marks of this kind instead')
  .addOption(configOption())
  .action((cameraId: string, kind: string, options: { config: string; by: string; reason: string; clear?: boolean }) =>
    onStore(options.config, (app) => changeFalseAlarm(app, { cameraId, kind, by: options.by, reason: options.reason, clear: options.clear }, locale())),
  );

program
  .command('discover')
  .description('probe the local network for ONVIF cameras (WS-Discovery) and list those not in the config, each with a cameras: entry to add')
  .addOption(configOption())
  .option('--timeout <seconds>', `how long to collect answers (${DISCOVERY_TIMEOUT_S.min}-${DISCOVERY_TIMEOUT_S.max})`, String(DISCOVERY_TIMEOUT_S.default))
  .option('--unit <id>', 'the unit the suggested entries go under (default: the first commune of the config)')
  .option('--interface <address>', 'the IPv4 address of the network interface to probe on (default: as the routing table says)')
  .option('--json', 'print the result as JSON')
  // Only the config is read: discovery needs no database and no camera password.
  .action(async (options: { config: string; timeout: string; unit?: string; interface?: string; json?: boolean }) => {
    try {
      const config = load(options.config);
      print(await runDiscoverCommand(config, { timeoutS: Number(options.timeout), unit: options.unit, interfaceAddress: options.interface, json: options.json ?? false, locale: locale() }));
    } catch (error) {
      fail(error);
    }
  });

program
  .command('owner-key')
  .description('the key sealing the camera passwords owners give (the file owner.key)')
  .command('rotate')
  .description('replace the key file by a new key and seal every stored owner password anew under it, in one transaction (safe to kill and run again)')
  .addOption(configOption())
  .action((options: { config: string }) => onStore(options.config, (app) => runOwnerKeyRotate(app, locale())));

program
  .command('backup')
  .description('copy the database to FILE with SQLite online backup (safe while the daemon runs)')
  .argument('<file>', 'destination file')
  .addOption(configOption())
  .action(async (file: string, options: { config: string }) => {
    try {
      const config = load(options.config);
      const { db } = await openStoreAt(storeLocation(config));
      await backup(db, file);
      await db.close();
      console.log(translator(cliMessages, locale())('backupDone', { file }));
    } catch (error) {
      fail(error);
    }
  });

program
  .command('maintenance')
  .description('plan a maintenance window: no incidents, and excluded from uptime')
  .addOption(configOption())
  .addOption(new Option('--camera <id>', 'one camera').conflicts('unit'))
  .addOption(new Option('--unit <id>', 'every camera of a unit and the units below it'))
  .requiredOption('--from <time>', 'start, ISO 8601 (e.g. 2026-12-01T08:00+07:00)')
  .requiredOption('--to <time>', 'end, ISO 8601')
  .option('--reason <text>', 'why (shown in reports)', '')
  .option('--by <name>', 'who planned it')
  .action(async (options: { config: string; camera?: string; unit?: string; from: string; to: string; reason: string; by?: string }) => {
    try {
      const app = await open(options.config);
      const startsAt = Date.parse(options.from);
      const endsAt = Date.parse(options.to);
      if (Number.isNaN(startsAt) || Number.isNaN(endsAt)) throw new Error(translator(cliMessages, locale())('badTime'));
      const id = await addMaintenance(app.db, { cameraId: options.camera, unitId: options.unit, startsAt, endsAt, reason: options.reason, createdBy: options.by });
      await app.db.close();
      console.log(translator(cliMessages, locale())('maintenanceAdded', { id }));
    } catch (error) {
      fail(error);
    }
  });

program
  .command('demo')
  .description('start simulated cameras and the daemon on config/demo.yaml, printing checks as they happen')
  .option('--config <file>', 'demo config', 'config/demo.yaml')
  .action(async (options: { config: string }) => {
    const { runDemo } = await import('./app/demo.js');
    await runDemo(options.config, explicitLocale()).catch(fail);
  });

await program.parseAsync(process.argv);
