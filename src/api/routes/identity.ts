import Router from '@koa/router';
import type { Context } from 'koa';
import { Forbidden, NotFound, ValidationError } from '../../errors.ts';
import { ADMIN_GROUP, currentUser, requireGroup } from '../../identity/auth.ts';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from '../../identity/password.ts';
import { IDENTITY_ID_PATTERN } from '../../identity/seed.ts';
import {
  bodyObject,
  objectField,
  optionalString,
  queryInt,
  queryList,
  queryString,
  rejectDollarKeys,
  requiredString,
  validId,
} from '../../identity/validation.ts';
import type { GroupQuery, GroupRecord, IdentityStore, UserQuery, UserRecord } from '../../store/identityStore.ts';
import type { AppRouter, AppState } from '../types.ts';

/**
 * Camunda 7 identity REST routes (users, groups, memberships), prefix-less: the caller mounts
 * this under `/engine-rest` behind `authMiddleware`. Administration is admin-only; a user may
 * read their own profile and groups and change their own password.
 */

const profileOf = (u: UserRecord) => ({ id: u.id, firstName: u.firstName, lastName: u.lastName, email: u.email });
const groupOf = (g: GroupRecord) => ({ id: g.id, name: g.name, type: g.type });

function userQuery(ctx: Context, withPaging: boolean): UserQuery {
  const q: UserQuery = {};
  const id = queryString(ctx, 'id');
  if (id !== undefined) q.id = id;
  const idIn = queryList(ctx, 'idIn');
  if (idIn !== undefined) q.idIn = idIn;
  const firstName = queryString(ctx, 'firstName');
  if (firstName !== undefined) q.firstName = firstName;
  const lastName = queryString(ctx, 'lastName');
  if (lastName !== undefined) q.lastName = lastName;
  const email = queryString(ctx, 'email');
  if (email !== undefined) q.email = email;
  const memberOfGroup = queryString(ctx, 'memberOfGroup');
  if (memberOfGroup !== undefined) q.memberOfGroup = memberOfGroup;
  const firstResult = queryInt(ctx, 'firstResult');
  const maxResults = queryInt(ctx, 'maxResults');
  if (withPaging) {
    if (firstResult !== undefined) q.firstResult = firstResult;
    if (maxResults !== undefined) q.maxResults = maxResults;
  }
  return q;
}

function groupQuery(ctx: Context, withPaging: boolean): GroupQuery {
  const q: GroupQuery = {};
  const id = queryString(ctx, 'id');
  if (id !== undefined) q.id = id;
  const idIn = queryList(ctx, 'idIn');
  if (idIn !== undefined) q.idIn = idIn;
  const name = queryString(ctx, 'name');
  if (name !== undefined) q.name = name;
  const type = queryString(ctx, 'type');
  if (type !== undefined) q.type = type;
  const member = queryString(ctx, 'member');
  if (member !== undefined) q.member = member;
  const firstResult = queryInt(ctx, 'firstResult');
  const maxResults = queryInt(ctx, 'maxResults');
  if (withPaging) {
    if (firstResult !== undefined) q.firstResult = firstResult;
    if (maxResults !== undefined) q.maxResults = maxResults;
  }
  return q;
}

/** Forbidden unless the caller is an admin or `userId` themself (checked before existence: no enumeration). */
function assertSelfOrAdmin(ctx: Context, userId: string): void {
  const user = currentUser(ctx);
  if (!user.isAdmin && user.id !== userId) throw new Forbidden(`User '${user.id}' may not access user '${userId}'`);
}

export function identityRouter(store: IdentityStore): AppRouter {
  const router = new Router<AppState>();
  const admin = requireGroup(ADMIN_GROUP);

  router.use(rejectDollarKeys);

  async function userOr404(id: string): Promise<UserRecord> {
    const user = await store.getUser(id);
    if (!user) throw new NotFound(`User with id '${id}' does not exist`);
    return user;
  }

  async function groupOr404(id: string): Promise<GroupRecord> {
    const group = await store.getGroup(id);
    if (!group) throw new NotFound(`Group with id '${id}' does not exist`);
    return group;
  }

  // ---- users -------------------------------------------------------------------------------

  router.post('/user/create', admin, async (ctx) => {
    const body = bodyObject(ctx);
    const profile = objectField(body, 'profile');
    const id = validId(requiredString(profile, 'id', 'profile.id'), 'profile.id', IDENTITY_ID_PATTERN);
    const firstName = optionalString(profile, 'firstName', 'profile.firstName');
    const lastName = optionalString(profile, 'lastName', 'profile.lastName');
    const email = optionalString(profile, 'email', 'profile.email');
    const credentials = objectField(body, 'credentials');
    const password = credentials['password'];
    assertPasswordAcceptable(password, 'credentials.password');
    const passwordHash = await hashPassword(password);
    await store.createUser({ id, firstName, lastName, email, passwordHash });
    ctx.status = 204;
  });

  router.get('/user', admin, async (ctx) => {
    ctx.body = (await store.findUsers(userQuery(ctx, true))).map(profileOf);
  });

  router.get('/user/count', admin, async (ctx) => {
    ctx.body = { count: await store.countUsers(userQuery(ctx, false)) };
  });

  router.get('/user/:id/profile', async (ctx) => {
    assertSelfOrAdmin(ctx, ctx.params.id!);
    ctx.body = profileOf(await userOr404(ctx.params.id!));
  });

  router.put('/user/:id/profile', async (ctx) => {
    const id = ctx.params.id!;
    assertSelfOrAdmin(ctx, id);
    const body = bodyObject(ctx);
    const bodyId = optionalString(body, 'id');
    if (bodyId !== null && bodyId !== id) throw new ValidationError(`id '${bodyId}' does not match the user id in the path`);
    const existing = await userOr404(id);
    await store.updateUser({
      ...existing,
      firstName: optionalString(body, 'firstName'),
      lastName: optionalString(body, 'lastName'),
      email: optionalString(body, 'email'),
    });
    ctx.status = 204;
  });

  router.put('/user/:id/credentials', async (ctx) => {
    const id = ctx.params.id!;
    assertSelfOrAdmin(ctx, id);
    const caller = currentUser(ctx);
    const body = bodyObject(ctx);
    const password = body['password'];
    assertPasswordAcceptable(password, 'password');
    const authenticatedUserPassword = optionalString(body, 'authenticatedUserPassword', 'authenticatedUserPassword', 1024);
    // Self-service must prove knowledge of the current password (a leaked token alone is not enough);
    // an admin resetting someone else's password may omit it, but if sent it must be right (as in Camunda).
    if (caller.id === id && authenticatedUserPassword === null) throw new ValidationError('authenticatedUserPassword is required');
    if (authenticatedUserPassword !== null) {
      const self = await store.getUser(caller.id);
      if (!self || !(await verifyPassword(authenticatedUserPassword, self.passwordHash))) {
        throw new ValidationError('The given authenticated user password is not valid.');
      }
    }
    const existing = await userOr404(id);
    await store.updateUser({ ...existing, passwordHash: await hashPassword(password) });
    ctx.status = 204;
  });

  router.delete('/user/:id', admin, async (ctx) => {
    await store.deleteUser(ctx.params.id!);
    ctx.status = 204;
  });

  // ---- groups ------------------------------------------------------------------------------

  router.post('/group/create', admin, async (ctx) => {
    const body = bodyObject(ctx);
    const id = validId(requiredString(body, 'id'), 'id', IDENTITY_ID_PATTERN);
    const name = optionalString(body, 'name');
    const type = optionalString(body, 'type', 'type', 64);
    await store.createGroup({ id, name, type });
    ctx.status = 204;
  });

  router.get('/group', admin, async (ctx) => {
    ctx.body = (await store.findGroups(groupQuery(ctx, true))).map(groupOf);
  });

  // Registered before '/group/:id' so that 'count' is not taken for an id.
  router.get('/group/count', admin, async (ctx) => {
    ctx.body = { count: await store.countGroups(groupQuery(ctx, false)) };
  });

  router.get('/group/:id', admin, async (ctx) => {
    ctx.body = groupOf(await groupOr404(ctx.params.id!));
  });

  router.put('/group/:id', admin, async (ctx) => {
    const id = ctx.params.id!;
    const body = bodyObject(ctx);
    const bodyId = optionalString(body, 'id');
    if (bodyId !== null && bodyId !== id) throw new ValidationError(`id '${bodyId}' does not match the group id in the path`);
    await groupOr404(id);
    await store.updateGroup({ id, name: optionalString(body, 'name'), type: optionalString(body, 'type', 'type', 64) });
    ctx.status = 204;
  });

  router.delete('/group/:id', admin, async (ctx) => {
    await store.deleteGroup(ctx.params.id!);
    ctx.status = 204;
  });

  router.put('/group/:id/members/:userId', admin, async (ctx) => {
    await store.addMembership(ctx.params.id!, ctx.params.userId!);
    ctx.status = 204;
  });

  router.delete('/group/:id/members/:userId', admin, async (ctx) => {
    await store.removeMembership(ctx.params.id!, ctx.params.userId!);
    ctx.status = 204;
  });

  // ---- Camunda's identity service endpoint ------------------------------------------------

  router.get('/identity/groups', async (ctx) => {
    const userId = queryString(ctx, 'userId');
    if (!userId) throw new ValidationError("Query parameter 'userId' is required");
    assertSelfOrAdmin(ctx, userId);
    const ids = await store.groupsOf(userId);
    const groups = ids.length ? await store.findGroups({ idIn: ids }) : [];
    // Camunda also lists the other members of these groups; we do not expose them.
    ctx.body = { groups: groups.map((g) => ({ id: g.id, name: g.name })), groupUsers: [] };
  });

  return router;
}
