/**
 * `camwatch owner-key rotate`: the key sealing owners' camera passwords replaced by a new one,
 * every password sealed anew under it in one transaction (src/inventory/owner-key-rotation.ts).
 * Only the key file: a key given as CAMWATCH_OWNER_KEY is the administrator's to change.
 */
import { translator, type Catalogue, type Locale } from '../i18n/index.js';
import { rotateOwnerKey, RotationError } from '../inventory/owner-key-rotation.js';
import { OWNER_KEY_ENV } from '../inventory/sealed-password.js';
import type { CommandResult } from './ack-command.js';
import { ownerKeyFile, type StoreContext } from './context.js';

export const ownerKeyMessages = {
  vi: {
    rotated: 'Đã thay khóa mã hóa mật khẩu camera trong {file}; số mật khẩu được mã hóa lại bằng khóa mới: {count}. Hãy sao lưu tệp khóa mới; bản sao lưu cơ sở dữ liệu làm trước lúc này cần khóa cũ, nay không còn.',
    fromEnvironment: 'Khóa đang lấy từ biến môi trường {env}: lệnh này chỉ thay khóa trong tệp. Hãy bỏ {env} để dùng tệp khóa, hoặc tự thay khóa đó.',
    noKey: 'Chưa có tệp khóa {file}: chưa có mật khẩu camera nào được lưu, không có gì để thay.',
    noKeyFile: 'Cơ sở dữ liệu trong bộ nhớ không có tệp khóa.',
    unreadable: 'Mật khẩu của đăng ký số {id} không mở được bằng khóa cũ lẫn khóa mới; chưa thay đổi gì. Hãy nhập lại mật khẩu camera đó rồi chạy lại.',
  },
  en: {
    rotated: 'The key sealing camera passwords in {file} was replaced; passwords sealed anew under the new key: {count}. Back the new key file up; database backups made before now need the old key, which is gone.',
    fromEnvironment: 'The key comes from the environment variable {env}: this command replaces only the key file. Unset {env} to use the key file, or replace that key yourself.',
    noKey: 'No key file {file} yet: no camera password has been stored, nothing to replace.',
    noKeyFile: 'An in-memory database has no key file.',
    unreadable: 'The password of registration {id} opens with neither the old key nor the new one; nothing was changed. Give that camera password again and run this again.',
  },
} satisfies Catalogue<Record<string, string>>;

export async function runOwnerKeyRotate(app: Pick<StoreContext, 'config' | 'db' | 'dbPath'>, locale: Locale, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<CommandResult> {
  const t = translator(ownerKeyMessages, locale);
  if (env[OWNER_KEY_ENV]?.trim()) return { ok: false, exitCode: 1, lines: [t('fromEnvironment', { env: OWNER_KEY_ENV })] };
  const file = ownerKeyFile(app);
  if (!file) return { ok: false, exitCode: 1, lines: [t('noKeyFile')] };
  try {
    const { resealed } = await rotateOwnerKey(app.db, file, 'owner-key rotate', now);
    return { ok: true, exitCode: 0, lines: [t('rotated', { file, count: resealed })] };
  } catch (error) {
    if (error instanceof RotationError && error.reason === 'no_key') return { ok: false, exitCode: 1, lines: [t('noKey', { file })] };
    if (error instanceof RotationError) return { ok: false, exitCode: 1, lines: [t('unreadable', { id: error.registrationId ?? 0 })] };
    throw error;
  }
}
