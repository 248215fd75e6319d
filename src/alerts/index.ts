export { directoryFromConfig, type Directory, type Person } from './directory.js';
export { route, chiefOf, escalationContacts, isHardwareFault, type Recipient, type Route, type AlertKind } from './router.js';
export { createOutboxWriter, planFollowUps, enqueueAlert, requestIdFor, type OutboxSettings } from './outbox.js';
export { Dispatcher, type DispatcherOptions, type TickReport } from './dispatcher.js';
export { CHANNELS, buildChannels, configuredChannels, missingAlertSecrets } from './channels/index.js';
export { renderAlert, alertMessages } from './messages.js';
