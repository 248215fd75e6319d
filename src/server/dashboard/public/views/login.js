// The login form.
import { session, rerender, t, el, api, show } from '../core.js';

export function loginView() {
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    {
      class: 'login',
      onsubmit: async (event) => {
        event.preventDefault();
        const data = new FormData(form);
        try {
          const answer = await api('/api/login', { method: 'POST', body: JSON.stringify({ username: data.get('username'), password: data.get('password') }) });
          session.me = answer.user;
          location.hash = sessionStorage.getItem('camwatch.after') || '#/';
          sessionStorage.removeItem('camwatch.after');
          rerender();
        } catch (e) {
          error.textContent = e.status === 429 ? t('login_locked') : t('login_failed');
        }
      },
    },
    el('h1', {}, t('login_title')),
    el('label', {}, t('login_user'), el('input', { name: 'username', autocomplete: 'username', required: true })),
    el('label', {}, t('login_password'), el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    el('button', { type: 'submit' }, t('login_submit')),
    error,
  );
  show(form);
}
