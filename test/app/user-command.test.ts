import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { runUserAdd, runUserDisable, runUserList } from '../../src/app/user-command.js';
import { UserError } from '../../src/server/auth.js';

const PASSWORD = 'Mật-khẩu-đủ-mạnh-2026';

describe('camwatch user, in the language of the command', () => {
  it('names roles in words and says why a user cannot be added, in Vietnamese', async () => {
    const { db } = await openStore(':memory:');
    expect((await runUserAdd(db, { name: 'ubnd-xa', role: 'viewer' }, PASSWORD, 'vi')).lines).toEqual(['Đã thêm người dùng ubnd-xa: xem toàn bộ (chỉ đọc) (viewer)']);
    expect((await runUserAdd(db, { name: 'ubnd-xa', role: 'viewer' }, PASSWORD, 'vi')).lines).toEqual(['Người dùng "ubnd-xa" đã có.']);
    expect((await runUserAdd(db, { name: 'ai', role: 'admin' }, 'ngắn', 'vi')).lines).toEqual(['Mật khẩu cần ít nhất 10 ký tự.']);
    expect((await runUserAdd(db, { name: 'x', role: 'boss' }, PASSWORD, 'vi')).lines).toEqual(['Vai trò phải là một trong: admin, viewer, commune_chief, contractor.']);
    expect((await runUserAdd(db, { name: 'chief', role: 'commune_chief', unit: 'nowhere' }, PASSWORD, 'vi')).lines).toEqual(['Không có đơn vị "nowhere".']);
    expect((await runUserDisable(db, 'nobody', 'vi')).lines).toEqual(['Không có người dùng "nobody".']);
    expect((await runUserList(db, 'vi')).lines).toEqual(['ubnd-xa\txem toàn bộ (chỉ đọc) (viewer)']);
    expect((await runUserAdd(db, { name: 'ubnd-xa', role: 'viewer' }, PASSWORD, 'en')).lines).toEqual(['User "ubnd-xa" exists already.']);
    await db.close();
  });

  it('refuses to disable the last active administrator, and says why', async () => {
    const { db } = await openStore(':memory:');
    await runUserAdd(db, { name: 'quan-tri', role: 'admin' }, PASSWORD, 'vi');
    const refused = await runUserDisable(db, 'quan-tri', 'vi');
    expect(refused.exitCode).toBe(2);
    expect(refused.lines[0]).toMatch(/^"quan-tri" là quản trị viên cuối cùng còn hoạt động: .*không còn ai quản lý được người dùng/);
    await runUserAdd(db, { name: 'quan-tri-2', role: 'admin' }, PASSWORD, 'vi');
    expect((await runUserDisable(db, 'quan-tri', 'vi')).ok).toBe(true);
    await db.close();
  });

  it('keeps an English message for the logs', () => {
    expect(new UserError('exists', 'exists', { name: 'a' }).message).toBe('User "a" exists already.');
  });
});
