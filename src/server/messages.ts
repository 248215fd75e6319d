/** What people are told about dashboard/API users: their roles, and why a user cannot be added or changed. */
import { translator, type Catalogue, type Locale } from '../i18n/index.js';
import type { Role } from '../store/users.js';

const vi = {
  role_admin: 'quản trị',
  role_viewer: 'xem toàn bộ (chỉ đọc)',
  role_commune_chief: 'Trưởng Công an xã',
  role_contractor: 'nhà thầu',
  weak_password_short: 'Mật khẩu cần ít nhất {min} ký tự.',
  weak_password_name: 'Mật khẩu không được chứa tên đăng nhập.',
  weak_password_repetitive: 'Mật khẩu lặp lại quá nhiều ký tự giống nhau.',
  bad_name: 'Tên đăng nhập dài 2–64 ký tự, gồm chữ không dấu, chữ số, ".", "_", "@" hoặc "-".',
  bad_role: 'Vai trò phải là một trong: {roles}.',
  no_unit: 'Trưởng Công an xã cần có đơn vị: --unit <mã đơn vị>.',
  unknown_unit: 'Không có đơn vị "{id}".',
  no_contractor: 'Tài khoản nhà thầu cần có nhà thầu: --contractor <mã nhà thầu>.',
  unknown_contractor: 'Không có nhà thầu "{id}".',
  exists: 'Người dùng "{name}" đã có.',
  not_found: 'Không có người dùng "{name}".',
  last_admin: '"{name}" là quản trị viên cuối cùng còn hoạt động: không thể khóa, xóa hay đổi vai trò, vì khi đó không còn ai quản lý được người dùng. Hãy thêm một quản trị viên khác trước.',
};

export const userErrorMessages: Catalogue<typeof vi> = {
  vi,
  en: {
    role_admin: 'administrator',
    role_viewer: 'viewer (read-only, every camera)',
    role_commune_chief: 'commune police chief',
    role_contractor: 'contractor',
    weak_password_short: 'The password needs at least {min} characters.',
    weak_password_name: 'The password must not contain the user name.',
    weak_password_repetitive: 'The password is too repetitive.',
    bad_name: 'User names are 2–64 letters, digits, ".", "_", "@" or "-".',
    bad_role: 'The role must be one of: {roles}.',
    no_unit: 'A commune police chief needs a unit: --unit <unit id>.',
    unknown_unit: 'There is no unit "{id}".',
    no_contractor: 'A contractor user needs a contractor: --contractor <contractor id>.',
    unknown_contractor: 'There is no contractor "{id}".',
    exists: 'User "{name}" exists already.',
    not_found: 'There is no user "{name}".',
    last_admin: '"{name}" is the last active administrator: it cannot be disabled, deleted or given another role, since nobody could manage users afterwards. Add another administrator first.',
  },
};

export type UserErrorReason = Exclude<keyof typeof vi, `role_${string}`>;

/** "Trưởng Công an xã (commune_chief)": the role in words, with the name `--role` takes. */
export function roleName(role: Role, locale: Locale): string {
  return `${translator(userErrorMessages, locale)(`role_${role}`)} (${role})`;
}
