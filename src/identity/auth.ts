import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';
import { Forbidden, Unauthorized } from '../errors.ts';
import type { AuthUser } from '../api/types.ts';
import type { IdentityStore } from '../store/identityStore.ts';
import { hashPassword, verifyPassword } from './password.ts';

/** The group whose members may do everything (user/group administration included). */
export const ADMIN_GROUP = 'admin';

export interface AuthOptions {
  /** Max entries of the verified-credentials cache (default 1000; 0 disables it). */
  cacheSize?: number;
}

/** sha256 hex of a bearer token: the only form in which tokens are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Creates an API token for `userId` and returns it. This is the only time the token exists
 * in clear text: the store keeps only its sha256. 32 random bytes, base64url (43 chars).
 */
export async function createToken(store: IdentityStore, userId: string, name: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store.addToken({ hash: hashToken(token), userId, name, createdAt: new Date().toISOString() });
  return token;
}

export type Credentials =
  | { scheme: 'basic'; userId: string; password: string }
  | { scheme: 'bearer'; token: string };

const MAX_HEADER = 4096;
const TOKEN_SYNTAX = /^[A-Za-z0-9._~+/-]+=*$/;

/** Parses an Authorization header; undefined if absent or not Basic/Bearer or malformed. */
export function parseAuthorization(header: string | undefined): Credentials | undefined {
  if (!header || header.length > MAX_HEADER) return undefined;
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  if (scheme === 'basic') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { scheme: 'basic', userId: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (scheme === 'bearer') {
    if (!TOKEN_SYNTAX.test(value) || value.length > 512) return undefined;
    return { scheme: 'bearer', token: value };
  }
  return undefined;
}

/** sha256 hex of the bearer token this request authenticated with, if it used one. */
export function bearerTokenHashOf(ctx: Pick<Context, 'get'>): string | undefined {
  const creds = parseAuthorization(ctx.get('Authorization') || undefined);
  return creds?.scheme === 'bearer' ? hashToken(creds.token) : undefined;
}

/** True if the user is a member of `group` (membership only; admins are not implied). */
export function isMember(user: AuthUser | undefined, group: string): boolean {
  return !!user && user.groups.includes(group);
}

/** Hash used to keep an unknown-user login about as slow as a wrong password (no user enumeration by timing). */
let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64url'));
  return dummyHash;
}

/**
 * Verified-credentials cache. scrypt costs ~50 ms and HTTP Basic resends the password on every
 * request, so successful verifications are remembered. The key is an HMAC-SHA256 (per-process
 * random key) of `userId:password:storedHash`, never the password itself, and only `true` is
 * stored. Because the stored hash is part of the key, a changed password (or a re-hash) makes
 * old entries unreachable at once; a deleted user fails before the cache is consulted because
 * the user lookup comes first. Entries are evicted oldest-first beyond `max`.
 */
class VerifiedCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, true>();
  constructor(private readonly max: number) {}

  private digest(userId: string, password: string, storedHash: string): string {
    return createHmac('sha256', this.key).update(`${userId}:${password}:${storedHash}`, 'utf8').digest('hex');
  }

  has(userId: string, password: string, storedHash: string): boolean {
    if (this.max <= 0) return false;
    return this.entries.has(this.digest(userId, password, storedHash));
  }

  add(userId: string, password: string, storedHash: string): void {
    if (this.max <= 0) return;
    const k = this.digest(userId, password, storedHash);
    this.entries.delete(k);
    this.entries.set(k, true);
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/**
 * Authenticates `Authorization: Basic base64(user:pass)` (Camunda Modeler, Camunda clients) or
 * `Authorization: Bearer <token>` (API tokens from POST /api/tokens) and sets
 * `ctx.state.user = { id, groups, isAdmin }`. Anything else throws Unauthorized (401; the
 * errors middleware adds WWW-Authenticate).
 */
export function authMiddleware(store: IdentityStore, opts: AuthOptions = {}) {
  const cache = new VerifiedCache(opts.cacheSize ?? 1000);

  async function authenticate(header: string | undefined): Promise<string> {
    const creds = parseAuthorization(header);
    if (!creds) throw new Unauthorized(header ? 'Unsupported or malformed Authorization header' : 'Authentication required');
    if (creds.scheme === 'bearer') {
      const token = await store.findToken(hashToken(creds.token));
      if (!token || !(await store.getUser(token.userId))) throw new Unauthorized('Invalid token');
      return token.userId;
    }
    const user = await store.getUser(creds.userId);
    if (!user) {
      await verifyPassword(creds.password, await dummy());
      throw new Unauthorized('Invalid user id or password');
    }
    if (cache.has(user.id, creds.password, user.passwordHash)) return user.id;
    if (!(await verifyPassword(creds.password, user.passwordHash))) throw new Unauthorized('Invalid user id or password');
    cache.add(user.id, creds.password, user.passwordHash);
    return user.id;
  }

  return async function auth(ctx: Context, next: Next): Promise<void> {
    const id = await authenticate(ctx.get('Authorization') || undefined);
    const groups = await store.groupsOf(id);
    const user: AuthUser = { id, groups, isAdmin: groups.includes(ADMIN_GROUP) };
    ctx.state.user = user;
    await next();
  };
}

/** Forbidden unless the authenticated user is an admin or a member of one of `groups`. */
export function requireGroup(...groups: string[]) {
  return async function requireGroupMiddleware(ctx: Context, next: Next): Promise<void> {
    const user = ctx.state.user as AuthUser | undefined;
    if (!user) throw new Unauthorized('Authentication required');
    if (!user.isAdmin && !groups.some((g) => user.groups.includes(g))) {
      throw new Forbidden(`User '${user.id}' is not allowed to do this (requires group ${groups.map((g) => `'${g}'`).join(' or ')})`);
    }
    await next();
  };
}

/** The authenticated user or Unauthorized (for handlers behind authMiddleware). */
export function currentUser(ctx: { state: { user?: AuthUser } }): AuthUser {
  const user = ctx.state.user;
  if (!user) throw new Unauthorized('Authentication required');
  return user;
}
