/**
 * `camwatch ack <incident> --by NAME` and `camwatch resolve <incident> --by NAME`: reads the
 * arguments, runs the transition (src/health/manual.ts) and says what happened.
 */
import type { Engine } from '../store/db.js';
import { acknowledgeByHand, describeManual, resolveByHand, type ManualOutcome } from '../health/manual.js';
import type { HealthEvent } from '../health/engine.js';
import { translator, type Catalogue, type Locale } from '../i18n/index.js';

export const ackMessages = {
  vi: {
    badId: 'Mã sự cố "{id}" không hợp lệ: dùng số, ví dụ camwatch ack 12 --by "Nguyễn Văn A".',
    noBy: 'Cần ghi tên người tiếp nhận: --by "<họ tên>".',
    notFound: 'Không có sự cố #{id}.',
  },
  en: {
    badId: 'Incident id "{id}" is not valid: use a number, e.g. camwatch ack 12 --by "Nguyen Van A".',
    noBy: 'Say who acknowledges: --by "<name>".',
    notFound: 'There is no incident #{id}.',
  },
} satisfies Catalogue<Record<string, string>>;

export interface CommandResult {
  ok: boolean;
  exitCode: number;
  lines: string[];
}

async function run(rawId: string | number, by: string, locale: Locale, transition: (id: number, by: string) => Promise<ManualOutcome | undefined>): Promise<CommandResult> {
  const t = translator(ackMessages, locale);
  const id = typeof rawId === 'number' ? rawId : Number(String(rawId).replace(/^#/, ''));
  if (!Number.isInteger(id) || id <= 0) return { ok: false, exitCode: 2, lines: [t('badId', { id: String(rawId) })] };
  if (!by.trim()) return { ok: false, exitCode: 2, lines: [t('noBy')] };
  const outcome = await transition(id, by.trim());
  if (!outcome) return { ok: false, exitCode: 1, lines: [t('notFound', { id })] };
  return { ok: true, exitCode: 0, lines: [describeManual(outcome, locale)] };
}

export async function runAckCommand(db: Engine, rawId: string | number, by: string, locale: Locale = 'vi', now = Date.now()): Promise<CommandResult> {
  return run(rawId, by, locale, async (id, name) => await acknowledgeByHand(db, id, name, now));
}

/** `notify`: the alert outbox's writer (src/app/alerts.ts `queueAlerts`), so the closing is announced. */
export async function runResolveCommand(db: Engine, rawId: string | number, by: string, locale: Locale = 'vi', now = Date.now(), notify?: (event: HealthEvent) => void | Promise<void>): Promise<CommandResult> {
  return run(rawId, by, locale, async (id, name) => await resolveByHand(db, id, name, now, notify));
}
