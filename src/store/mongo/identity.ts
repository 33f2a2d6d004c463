/**
 * MongoDB adapter of the identity port, with the semantics of src/store/sqlite/identity.ts:
 * Conflict on a duplicate user/group id or token hash, NotFound on an unknown user/group,
 * idempotent membership add/remove, deletes cascading to memberships and tokens, results ordered
 * by id, paging clamped like the SQLite adapter's. No transactions: a delete removes the user or
 * group first (the answer to "does it exist"), then its memberships and tokens.
 */
import type { Collection } from 'mongodb';
import { Conflict, NotFound, ValidationError } from '../../errors.ts';
import type { GroupQuery, GroupRecord, IdentityStore, TokenRecord, UserQuery, UserRecord } from '../identityStore.ts';
import { byId, compositeId, type Doc } from './docs.ts';
import { domainError } from './errors.ts';
import type { Collections } from './schema.ts';

type Query = Record<string, unknown>;

const toUser = (d: Doc): UserRecord => ({
  id: d._id, firstName: d.firstName ?? null, lastName: d.lastName ?? null, email: d.email ?? null, passwordHash: d.passwordHash,
});
const userDoc = (u: UserRecord): Doc => ({
  _id: u.id, firstName: u.firstName, lastName: u.lastName, email: u.email, passwordHash: u.passwordHash,
});
const toGroup = (d: Doc): GroupRecord => ({ id: d._id, name: d.name ?? null, type: d.type ?? null });
const toToken = (d: Doc): TokenRecord => ({ hash: d._id, userId: d.userId, name: d.name ?? null, createdAt: d.createdAt });

function str(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError(`${name} must be a string`);
  return value;
}

function eqAll(fields: Array<[string, unknown]>): Query[] {
  return fields.filter(([, v]) => v !== undefined).map(([field, v]) => ({ [field]: { $eq: str(field, v) } }));
}

function idIn(values: unknown): Query[] {
  if (values === undefined) return [];
  if (!Array.isArray(values)) throw new ValidationError('expected a list for idIn');
  return [{ _id: { $in: values.map((v) => str('idIn', v)) } }];
}

const and = (parts: Query[]): Query => (parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts });

async function page(coll: Collection<Doc>, filter: Query, q: { firstResult?: number; maxResults?: number }): Promise<Doc[]> {
  const limit = q.maxResults === undefined ? undefined : Math.max(0, Math.floor(q.maxResults));
  const skip = q.firstResult === undefined ? 0 : Math.max(0, Math.floor(q.firstResult));
  if (limit === 0) return [];
  return coll.find(filter, { sort: { _id: 1 }, skip, ...(limit === undefined ? {} : { limit }) }).toArray();
}

export class MongoIdentity implements IdentityStore {
  constructor(private readonly c: Collections) {}

  private async exists(coll: Collection<Doc>, id: string): Promise<boolean> {
    return (await coll.findOne(byId(id), { projection: { _id: 1 } })) !== null;
  }

  private async memberIds(field: 'userId' | 'groupId', by: 'groupId' | 'userId', value: string): Promise<string[]> {
    const rows = await this.c.memberships.find({ [by]: { $eq: value } }, { projection: { [field]: 1 } }).toArray();
    return rows.map((r) => r[field] as string);
  }

  private async userFilter(q: UserQuery): Promise<Query> {
    const parts = [...eqAll([['_id', q.id], ['firstName', q.firstName], ['lastName', q.lastName], ['email', q.email]]), ...idIn(q.idIn)];
    if (q.memberOfGroup !== undefined) parts.push({ _id: { $in: await this.memberIds('userId', 'groupId', str('memberOfGroup', q.memberOfGroup)) } });
    return and(parts);
  }

  private async groupFilter(q: GroupQuery): Promise<Query> {
    const parts = [...eqAll([['_id', q.id], ['name', q.name], ['type', q.type]]), ...idIn(q.idIn)];
    if (q.member !== undefined) parts.push({ _id: { $in: await this.memberIds('groupId', 'userId', str('member', q.member)) } });
    return and(parts);
  }

  // Users.

  async getUser(id: string): Promise<UserRecord | undefined> {
    const d = await this.c.users.findOne(byId(id));
    return d ? toUser(d) : undefined;
  }

  async createUser(user: UserRecord): Promise<void> {
    try {
      await this.c.users.insertOne(userDoc(user));
    } catch (err) {
      throw domainError(err, () => new Conflict(`User with id '${user.id}' already exists`));
    }
  }

  async updateUser(user: UserRecord): Promise<void> {
    const { _id, ...fields } = userDoc(user);
    const result = await this.c.users.updateOne(byId(_id), { $set: fields });
    if (result.matchedCount === 0) throw new NotFound(`User with id '${user.id}' does not exist`);
  }

  async deleteUser(id: string): Promise<void> {
    const result = await this.c.users.deleteOne(byId(id));
    await this.c.memberships.deleteMany({ userId: { $eq: id } });
    await this.c.tokens.deleteMany({ userId: { $eq: id } });
    if (result.deletedCount === 0) throw new NotFound(`User with id '${id}' does not exist`);
  }

  async findUsers(query: UserQuery): Promise<UserRecord[]> {
    return (await page(this.c.users, await this.userFilter(query), query)).map(toUser);
  }

  async countUsers(query: UserQuery): Promise<number> {
    return this.c.users.countDocuments(await this.userFilter(query));
  }

  // Groups.

  async getGroup(id: string): Promise<GroupRecord | undefined> {
    const d = await this.c.groups.findOne(byId(id));
    return d ? toGroup(d) : undefined;
  }

  async createGroup(group: GroupRecord): Promise<void> {
    try {
      await this.c.groups.insertOne({ _id: group.id, name: group.name, type: group.type });
    } catch (err) {
      throw domainError(err, () => new Conflict(`Group with id '${group.id}' already exists`));
    }
  }

  async updateGroup(group: GroupRecord): Promise<void> {
    const result = await this.c.groups.updateOne(byId(group.id), { $set: { name: group.name, type: group.type } });
    if (result.matchedCount === 0) throw new NotFound(`Group with id '${group.id}' does not exist`);
  }

  async deleteGroup(id: string): Promise<void> {
    const result = await this.c.groups.deleteOne(byId(id));
    await this.c.memberships.deleteMany({ groupId: { $eq: id } });
    if (result.deletedCount === 0) throw new NotFound(`Group with id '${id}' does not exist`);
  }

  async findGroups(query: GroupQuery): Promise<GroupRecord[]> {
    return (await page(this.c.groups, await this.groupFilter(query), query)).map(toGroup);
  }

  async countGroups(query: GroupQuery): Promise<number> {
    return this.c.groups.countDocuments(await this.groupFilter(query));
  }

  // Memberships.

  private async assertUserAndGroup(groupId: string, userId: string): Promise<void> {
    if (!(await this.exists(this.c.groups, groupId))) throw new NotFound(`Group with id '${groupId}' does not exist`);
    if (!(await this.exists(this.c.users, userId))) throw new NotFound(`User with id '${userId}' does not exist`);
  }

  /** Idempotent: adding an existing membership is a no-op. */
  async addMembership(groupId: string, userId: string): Promise<void> {
    await this.assertUserAndGroup(groupId, userId);
    try {
      await this.c.memberships.insertOne({ _id: compositeId(groupId, userId), groupId, userId });
    } catch (err) {
      const mapped = domainError(err);
      if (!(mapped instanceof Conflict)) throw mapped;
    }
  }

  /** Removing a membership that does not exist is a no-op; an unknown user or group is NotFound. */
  async removeMembership(groupId: string, userId: string): Promise<void> {
    await this.assertUserAndGroup(groupId, userId);
    await this.c.memberships.deleteOne(byId(compositeId(groupId, userId)));
  }

  async groupsOf(userId: string): Promise<string[]> {
    const rows = await this.c.memberships.find({ userId: { $eq: userId } }, { projection: { groupId: 1 }, sort: { groupId: 1 } }).toArray();
    return rows.map((r) => r.groupId as string);
  }

  // Tokens.

  /** NotFound if the user does not exist; Conflict if the hash is already stored. */
  async addToken(token: TokenRecord): Promise<void> {
    if (!(await this.exists(this.c.users, token.userId))) throw new NotFound(`User with id '${token.userId}' does not exist`);
    try {
      await this.c.tokens.insertOne({ _id: token.hash, userId: token.userId, name: token.name, createdAt: token.createdAt });
    } catch (err) {
      throw domainError(err, () => new Conflict('Token already exists'));
    }
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const d = await this.c.tokens.findOne(byId(hash));
    return d ? toToken(d) : undefined;
  }

  /** Deleting an unknown token is a no-op. */
  async deleteToken(hash: string): Promise<void> {
    await this.c.tokens.deleteOne(byId(hash));
  }
}
