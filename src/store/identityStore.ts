/**
 * Users, groups, memberships and API tokens: the identity part of the store port.
 * Passwords are stored only as a KDF hash (see src/identity/password.ts); tokens only as sha256.
 */

export interface UserRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** `scrypt$N$r$p$salt$hash` (base64 parts). */
  passwordHash: string;
}

export interface GroupRecord {
  id: string;
  name: string | null;
  /** Camunda group type; `ORGANISATION` for the Träger/KI organisations, `WORKFLOW` for candidate groups, `SYSTEM` for admin. */
  type: string | null;
}

export interface TokenRecord {
  /** sha256 hex of the bearer token. */
  hash: string;
  userId: string;
  name: string | null;
  createdAt: string;
}

export interface UserQuery {
  id?: string;
  idIn?: string[];
  firstName?: string;
  lastName?: string;
  email?: string;
  memberOfGroup?: string;
  firstResult?: number;
  maxResults?: number;
}

export interface GroupQuery {
  id?: string;
  idIn?: string[];
  name?: string;
  type?: string;
  member?: string;
  firstResult?: number;
  maxResults?: number;
}

export interface IdentityStore {
  getUser(id: string): Promise<UserRecord | undefined>;
  /** Throws Conflict if the id exists. */
  createUser(user: UserRecord): Promise<void>;
  updateUser(user: UserRecord): Promise<void>;
  /** Removes the user with memberships and tokens. */
  deleteUser(id: string): Promise<void>;
  findUsers(query: UserQuery): Promise<UserRecord[]>;
  countUsers(query: UserQuery): Promise<number>;

  getGroup(id: string): Promise<GroupRecord | undefined>;
  createGroup(group: GroupRecord): Promise<void>;
  updateGroup(group: GroupRecord): Promise<void>;
  deleteGroup(id: string): Promise<void>;
  findGroups(query: GroupQuery): Promise<GroupRecord[]>;
  countGroups(query: GroupQuery): Promise<number>;

  addMembership(groupId: string, userId: string): Promise<void>;
  removeMembership(groupId: string, userId: string): Promise<void>;
  /** Group ids of a user. */
  groupsOf(userId: string): Promise<string[]>;

  addToken(token: TokenRecord): Promise<void>;
  findToken(hash: string): Promise<TokenRecord | undefined>;
  deleteToken(hash: string): Promise<void>;
}
