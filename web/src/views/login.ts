/** The login form: user name and password; the service sets the session cookie. */
import { ApiError, request, type Session } from '../api.ts';
import { h, replace } from '../dom.ts';

export function loginView(root: HTMLElement, onLogin: (s: Session) => void | Promise<void>): void {
  const error = h('p', { class: 'form-error', role: 'alert', id: 'login-error', hidden: true });
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username', required: true, autofocus: true, spellcheck: 'false', autocapitalize: 'none' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Anmelden');

  const form = h(
    'form',
    { class: 'login-form', novalidate: true },
    h('label', { for: 'username' }, 'Benutzername'),
    username,
    h('label', { for: 'password' }, 'Passwort'),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const show = (text: string) => {
      error.textContent = text;
      error.hidden = false;
    };
    if (!username.value.trim() || !password.value) return show('Bitte Benutzername und Passwort eingeben.');
    submit.disabled = true;
    submit.textContent = 'Anmeldung läuft …';
    try {
      const s = await request<Session>('POST', '/api/session', { username: username.value.trim(), password: password.value });
      await onLogin(s);
    } catch (err) {
      password.value = '';
      password.focus();
      show(err instanceof ApiError && err.status !== 0 && err.status < 500 ? err.message : 'Der Dienst ist nicht erreichbar. Bitte später erneut versuchen.');
    } finally {
      submit.disabled = false;
      submit.textContent = 'Anmelden';
    }
  });

  replace(
    root,
    h(
      'div',
      { class: 'login-page' },
      h('div', { id: 'flash', class: 'flash-area' }),
      h(
        'section',
        { class: 'panel narrow login' },
        h('h1', null, h('span', { class: 'brand-mark' }, 'KIM'), ' Herne'),
        h('p', { class: 'lead' }, 'Kommunales Integrationsmanagement – Aufgaben und Vorgänge'),
        form,
        h('p', { class: 'hint' }, 'Melden Sie sich mit Ihrem Benutzernamen an. Die Demo-Zugänge gibt der Dienst beim ersten Start aus.'),
      ),
    ),
  );
  username.focus();
}
