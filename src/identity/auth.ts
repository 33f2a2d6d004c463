import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { Forbidden, Unauthorized } from '../errors.ts';
import type { AuthUser } from '../api/types.ts';
import type { IdentityStore, TokenRecord, UserRecord } from '../store/identityStore.ts';
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
 * Checks a user id and password (the web app's login form). Returns the user, or undefined for
 * an unknown user and a wrong password alike, taking about as long in both cases.
 */
export async function verifyLogin(store: IdentityStore, userId: string, password: string): Promise<UserRecord | undefined> {
  const user = await store.getUser(userId);
  if (!user) {
    await verifyPassword(password, await dummy());
    return undefined;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : undefined;
}

// Web sessions (src/api/routes/session.ts): the session cookie carries a token of the same kind as
// the API tokens of POST /api/tokens (stored only as sha256), so sessions live in the store, survive
// restarts and work across API processes in both profiles.

/** Name of the session cookie. */
export const SESSION_COOKIE = 'kim_session';
/** `name` of the token records that are web sessions (they expire; API tokens do not). */
export const SESSION_TOKEN_NAME = 'web-session';
/** A web session ends this long after the login (a working day), whatever happens in between. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;
/** The request header that must carry the session's CSRF token on state-changing cookie requests. */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * The CSRF token of a session: derived from the session token itself (HMAC), so every API
 * process computes the same value without storing it, and nobody without the HttpOnly cookie can.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('kim-csrf-v1', 'utf8').digest('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True if the token record is a web session past its lifetime. */
export function sessionExpired(token: TokenRecord, now = Date.now()): boolean {
  if (token.name !== SESSION_TOKEN_NAME) return false;
  const created = Date.parse(token.createdAt);
  return !Number.isFinite(created) || now - created > SESSION_MAX_AGE_MS;
}

/** The session cookie's token, if the request carries a syntactically valid one. */
export function sessionCookieOf(ctx: Pick<Context, 'get'>): string | undefined {
  const header = ctx.get('Cookie');
  if (!header || header.length > MAX_HEADER * 2) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return TOKEN_SYNTAX.test(value) && value.length <= 512 ? value : undefined;
  }
  return undefined;
}

/** How the current request authenticated; set by authMiddleware. */
export type AuthScheme = 'basic' | 'bearer' | 'session';
const schemes = new WeakMap<object, { scheme: AuthScheme; sessionToken?: string }>();

/** The scheme this request authenticated with, and for a session its token (for the CSRF token). */
export function authOf(ctx: object): { scheme: AuthScheme; sessionToken?: string } | undefined {
  return schemes.get(ctx);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
 * `ctx.state.user = { id, groups, isAdmin }`. Without an Authorization header, the web app's
 * session cookie is accepted instead; a state-changing request (anything but GET/HEAD/OPTIONS)
 * made with it must carry the session's CSRF token in `X-CSRF-Token` (403 otherwise), since a
 * browser sends cookies along with requests other sites make it send. Anything else throws
 * Unauthorized (401; the errors middleware adds WWW-Authenticate).
 */
export function authMiddleware(store: IdentityStore, opts: AuthOptions = {}) {
  const cache = new VerifiedCache(opts.cacheSize ?? 1000);

  async function byToken(clear: string, what: string): Promise<string> {
    const token = await store.findToken(hashToken(clear));
    if (!token || sessionExpired(token) || !(await store.getUser(token.userId))) throw new Unauthorized(`Invalid ${what}`);
    return token.userId;
  }

  async function authenticate(header: string | undefined): Promise<string> {
    const creds = parseAuthorization(header);
    if (!creds) throw new Unauthorized(header ? 'Unsupported or malformed Authorization header' : 'Authentication required');
    if (creds.scheme === 'bearer') return byToken(creds.token, 'token');
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

  async function authenticateSession(ctx: Context, sessionToken: string): Promise<string> {
    let id: string;
    try {
      id = await byToken(sessionToken, 'or expired session');
    } catch (err) {
      ctx.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
      throw err;
    }
    if (!SAFE_METHODS.has(ctx.method)) {
      const sent = ctx.get(CSRF_HEADER);
      if (!sent || !sameSecret(sent, csrfTokenFor(sessionToken))) {
        throw new Forbidden(`Missing or invalid ${CSRF_HEADER} header (required for requests authenticated by the session cookie)`);
      }
    }
    return id;
  }

  return async function auth(ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('Authorization') || undefined;
    const sessionToken = header ? undefined : sessionCookieOf(ctx);
    let id: string;
    if (sessionToken) {
      id = await authenticateSession(ctx, sessionToken);
      schemes.set(ctx, { scheme: 'session', sessionToken });
    } else {
      id = await authenticate(header);
      schemes.set(ctx, { scheme: parseAuthorization(header)!.scheme });
    }
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
