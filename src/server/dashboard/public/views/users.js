// Users (administrators only): add a user, change its role and scope, reset its password, disable or
// delete it. The server checks every rule (password strength, the last administrator) and audits;
// this page only asks and says the answer in the reader's language.
import { session, rerender, t, fmtTime, el, Unauthorized, api, table, show } from '../core.js';

/** Runs a change, then shows the page again with `done` or the server's reason above it; true when done. */
async function change(path, options, done) {
  let ok = false;
  try {
    await api(path, options);
    session.notice = done;
    ok = true;
  } catch (error) {
    if (error instanceof Unauthorized) throw error;
    session.notice = error.message;
  }
  await rerender();
  return ok;
}

const roleLabel = (role) => t(`role_${role}`);

/** The role select and the unit and contractor selects that scope it; the server keeps the one the role needs. */
function roleFields(choices, current = {}) {
  return [
    el('label', {}, t('user_role'), el('select', { name: 'role', required: true }, choices.roles.map((role) => el('option', { value: role, selected: role === current.role }, roleLabel(role))))),
    el(
      'label',
      {},
      t('user_unit'),
      el('select', { name: 'unit_id' }, el('option', { value: '' }, '—'), choices.units.map((u) => el('option', { value: u.id, selected: u.id === current.unit_id }, u.name))),
    ),
    el(
      'label',
      {},
      t('user_contractor'),
      el('select', { name: 'contractor_id' }, el('option', { value: '' }, '—'), choices.contractors.map((c) => el('option', { value: c.id, selected: c.id === current.contractor_id }, c.name))),
    ),
  ];
}

/** The role and scope of a form, as the API takes them. */
function roleOf(form) {
  const data = new FormData(form);
  return { role: data.get('role'), unit_id: data.get('unit_id') || null, contractor_id: data.get('contractor_id') || null };
}

/**
 * A form that sends one change. The page keeps a form whose markup did not change, typed values
 * included: a form whose change is done is emptied (no password is left in it).
 */
function changeForm(attrs, send, ...fields) {
  const form = el(
    'form',
    {
      class: 'filters',
      ...attrs,
      onsubmit: async (event) => {
        event.preventDefault();
        if (await send(new FormData(form), form)) form.reset();
      },
    },
    ...fields,
  );
  return form;
}

const passwordInput = () => el('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' });

function addForm(choices) {
  return changeForm(
    { 'data-testid': 'user-add' },
    (data, form) => {
      const body = { name: data.get('name'), password: data.get('password'), ...roleOf(form) };
      return change('/api/users', { method: 'POST', body: JSON.stringify(body) }, t('user_added', { name: body.name }));
    },
    el('label', {}, t('login_user'), el('input', { name: 'name', required: true, maxlength: 64, autocomplete: 'off' })),
    roleFields(choices),
    el('label', {}, t('user_first_password'), passwordInput()),
    el('button', { type: 'submit' }, t('user_add')),
  );
}

function userRow(user, choices) {
  const path = `/api/users/${encodeURIComponent(user.name)}`;
  const unit = choices.units.find((u) => u.id === user.unit_id);
  const contractor = choices.contractors.find((c) => c.id === user.contractor_id);
  const roleForm = changeForm(
    { 'data-action': 'role' },
    (_data, form) => change(`${path}/role`, { method: 'PUT', body: JSON.stringify(roleOf(form)) }, t('user_role_changed', { name: user.name })),
    roleFields(choices, user),
    el('button', { type: 'submit', class: 'secondary' }, t('user_save_role')),
  );
  const passwordForm = changeForm(
    { 'data-action': 'password' },
    (data) => change(`${path}/password`, { method: 'PUT', body: JSON.stringify({ password: data.get('password') }) }, t('user_password_reset', { name: user.name })),
    el('label', {}, t('user_new_password'), passwordInput()),
    el('button', { type: 'submit', class: 'secondary' }, t('user_reset_password')),
  );
  const confirmed = (key) => window.confirm(t(key, { name: user.name }));
  return el(
    'tr',
    { 'data-user': user.name },
    el('td', {}, user.name, user.name === session.me.name ? el('span', { class: 'muted' }, ` (${t('user_you')})`) : null),
    el('td', {}, roleLabel(user.role), unit ? ` — ${unit.name}` : contractor ? ` — ${contractor.name}` : ''),
    el('td', {}, user.disabled ? t('user_disabled') : t('user_active'), el('br'), el('span', { class: 'muted' }, fmtTime(user.created_at))),
    el(
      'td',
      {},
      roleForm,
      passwordForm,
      user.disabled
        ? null
        : el('button', { type: 'button', class: 'secondary', 'data-action': 'disable', onclick: () => confirmed('user_confirm_disable') && change(`${path}/disable`, { method: 'POST', body: '{}' }, t('user_was_disabled', { name: user.name })) }, t('user_disable')),
      ' ',
      el('button', { type: 'button', class: 'secondary', 'data-action': 'delete', onclick: () => confirmed('user_confirm_delete') && change(path, { method: 'DELETE' }, t('user_deleted', { name: user.name })) }, t('user_delete')),
    ),
  );
}

export async function usersView() {
  const [users, choices] = await Promise.all([api('/api/users'), api('/api/users/choices')]);
  show(
    el('h1', {}, t('users_title')),
    el('h2', {}, t('user_add')),
    el('p', { class: 'muted' }, t('user_scope_note')),
    addForm(choices),
    el('h2', {}, t('users_list')),
    table([t('login_user'), t('user_role'), t('camera_state'), t('actions')], users.map((user) => userRow(user, choices))),
  );
}
