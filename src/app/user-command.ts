/**
 * `camwatch user add|passwd|disable|list`. The password never comes from argv (it would show in
 * `ps` and in the shell history): it is read from CAMWATCH_PASSWORD or from stdin (first line).
 * Wiring (src/cli.ts):
 *   const user = program.command('user').description('people who may use the HTTP API');
 *   user.command('add').argument('<name>').addOption(new Option('--role <role>').choices(ROLE_NAMES).makeOptionMandatory())
 *     .option('--unit <id>').option('--contractor <id>').addOption(configOption())
 *     .action(async (name, o) => { const app = openApp(o.config); const r = await runUserAdd(app.db, { name, ...o }, await readPassword());
 *                                  app.db.close(); console.log(r.lines.join('\n')); process.exitCode = r.exitCode; });
 *   user.command('passwd').argument('<name>') … runUserPasswd(app.db, name, await readPassword())
 *   user.command('disable').argument('<name>') … runUserDisable(app.db, name)
 *   user.command('list') … runUserList(app.db)
 */
import type { Engine } from '../store/db.js';
import { addUser, disableUser, listUsers, setPassword, UserError } from '../server/auth.js';
import { roleName, userErrorMessages } from '../server/messages.js';
import { ROLE_ALIASES, ROLES, roleOf } from '../store/users.js';
import { translator, type Catalogue, type Locale } from '../i18n/index.js';

export const userMessages = {
  vi: {
    added: 'Đã thêm người dùng {name}: {role}{scope}',
    scopeUnit: ' (đơn vị {id})',
    scopeContractor: ' (nhà thầu {id})',
    passwordChanged: 'Đã đổi mật khẩu của {name}; các phiên đăng nhập của người này đã kết thúc.',
    disabled: 'Đã khóa người dùng {name}; các phiên đăng nhập của người này đã kết thúc.',
    disabledMark: 'đã khóa',
    none: 'Chưa có người dùng nào: camwatch user add <tên> --role admin',
  },
  en: {
    added: 'user {name} added: {role}{scope}',
    scopeUnit: ' (unit {id})',
    scopeContractor: ' (contractor {id})',
    passwordChanged: 'password of {name} changed; its sessions were ended',
    disabled: 'user {name} disabled; its sessions were ended',
    disabledMark: 'disabled',
    none: 'no users yet: camwatch user add <name> --role admin',
  },
} satisfies Catalogue<Record<string, string>>;

/** What `--role` accepts: the roles and their former names. */
export const ROLE_NAMES = [...ROLES, ...Object.keys(ROLE_ALIASES)];
export const PASSWORD_ENV = 'CAMWATCH_PASSWORD';

export interface CommandResult {
  ok: boolean;
  exitCode: number;
  lines: string[];
}

/** CAMWATCH_PASSWORD, else the first line of stdin (piped, or typed at a prompt on a terminal without echo). */
export async function readPassword(env: NodeJS.ProcessEnv = process.env, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (input.isTTY) {
    process.stderr.write('Password: ');
    input.setRawMode(true);
  }
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (value: string) => {
      input.off('data', onData);
      input.off('end', onEnd);
      if (input.isTTY) {
        input.setRawMode(false);
        process.stderr.write('\n');
      }
      input.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (input.isTTY && text.includes('\u0003')) {
        input.setRawMode(false);
        reject(new Error('cancelled'));
        return;
      }
      const end = text.search(/[\r\n]/);
      if (end >= 0) done(text.slice(0, end));
    };
    const onEnd = () => done(text.replace(/[\r\n]+$/, ''));
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', reject);
    input.resume();
  });
}

function failure(error: unknown, locale: Locale): CommandResult {
  if (error instanceof UserError) return { ok: false, exitCode: 2, lines: [translator(userErrorMessages, locale)(error.reason, error.params)] };
  throw error;
}

export async function runUserAdd(
  db: Engine,
  options: { name: string; role: string; unit?: string | undefined; contractor?: string | undefined },
  password: string,
  locale: Locale = 'vi',
): Promise<CommandResult> {
  const t = translator(userMessages, locale);
  try {
    const role = roleOf(options.role);
    if (!role) throw new UserError('bad_role', 'bad_role', { roles: ROLES.join(', ') });
    const user = await addUser(db, { name: options.name, role, unitId: options.unit, contractorId: options.contractor, password });
    const scope = user.unitId ? t('scopeUnit', { id: user.unitId }) : user.contractorId ? t('scopeContractor', { id: user.contractorId }) : '';
    return { ok: true, exitCode: 0, lines: [t('added', { name: user.name, role: roleName(user.role, locale), scope })] };
  } catch (error) {
    return failure(error, locale);
  }
}

export async function runUserPasswd(db: Engine, name: string, password: string, locale: Locale = 'vi'): Promise<CommandResult> {
  try {
    await setPassword(db, name, password);
    return { ok: true, exitCode: 0, lines: [translator(userMessages, locale)('passwordChanged', { name })] };
  } catch (error) {
    return failure(error, locale);
  }
}

export async function runUserDisable(db: Engine, name: string, locale: Locale = 'vi'): Promise<CommandResult> {
  try {
    await disableUser(db, name);
    return { ok: true, exitCode: 0, lines: [translator(userMessages, locale)('disabled', { name })] };
  } catch (error) {
    return failure(error, locale);
  }
}

export async function runUserList(db: Engine, locale: Locale = 'vi'): Promise<CommandResult> {
  const t = translator(userMessages, locale);
  const users = await listUsers(db);
  return {
    ok: true,
    exitCode: 0,
    lines: users.length
      ? users.map((u) => [u.name, roleName(u.role, locale), u.unitId ?? u.contractorId ?? '', u.disabled ? t('disabledMark') : ''].filter(Boolean).join('\t'))
      : [t('none')],
  };
}
