import { expect } from 'chai';
import { hashToken, SESSION_MAX_AGE_MS, SESSION_TOKEN_NAME } from '../../src/identity/auth.ts';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';

/** A user task offered to cm-ki, so there is something to claim (a state-changing request). */
const diagram = bpmn(
  'sitzung',
  `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pruefen"/>
   <bpmn:userTask id="pruefen" name="Prüfen" camunda:candidateGroups="cm-ki"/>
   <bpmn:sequenceFlow id="f2" sourceRef="pruefen" targetRef="end"/>
   <bpmn:endEvent id="end"/>`,
);

const KIRA = { user: 'kira', password: 'kira-Passwort-1' };
const LOGIN_FAILED = 'Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.';

interface Res {
  status: number;
  body: any;
  headers: Headers;
}

/** A raw request: the tests set every header themselves (cookie, CSRF, Authorization). */
async function call(t: TestService, method: string, url: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(t.service.url + url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The `kim_session` Set-Cookie line of a response. */
function sessionSetCookie(res: Res): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith('kim_session='));
}

function cookieValue(setCookie: string): string {
  return /^kim_session=([^;]*)/.exec(setCookie)![1]!;
}

const basic = (u: { user: string; password: string }) => 'Basic ' + Buffer.from(`${u.user}:${u.password}`).toString('base64');

describe('api: web session (cookie login, CSRF)', () => {
  let t: TestService;
  let instance = 0;

  before(async () => {
    t = await startTestService();
    const created = await t.api('POST', '/engine-rest/user/create', { profile: { id: 'kira', firstName: 'Kira', lastName: 'Test', email: 'kira@example.org' }, credentials: { password: KIRA.password } });
    expect(created.status, JSON.stringify(created.body)).to.equal(204);
    for (const g of ['cm-ki', 'org-ki']) expect((await t.api('PUT', `/engine-rest/group/${g}/members/kira`)).status).to.equal(204);
    const dep = await deploy(t.api, { 'sitzung.bpmn': diagram });
    expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
  });
  after(async () => {
    await t.close();
  });

  async function login(u = KIRA, cookie?: string): Promise<{ cookie: string; csrf: string; res: Res }> {
    const res = await call(t, 'POST', '/api/session', { body: { username: u.user, password: u.password }, headers: cookie ? { Cookie: `kim_session=${cookie}` } : {} });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const set = sessionSetCookie(res);
    expect(set, 'Set-Cookie').to.be.a('string');
    return { cookie: cookieValue(set!), csrf: res.body.csrfToken, res };
  }

  /** A new instance; its task's id. */
  async function newTask(): Promise<string> {
    const r = await t.api('POST', '/engine-rest/process-definition/key/sitzung/start', { businessKey: `S-${++instance}` });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const tasks = await t.api('GET', `/engine-rest/task?processInstanceId=${r.body.id}`);
    return tasks.body[0].id;
  }
  const assigneeOf = async (taskId: string) => (await t.api('GET', `/engine-rest/task/${taskId}`)).body.assignee as string | null;

  it('Given a wrong password or an unknown user, then the login answers 401 with the same German message, sets no cookie and sends no Basic challenge', async () => {
    for (const body of [{ username: 'kira', password: 'falsch-falsch' }, { username: 'niemand', password: 'kira-Passwort-1' }]) {
      const res = await call(t, 'POST', '/api/session', { body, headers: { 'X-Requested-With': 'kim-web' } });
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ type: 'AuthenticationException', message: LOGIN_FAILED });
      expect(sessionSetCookie(res)).to.equal(undefined);
      expect(res.headers.get('www-authenticate')).to.equal(null);
    }
    const missing = await call(t, 'POST', '/api/session', { body: { username: 'kira' } });
    expect(missing.status).to.equal(400);
    expect(missing.body.message).to.equal('Bitte Benutzername und Passwort angeben.');
  });

  it('Given a form post instead of JSON, then the login is refused with 415 (a plain HTML form on another site cannot log anyone in)', async () => {
    const res = await call(t, 'POST', '/api/session', { body: 'username=kira&password=kira-Passwort-1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).to.equal(415);
    expect(sessionSetCookie(res)).to.equal(undefined);
  });

  it('Given the right password, then the cookie is HttpOnly, SameSite=Strict, Path=/ and not Secure over http, and the body has the user, groups, organisation and CSRF token', async () => {
    const { res, cookie, csrf } = await login();
    const set = sessionSetCookie(res)!;
    const attrs = set.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attrs).to.include.members(['httponly', 'samesite=strict', 'path=/']);
    expect(attrs).not.to.include('secure');
    expect(cookie).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(res.body).to.include({ id: 'kira', firstName: 'Kira', lastName: 'Test', organisation: 'org-ki', isAdmin: false, csrfHeader: 'X-CSRF-Token' });
    expect(res.body.groups).to.have.members(['cm-ki', 'org-ki']);
    expect(csrf).to.be.a('string').and.not.equal(cookie);
    expect(Date.parse(res.body.sessionExpiresAt) - Date.now()).to.be.within(SESSION_MAX_AGE_MS - 60_000, SESSION_MAX_AGE_MS);
    expect(res.body.serverTime).to.equal(new Date(t.clock.now()).toISOString());
    // Only the token's hash is stored, as a web-session token of kira.
    const stored = await t.service.store.findToken(hashToken(cookie));
    expect(stored).to.include({ userId: 'kira', name: SESSION_TOKEN_NAME });
  });

  it('Given the cookie, then GET requests need no CSRF header and GET /api/session returns the same CSRF token', async () => {
    const { cookie, csrf } = await login();
    const me = await call(t, 'GET', '/api/session', { headers: { Cookie: `kim_session=${cookie}` } });
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ id: 'kira', csrfToken: csrf });
    const tasks = await call(t, 'GET', '/engine-rest/task?candidateUser=kira', { headers: { Cookie: `kim_session=${cookie}` } });
    expect(tasks.status).to.equal(200);
    expect(tasks.body).to.be.an('array');
  });

  it('Given the cookie, then a state-changing request without X-CSRF-Token, or with a wrong one, is refused with 403 and changes nothing; with the right one it works', async () => {
    const { cookie, csrf } = await login();
    const other = await login();
    const taskId = await newTask();
    const claim = (headers: Record<string, string>) => call(t, 'POST', `/engine-rest/task/${taskId}/claim`, { body: {}, headers: { Cookie: `kim_session=${cookie}`, ...headers } });

    const none = await claim({});
    expect(none.status).to.equal(403);
    expect(none.body.message).to.match(/X-CSRF-Token/);
    for (const wrong of ['', 'x', csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A'), other.csrf]) {
      expect((await claim({ 'X-CSRF-Token': wrong })).status, `token ${wrong}`).to.equal(403);
    }
    expect(await assigneeOf(taskId)).to.equal(null);

    expect((await claim({ 'X-CSRF-Token': csrf })).status).to.equal(204);
    expect(await assigneeOf(taskId)).to.equal('kira');
    // Also the service's own API (POST /api/tokens) and the logout itself need it.
    expect((await call(t, 'POST', '/api/tokens', { body: { name: 'x' }, headers: { Cookie: `kim_session=${cookie}` } })).status).to.equal(403);
    expect((await call(t, 'DELETE', '/api/session', { headers: { Cookie: `kim_session=${cookie}` } })).status).to.equal(403);
  });

  it('Given Basic or Bearer credentials, then no CSRF header is needed, also when a session cookie comes along', async () => {
    const { cookie } = await login();
    const token = await t.api.as(KIRA.user, KIRA.password)('POST', '/api/tokens', { name: 'programm' });
    expect(token.status).to.equal(201);
    for (const authorization of [basic(KIRA), `Bearer ${token.body.token}`]) {
      for (const withCookie of [false, true]) {
        const taskId = await newTask();
        const res = await call(t, 'POST', `/engine-rest/task/${taskId}/claim`, { body: {}, headers: { Authorization: authorization, ...(withCookie ? { Cookie: `kim_session=${cookie}` } : {}) } });
        expect(res.status, `${authorization.split(' ')[0]} ${withCookie ? 'with' : 'without'} cookie`).to.equal(204);
        expect(await assigneeOf(taskId)).to.equal('kira');
      }
    }
    // A wrong Basic password is a 401 even with a valid cookie: the Authorization header decides.
    const wrong = await call(t, 'GET', '/api/session', { headers: { Authorization: basic({ user: 'kira', password: 'falsch' }), Cookie: `kim_session=${cookie}` } });
    expect(wrong.status).to.equal(401);
    // GET /api/session works for programs too, without a CSRF token (there is no session).
    const me = await call(t, 'GET', '/api/session', { headers: { Authorization: basic(KIRA) } });
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ id: 'kira', csrfToken: null });
  });

  it('Given a logout, then the cookie is cleared, the token is gone from the store and the old cookie gives 401', async () => {
    const { cookie, csrf } = await login();
    const out = await call(t, 'DELETE', '/api/session', { headers: { Cookie: `kim_session=${cookie}`, 'X-CSRF-Token': csrf } });
    expect(out.status).to.equal(204);
    const cleared = sessionSetCookie(out)!;
    expect(cleared).to.match(/^kim_session=;/);
    expect(cleared.toLowerCase()).to.include('max-age=0');
    expect(await t.service.store.findToken(hashToken(cookie))).to.equal(undefined);
    const after = await call(t, 'GET', '/api/session', { headers: { Cookie: `kim_session=${cookie}`, 'X-Requested-With': 'kim-web' } });
    expect(after.status).to.equal(401);
    expect(after.headers.get('www-authenticate'), 'no browser dialog for the web app').to.equal(null);
    expect(sessionSetCookie(after), 'the stale cookie is cleared').to.match(/Max-Age=0/);
    // Programs still get the Basic challenge.
    expect((await call(t, 'GET', '/api/session')).headers.get('www-authenticate')).to.match(/^Basic/);
  });

  it('Given a second login from the same browser, then it gets a new session and the first one ends', async () => {
    const first = await login();
    const second = await login(KIRA, first.cookie);
    expect(second.cookie).not.to.equal(first.cookie);
    expect(second.csrf).not.to.equal(first.csrf);
    expect((await call(t, 'GET', '/api/session', { headers: { Cookie: `kim_session=${first.cookie}` } })).status).to.equal(401);
    expect((await call(t, 'GET', '/api/session', { headers: { Cookie: `kim_session=${second.cookie}` } })).status).to.equal(200);
  });

  it('Given a session older than 12 hours, then its cookie gives 401 (also as a Bearer token), while an API token of the same age still works', async () => {
    const old = new Date(Date.now() - SESSION_MAX_AGE_MS - 60_000).toISOString();
    await t.service.store.addToken({ hash: hashToken('alte-sitzung-0123456789'), userId: 'kira', name: SESSION_TOKEN_NAME, createdAt: old });
    await t.service.store.addToken({ hash: hashToken('altes-api-token-0123456789'), userId: 'kira', name: 'programm', createdAt: old });
    expect((await call(t, 'GET', '/api/session', { headers: { Cookie: 'kim_session=alte-sitzung-0123456789' } })).status).to.equal(401);
    expect((await call(t, 'GET', '/api/session', { headers: { Authorization: 'Bearer alte-sitzung-0123456789' } })).status).to.equal(401);
    expect((await call(t, 'GET', '/api/session', { headers: { Authorization: 'Bearer altes-api-token-0123456789' } })).status).to.equal(200);
  });

  it('Given PUBLIC_URL with https, then the session cookie is also Secure', async () => {
    let s: TestService | undefined;
    try {
      s = await startTestService({ env: { PUBLIC_URL: 'https://kim.herne.example' } });
      const res = await call(s, 'POST', '/api/session', { body: { username: 'admin', password: 'admin-secret-1' } });
      expect(res.status).to.equal(200);
      const set = sessionSetCookie(res)!;
      expect(set.split(';').map((a) => a.trim().toLowerCase())).to.include.members(['secure', 'httponly', 'samesite=strict', 'path=/']);
    } finally {
      await s?.close();
    }
  });
});
