export { directoryFromConfig, type Directory, type ChannelName, type Person } from './directory.js';
export { route, chiefOf, escalationContacts, isHardwareFault, type Recipient, type Route, type AlertKind } from './router.js';
export { createOutboxWriter, planFollowUps, enqueueAlert, requestIdFor, type OutboxSettings } from './outbox.js';
export { Dispatcher, type DispatcherOptions, type TickReport } from './dispatcher.js';
export { buildChannels, configuredChannels } from './channels/index.js';
export { renderAlert, alertMessages } from './messages.js';

import type { AlertsConfig } from '../config/schema.js';

/** Environment variables the alert channels read that are not set (to warn at start). */
export function missingAlertSecrets(config: AlertsConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const { zalo, sms, email, webhook, telegram } = config.channels;
  const names = [
    zalo?.secret_key_env,
    zalo?.refresh_token_env,
    email?.password_env,
    webhook?.secret_env,
    telegram?.token_env,
    sms?.auth?.user_env,
    sms?.auth?.password_env,
    sms?.auth?.token_env,
    ...Object.values(sms?.secrets ?? {}),
    ...(sms?.preset === 'esms' && !sms.secrets ? ['ESMS_API_KEY', 'ESMS_SECRET_KEY'] : []),
    ...(sms?.preset === 'speedsms' && !sms.auth ? ['SPEEDSMS_ACCESS_TOKEN'] : []),
  ];
  return [...new Set(names.filter((n): n is string => Boolean(n) && !env[n as string]))];
}
