import { expect } from 'chai';
import { hashToken } from '../../src/identity/auth.ts';
import { hashPassword } from '../../src/identity/password.ts';
import { ALL_GROUPS, DEMO_USERS, seedIdentity } from '../../src/identity/seed.ts';
import { basic, bearer, startIdentityApp, type IdentityApp } from '../helpers/identityApp.ts';

const ADMIN = { id: 'admin', password: 'Admin-Passwort-1' };
const USER = { id: 'sachbearbeitung', password: 'Nutzer-Passwort-1' };

interface Res {
  status: number;
  headers: Headers;
  body: any;
}

describe('identity REST API (/engine-rest users, groups; /api tokens)', function () {
  let app: IdentityApp;
  const adminAuth = basic(ADMIN.id, ADMIN.password);
  const userAuth = basic(USER.id, USER.password);

  async function call(method: string, path: string, opts: { auth?: string; body?: unknown } = {}): Promise<Res> {
    const headers: Record<string, string> = {};
    if (opts.auth) headers['Authorization'] = opts.auth;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(app.baseUrl + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  beforeEach(async () => {
    app = await startIdentityApp();
    // Given an admin and an ordinary user in the store
    await app.identity.createGroup({ id: 'admin', name: 'Administration', type: 'SYSTEM' });
    await app.identity.createUser({ id: ADMIN.id, firstName: 'Ada', lastName: 'Admin', email: null, passwordHash: await hashPassword(ADMIN.password) });
    await app.identity.addMembership('admin', ADMIN.id);
    await app.identity.createUser({ id: USER.id, firstName: 'Sina', lastName: 'Sachbearbeitung', email: 's@example.org', passwordHash: await hashPassword(USER.password) });
  });

  afterEach(async () => {
    await app.close();
  });

  describe('authentication', () => {
    it('no Authorization header → 401 with WWW-Authenticate', async () => {
      // When calling without credentials
      const res = await call('GET', '/engine-rest/user');
      // Then 401, Camunda-shaped body, and a Basic challenge
      expect(res.status).to.equal(401);
      expect(res.body.type).to.equal('AuthenticationException');
      expect(res.headers.get('www-authenticate')).to.match(/^Basic realm=/);
    });

    it('wrong password or unknown user → 401', async () => {
      // When authenticating with a wrong password and with an unknown user
      const wrong = await call('GET', '/engine-rest/user', { auth: basic(ADMIN.id, 'falsch') });
      const unknown = await call('GET', '/engine-rest/user', { auth: basic('niemand', ADMIN.password) });
      const garbage = await call('GET', '/engine-rest/user', { auth: 'Basic !!!' });
      // Then all are 401
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(garbage.status).to.equal(401);
      expect(wrong.headers.get('www-authenticate')).to.match(/^Basic/);
    });

    it('Basic with the right password → 200 (also on the cached second request)', async () => {
      // When the admin reads a profile twice with Basic auth
      const first = await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: adminAuth });
      const second = await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: adminAuth });
      // Then both succeed with the profile and no hash
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(200);
      expect(first.body).to.deep.equal({ id: USER.id, firstName: 'Sina', lastName: 'Sachbearbeitung', email: 's@example.org' });
      expect(first.body).to.not.have.property('passwordHash');
    });

    it('a Bearer token from POST /api/tokens works, only its hash is stored; unknown and revoked tokens → 401', async () => {
      // Given a token created by the ordinary user
      const created = await call('POST', '/api/tokens', { auth: userAuth, body: { name: 'Modeler' } });
      expect(created.status).to.equal(201);
      expect(created.body.name).to.equal('Modeler');
      const token: string = created.body.token;
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(created.headers.get('cache-control')).to.equal('no-store');
      // Then the store holds the sha256 of the token, not the token
      const record = await app.identity.findToken(hashToken(token));
      expect(record).to.include({ userId: USER.id, name: 'Modeler' });
      const raw = app.db.prepare('SELECT * FROM tokens').all() as Array<Record<string, unknown>>;
      expect(JSON.stringify(raw)).to.not.include(token);

      // When the token is used
      const ok = await call('GET', `/engine-rest/identity/groups?userId=${USER.id}`, { auth: bearer(token) });
      // Then it authenticates as the user
      expect(ok.status).to.equal(200);

      // And an unknown token is rejected
      const unknown = await call('GET', `/engine-rest/identity/groups?userId=${USER.id}`, { auth: bearer('x'.repeat(43)) });
      expect(unknown.status).to.equal(401);

      // When the token revokes itself
      const revoked = await call('DELETE', '/api/tokens/current', { auth: bearer(token) });
      expect(revoked.status).to.equal(204);
      // Then it no longer works and is gone from the store
      expect((await call('GET', `/engine-rest/identity/groups?userId=${USER.id}`, { auth: bearer(token) })).status).to.equal(401);
      expect(await app.identity.findToken(hashToken(token))).to.equal(undefined);
    });

    it('POST /api/tokens without a name → 400 naming the field', async () => {
      const res = await call('POST', '/api/tokens', { auth: userAuth, body: { name: 42 } });
      expect(res.status).to.equal(400);
      expect(res.body.message).to.include('name');
    });
  });

  describe('authorization', () => {
    it('a non-admin creating a user → 403 and nothing is created', async () => {
      // When the ordinary user tries to create a user
      const res = await call('POST', '/engine-rest/user/create', {
        auth: userAuth,
        body: { profile: { id: 'eindringling', firstName: 'E', lastName: 'I', email: 'e@example.org' }, credentials: { password: 'pw-12345' } },
      });
      // Then 403 and the store is unchanged
      expect(res.status).to.equal(403);
      expect(res.body.type).to.equal('AuthorizationException');
      expect(await app.identity.getUser('eindringling')).to.equal(undefined);
    });

    it('non-admins may not list users or groups, nor read other profiles, but may read their own profile and groups', async () => {
      expect((await call('GET', '/engine-rest/user', { auth: userAuth })).status).to.equal(403);
      expect((await call('GET', '/engine-rest/group', { auth: userAuth })).status).to.equal(403);
      expect((await call('GET', '/engine-rest/user/count', { auth: userAuth })).status).to.equal(403);
      expect((await call('GET', `/engine-rest/user/${ADMIN.id}/profile`, { auth: userAuth })).status).to.equal(403);
      expect((await call('GET', `/engine-rest/identity/groups?userId=${ADMIN.id}`, { auth: userAuth })).status).to.equal(403);
      const own = await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: userAuth });
      expect(own.status).to.equal(200);
      expect(own.body.id).to.equal(USER.id);
      const groups = await call('GET', `/engine-rest/identity/groups?userId=${USER.id}`, { auth: userAuth });
      expect(groups.status).to.equal(200);
      expect(groups.body).to.deep.equal({ groups: [], groupUsers: [] });
    });
  });

  describe('administration', () => {
    it('admin creates a user, a group and a membership; the user is found by memberOfGroup', async () => {
      // When the admin creates a user
      const u = await call('POST', '/engine-rest/user/create', {
        auth: adminAuth,
        body: { profile: { id: 'cm.awo-1', firstName: 'Aylin', lastName: 'Yilmaz', email: 'ay@awo.example' }, credentials: { password: 'Start-1234' } },
      });
      expect(u.status).to.equal(204);
      // And a group
      const g = await call('POST', '/engine-rest/group/create', { auth: adminAuth, body: { id: 'cm-traeger', name: 'Case Management Träger', type: 'WORKFLOW' } });
      expect(g.status).to.equal(204);
      // And the membership
      const m = await call('PUT', '/engine-rest/group/cm-traeger/members/cm.awo-1', { auth: adminAuth });
      expect(m.status).to.equal(204);
      // And the membership again (idempotent)
      expect((await call('PUT', '/engine-rest/group/cm-traeger/members/cm.awo-1', { auth: adminAuth })).status).to.equal(204);

      // Then the store has them, the password only as a scrypt hash
      const stored = await app.identity.getUser('cm.awo-1');
      expect(stored?.passwordHash).to.match(/^scrypt\$16384\$8\$1\$/);
      expect(await app.identity.groupsOf('cm.awo-1')).to.deep.equal(['cm-traeger']);

      // And the user is listed by memberOfGroup, without any hash
      const list = await call('GET', '/engine-rest/user?memberOfGroup=cm-traeger', { auth: adminAuth });
      expect(list.status).to.equal(200);
      expect(list.body).to.deep.equal([{ id: 'cm.awo-1', firstName: 'Aylin', lastName: 'Yilmaz', email: 'ay@awo.example' }]);
      expect((await call('GET', '/engine-rest/user/count?memberOfGroup=cm-traeger', { auth: adminAuth })).body).to.deep.equal({ count: 1 });

      // And the group is found by member, by id and by type
      const groups = await call('GET', '/engine-rest/group?member=cm.awo-1', { auth: adminAuth });
      expect(groups.body).to.deep.equal([{ id: 'cm-traeger', name: 'Case Management Träger', type: 'WORKFLOW' }]);
      const one = await call('GET', '/engine-rest/group/cm-traeger', { auth: adminAuth });
      expect(one.status).to.equal(200);
      expect(one.body).to.deep.equal({ id: 'cm-traeger', name: 'Case Management Träger', type: 'WORKFLOW' });
      expect((await call('GET', '/engine-rest/group/count?type=WORKFLOW', { auth: adminAuth })).body).to.deep.equal({ count: 1 });

      // And the new user can log in and sees their groups
      const own = await call('GET', '/engine-rest/identity/groups?userId=cm.awo-1', { auth: basic('cm.awo-1', 'Start-1234') });
      expect(own.status).to.equal(200);
      expect(own.body).to.deep.equal({ groups: [{ id: 'cm-traeger', name: 'Case Management Träger' }], groupUsers: [] });

      // When the membership is removed
      expect((await call('DELETE', '/engine-rest/group/cm-traeger/members/cm.awo-1', { auth: adminAuth })).status).to.equal(204);
      // Then it is gone
      expect(await app.identity.groupsOf('cm.awo-1')).to.deep.equal([]);
    });

    it('pages user lists with firstResult/maxResults', async () => {
      for (const id of ['u-a', 'u-b', 'u-c']) {
        await call('POST', '/engine-rest/user/create', { auth: adminAuth, body: { profile: { id }, credentials: { password: 'pw-123456' } } });
      }
      const page = await call('GET', '/engine-rest/user?firstResult=1&maxResults=2', { auth: adminAuth });
      expect(page.status).to.equal(200);
      // sorted by id: admin, sachbearbeitung, u-a, u-b, u-c
      expect(page.body.map((u: { id: string }) => u.id)).to.deep.equal(['sachbearbeitung', 'u-a']);
      expect((await call('GET', '/engine-rest/user/count', { auth: adminAuth })).body).to.deep.equal({ count: 5 });
      expect((await call('GET', '/engine-rest/user?maxResults=-1', { auth: adminAuth })).status).to.equal(400);
    });

    it('creating an existing user or group → 409', async () => {
      const dupUser = await call('POST', '/engine-rest/user/create', {
        auth: adminAuth,
        body: { profile: { id: USER.id }, credentials: { password: 'anderes-pw' } },
      });
      expect(dupUser.status).to.equal(409);
      // And the existing user's password is untouched
      expect((await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: userAuth })).status).to.equal(200);
      const dupGroup = await call('POST', '/engine-rest/group/create', { auth: adminAuth, body: { id: 'admin', name: 'x', type: 'SYSTEM' } });
      expect(dupGroup.status).to.equal(409);
      expect((await app.identity.getGroup('admin'))?.name).to.equal('Administration');
    });

    it('deleting a user removes its memberships and tokens; unknown ids → 404', async () => {
      // Given the user is in a group and has a token
      await app.identity.createGroup({ id: 'abh', name: 'Ausländerbehörde', type: 'WORKFLOW' });
      await app.identity.addMembership('abh', USER.id);
      const token = (await call('POST', '/api/tokens', { auth: userAuth, body: { name: 'cli' } })).body.token as string;
      // When the admin deletes the user
      const res = await call('DELETE', `/engine-rest/user/${USER.id}`, { auth: adminAuth });
      // Then 204 and the user, its memberships and tokens are gone
      expect(res.status).to.equal(204);
      expect(await app.identity.getUser(USER.id)).to.equal(undefined);
      expect(await app.identity.groupsOf(USER.id)).to.deep.equal([]);
      expect(await app.identity.countUsers({ memberOfGroup: 'abh' })).to.equal(0);
      expect(await app.identity.findToken(hashToken(token))).to.equal(undefined);
      expect((await call('GET', '/engine-rest/identity/groups?userId=x', { auth: bearer(token) })).status).to.equal(401);
      // And deleting again → 404
      expect((await call('DELETE', `/engine-rest/user/${USER.id}`, { auth: adminAuth })).status).to.equal(404);
      expect((await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: adminAuth })).status).to.equal(404);
      expect((await call('PUT', `/engine-rest/group/abh/members/${USER.id}`, { auth: adminAuth })).status).to.equal(404);
      expect((await call('PUT', `/engine-rest/group/nope/members/${ADMIN.id}`, { auth: adminAuth })).status).to.equal(404);
    });

    it('deleting a group removes its memberships', async () => {
      await app.identity.createGroup({ id: 'ebh', name: 'Einbürgerungsbehörde', type: 'WORKFLOW' });
      await app.identity.addMembership('ebh', USER.id);
      expect((await call('DELETE', '/engine-rest/group/ebh', { auth: adminAuth })).status).to.equal(204);
      expect(await app.identity.getGroup('ebh')).to.equal(undefined);
      expect(await app.identity.groupsOf(USER.id)).to.deep.equal([]);
      expect((await call('GET', '/engine-rest/group/ebh', { auth: adminAuth })).status).to.equal(404);
      expect((await call('DELETE', '/engine-rest/group/ebh', { auth: adminAuth })).status).to.equal(404);
    });
  });

  describe('validation', () => {
    it('an invalid user or group id → 400 and nothing is created', async () => {
      const badUser = await call('POST', '/engine-rest/user/create', {
        auth: adminAuth,
        body: { profile: { id: 'böse id' }, credentials: { password: 'pw-123456' } },
      });
      expect(badUser.status).to.equal(400);
      expect(badUser.body.type).to.equal('InvalidRequestException');
      expect(badUser.body.message).to.include('profile.id');
      expect(await app.identity.countUsers({})).to.equal(2);
      const tooLong = await call('POST', '/engine-rest/group/create', { auth: adminAuth, body: { id: 'g'.repeat(65) } });
      expect(tooLong.status).to.equal(400);
      expect(await app.identity.countGroups({})).to.equal(1);
    });

    it('wrong types → 400 with a message naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [{ profile: { id: 'ok-id', firstName: 7 }, credentials: { password: 'pw-123456' } }, 'profile.firstName'],
        [{ profile: { id: 'ok-id' }, credentials: { password: 12345678 } }, 'credentials.password'],
        [{ profile: { id: 'ok-id' }, credentials: { password: '' } }, 'credentials.password'],
        [{ profile: 'ok-id', credentials: { password: 'pw-123456' } }, 'profile'],
        [{ profile: { id: 'ok-id' } }, 'credentials'],
        [[1, 2], 'body'],
      ];
      for (const [body, field] of cases) {
        const res = await call('POST', '/engine-rest/user/create', { auth: adminAuth, body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.message, JSON.stringify(body)).to.include(field);
      }
      expect(await app.identity.getUser('ok-id')).to.equal(undefined);
      const group = await call('POST', '/engine-rest/group/create', { auth: adminAuth, body: { id: 'g1', name: ['x'] } });
      expect(group.status).to.equal(400);
      expect(group.body.message).to.include('name');
    });

    it("'$'-prefixed keys anywhere in the body or the query → 400", async () => {
      const nested = await call('POST', '/engine-rest/user/create', {
        auth: adminAuth,
        body: { profile: { id: 'ok-id', $where: '1==1' }, credentials: { password: 'pw-123456' } },
      });
      expect(nested.status).to.equal(400);
      expect(nested.body.message).to.include('$where');
      expect(await app.identity.getUser('ok-id')).to.equal(undefined);
      const top = await call('POST', '/engine-rest/group/create', { auth: adminAuth, body: { id: 'g1', $set: { name: 'x' } } });
      expect(top.status).to.equal(400);
      const query = await call('GET', '/engine-rest/user?$where=1', { auth: adminAuth });
      expect(query.status).to.equal(400);
      const token = await call('POST', '/api/tokens', { auth: userAuth, body: { name: 'x', meta: [{ $gt: '' }] } });
      expect(token.status).to.equal(400);
    });
  });

  describe('credentials', () => {
    it('a user changes their own password with authenticatedUserPassword; the old password stops working at once', async () => {
      const path = `/engine-rest/user/${USER.id}/credentials`;
      // Given the old password was just used (and cached)
      expect((await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: userAuth })).status).to.equal(200);
      // When changing without / with a wrong authenticatedUserPassword
      const missing = await call('PUT', path, { auth: userAuth, body: { password: 'Neu-Passwort-2' } });
      const wrong = await call('PUT', path, { auth: userAuth, body: { password: 'Neu-Passwort-2', authenticatedUserPassword: 'falsch' } });
      // Then 400
      expect(missing.status).to.equal(400);
      expect(missing.body.message).to.include('authenticatedUserPassword');
      expect(wrong.status).to.equal(400);
      // When changing with the right one
      const ok = await call('PUT', path, { auth: userAuth, body: { password: 'Neu-Passwort-2', authenticatedUserPassword: USER.password } });
      expect(ok.status).to.equal(204);
      // Then the new password works and the old (cached) one no longer does
      expect((await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: basic(USER.id, 'Neu-Passwort-2') })).status).to.equal(200);
      expect((await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: userAuth })).status).to.equal(401);
    });

    it("a non-admin cannot change someone else's password; an admin can", async () => {
      const denied = await call('PUT', `/engine-rest/user/${ADMIN.id}/credentials`, {
        auth: userAuth,
        body: { password: 'gekapert-1', authenticatedUserPassword: USER.password },
      });
      expect(denied.status).to.equal(403);
      const reset = await call('PUT', `/engine-rest/user/${USER.id}/credentials`, { auth: adminAuth, body: { password: 'Zurueckgesetzt-3' } });
      expect(reset.status).to.equal(204);
      expect((await call('GET', `/engine-rest/user/${USER.id}/profile`, { auth: basic(USER.id, 'Zurueckgesetzt-3') })).status).to.equal(200);
    });
  });

  describe('seedIdentity', () => {
    it('creates all groups, the admin and the demo users once; a demo user can log in with the returned password', async () => {
      // When seeding a fresh store with an admin and demo users
      const first = await seedIdentity(app.identity, { adminUser: 'root', adminPassword: 'Root-Passwort-9', demo: true });

      // Then every group of the domain spec exists with its type
      for (const g of ALL_GROUPS) expect(await app.identity.getGroup(g.id), g.id).to.deep.equal(g);
      expect(await app.identity.countGroups({ type: 'WORKFLOW' })).to.equal(11);
      expect(await app.identity.countGroups({ type: 'ORGANISATION' })).to.equal(5);
      expect((await app.identity.getGroup('org-ki'))?.name).to.equal('Kommunales Integrationszentrum Herne');
      // (the pre-existing 'admin' group was kept as it was)
      expect((await app.identity.getGroup('admin'))?.name).to.equal('Administration');

      // And the admin and one demo user per entry were created and returned with passwords
      const ids = first.created.map((c) => c.id);
      expect(ids).to.deep.equal(['root', ...DEMO_USERS.map((d) => d.id)]);
      expect(first.created[0]).to.deep.equal({ id: 'root', password: 'Root-Passwort-9', groups: ['admin'] });
      expect(await app.identity.groupsOf('root')).to.deep.equal(['admin']);
      expect(await app.identity.groupsOf('demo-cm-traeger-awo')).to.deep.equal(['cm-traeger', 'org-awo']);
      expect(await app.identity.groupsOf('demo-cm-traeger-drk')).to.deep.equal(['cm-traeger', 'org-drk']);
      expect(await app.identity.groupsOf('demo-cm-ki')).to.deep.equal(['cm-ki', 'org-ki']);
      for (const wg of ALL_GROUPS.filter((g) => g.type === 'WORKFLOW')) {
        expect(await app.identity.countUsers({ memberOfGroup: wg.id }), wg.id).to.be.greaterThan(0);
      }
      for (const c of first.created.slice(1)) expect(c.password).to.match(/^[A-Za-z0-9_-]{16}$/);
      expect(new Set(first.created.map((c) => c.password)).size).to.equal(first.created.length);

      // When seeding again
      const second = await seedIdentity(app.identity, { adminUser: 'root', adminPassword: 'Anderes-Passwort', demo: true });
      // Then nothing is created or returned, and passwords are unchanged
      expect(second.created).to.deep.equal([]);
      expect(await app.identity.countGroups({})).to.equal(ALL_GROUPS.length);

      // And a demo user can authenticate over HTTP with the password returned the first time
      const abh = first.created.find((c) => c.id === 'demo-abh')!;
      const res = await call('GET', '/engine-rest/identity/groups?userId=demo-abh', { auth: basic('demo-abh', abh.password) });
      expect(res.status).to.equal(200);
      expect(res.body.groups).to.deep.equal([{ id: 'abh', name: 'Ausländerbehörde' }]);
      // And the seeded admin can administer with the first password only
      expect((await call('GET', '/engine-rest/user/count', { auth: basic('root', 'Root-Passwort-9') })).status).to.equal(200);
      expect((await call('GET', '/engine-rest/user/count', { auth: basic('root', 'Anderes-Passwort') })).status).to.equal(401);
    });

    it('without demo and without admin credentials only groups are created', async () => {
      const res = await seedIdentity(app.identity, { demo: false });
      expect(res.created).to.deep.equal([]);
      expect(await app.identity.countGroups({})).to.equal(ALL_GROUPS.length);
      expect(await app.identity.countUsers({})).to.equal(2);
    });
  });
});
