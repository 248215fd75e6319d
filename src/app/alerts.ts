/**
 * Alerts in the daemon: the outbox writer that the health engine calls inside its transaction,
 * and the dispatcher that delivers. Wiring (src/cli.ts):
 *   const alerts = startAlerts(app, log);
 *   const daemon = startDaemon(app, log, { onHealthEvent: alerts.onHealthEvent });
 *   // on shutdown: await alerts.stop() BEFORE daemon.stop() (which closes the DB)
 */
import type { AppContext, StoreContext } from './context.js';
import type { Logger } from '../log.js';
import type { HealthEvent } from '../health/engine.js';
import { directoryFromConfig } from '../alerts/directory.js';
import { createOutboxWriter, enqueueSecurityAlarm, planFollowUps, type OutboxSettings } from '../alerts/outbox.js';
import { translator, type Catalogue } from '../i18n/index.js';
import { Dispatcher } from '../alerts/dispatcher.js';
import { CHANNELS, buildChannels, configuredChannels, missingAlertSecrets, withChannelSections } from '../alerts/channels/index.js';

export interface AlertsHandle {
  /** give to startDaemon as hooks.onHealthEvent; runs inside the incident's transaction */
  onHealthEvent(event: HealthEvent): Promise<void>;
  stop(): Promise<void>;
  dispatcher?: Dispatcher | undefined;
}

export interface StartAlertsOptions {
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  /** false: do not start the polling loop (tests call dispatcher.tick()) */
  autoStart?: boolean;
  /** the leader's fence (src/app/fence.ts), checked with each alert's claim */
  fence?: (() => Promise<void>) | undefined;
}

/** The alerts config, its channel sections checked and completed; undefined when alerts are off. */
function alertsConfigOf(app: Pick<StoreContext, 'config'>) {
  const config = app.config.raw.alerts;
  return config?.enabled ? withChannelSections(config) : undefined;
}

function outboxOf(app: Pick<StoreContext, 'config' | 'db'>, now: () => number) {
  const config = alertsConfigOf(app);
  if (!config) return undefined;
  const directory = directoryFromConfig(app.config);
  const settings: OutboxSettings = { alerts: config, locale: app.config.raw.locale, timeZone: app.config.raw.timezone, configured: configuredChannels(config), now };
  return { writer: createOutboxWriter(app.db, directory, settings), directory, settings };
}

/**
 * For a command that records checks outside the daemon (`camwatch check`): incidents it opens or
 * closes queue their messages in the outbox, like the daemon's, and the running daemon's
 * dispatcher delivers them. Without it such incidents would never be announced, reminded or
 * escalated. Undefined when alerts are off.
 */
export function queueAlerts(app: Pick<StoreContext, 'config' | 'db'>, now: () => number = Date.now): ((event: HealthEvent) => void | Promise<void>) | undefined {
  return outboxOf(app, now)?.writer;
}

export const securityMessages = {
  vi: {
    guessingSubject: 'Cảnh báo an ninh: có người dò mật khẩu tài khoản "{user}"',
    guessingText:
      'Tài khoản "{user}" đăng nhập sai từ {addresses} địa chỉ khác nhau trong 15 phút qua: có thể có người đang dò mật khẩu. Xem nhật ký truy cập trên bảng điều khiển và đổi mật khẩu nếu cần.',
  },
  en: {
    guessingSubject: 'Security alarm: someone is guessing the password of "{user}"',
    guessingText:
      'Logins as "{user}" failed from {addresses} different addresses in the last 15 minutes: someone may be guessing the password. See the access log on the dashboard and change the password if needed.',
  },
} satisfies Catalogue<Record<string, string>>;

/**
 * For the HTTP server: password guessing is sent to the administrators through the outbox (the
 * dispatcher delivers it), in the config's language. Undefined when alerts are off.
 */
export function passwordGuessingAlarm(app: Pick<StoreContext, 'config' | 'db'>, now: () => number = Date.now): ((userName: string, addresses: number) => void | Promise<void>) | undefined {
  const outbox = outboxOf(app, now);
  if (!outbox) return undefined;
  const t = translator(securityMessages, app.config.raw.locale);
  return async (user, addresses) => {
    await enqueueSecurityAlarm(app.db, outbox.directory, outbox.settings, { key: `login:${user}`, subject: t('guessingSubject', { user }), text: t('guessingText', { user, addresses }) }, now());
  };
}

export function startAlerts(app: AppContext, log: Logger, options: StartAlertsOptions = {}): AlertsHandle {
  const config = alertsConfigOf(app);
  if (!config) {
    log.info('alerts are not configured (no alerts: section, or enabled: false); incidents are recorded but nobody is told');
    return { async onHealthEvent() {}, async stop() {} };
  }
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const configured = configuredChannels(config);
  if (configured.size === 0) log.warn('alerts: no channel is configured under alerts.channels; alerts are queued but cannot be sent');
  const alone = configured.size === 1 ? CHANNELS.find((channel) => configured.has(channel.name))?.aloneWarning : undefined;
  if (alone) log.warn(`alerts: ${alone}`);
  const missing = missingAlertSecrets(config, env);
  if (missing.length > 0) log.warn({ missing }, 'alerts: environment variables for channel secrets are not set; those channels will fail until they are');

  const { writer, directory, settings } = outboxOf(app, now)!;
  const dispatcher = new Dispatcher(app.db, {
    channels: buildChannels(config, { db: app.db, env, now }),
    now,
    maxAttempts: config.max_attempts,
    retryFirstMs: config.retry_first_s * 1000,
    retryMaxMs: config.retry_max_s * 1000,
    sendingTimeoutMs: config.sending_timeout_s * 1000,
    sendDeadlineMs: config.send_deadline_s * 1000,
    log: log.child({ module: 'alerts' }),
    plan: async (at) => await planFollowUps(app.db, directory, settings, at),
    fence: options.fence,
  });
  if (options.autoStart !== false) dispatcher.start(config.poll_interval_s * 1000);
  log.info({ channels: [...configured] }, 'alerts started');
  return {
    async onHealthEvent(event) {
      await writer(event);
      dispatcher.kick();
    },
    stop: () => dispatcher.stop(),
    dispatcher,
  };
}
