import pino, { type Logger, type LoggerOptions } from 'pino';
import { redactUrlCredentials } from './redact.js';

export type { Logger };

/** Keys whose values are secrets wherever they appear in a log object. */
const SECRET_KEYS = ['password', 'pass', 'passwd', 'secret', 'token', 'access_token', 'refresh_token', 'authorization'];

function redactPaths(): string[] {
  return SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
}

function scrubStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (value instanceof Error) {
    return { type: value.name, message: redactUrlCredentials(value.message), stack: redactUrlCredentials(value.stack ?? '') };
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubStrings(item, depth + 1);
  return out;
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.CAMWATCH_LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths(), censor: '***' },
    hooks: {
      // Messages and string fields may carry URLs with user:password@ (ffmpeg stderr, errors).
      logMethod(args, method) {
        method.apply(this, args.map((arg) => scrubStrings(arg)) as Parameters<typeof method>);
      },
    },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
