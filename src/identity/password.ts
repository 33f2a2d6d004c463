import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ValidationError } from '../errors.ts';

/**
 * Password hashing with scrypt (node:crypto), stored as `scrypt$N$r$p$saltB64$hashB64`
 * (standard base64). Parameters travel with the hash so they can be raised later without
 * invalidating existing hashes. Nothing here keeps a password or a derived key in memory
 * beyond the call.
 */

export const SCRYPT_N = 16384;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
export const MAX_PASSWORD_LENGTH = 1024;

/** Upper bounds accepted when verifying a stored hash (a tampered row must not allocate gigabytes). */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function maxmemFor(N: number, r: number, p: number): number {
  // scrypt needs about 128 * N * r bytes (+ 128 * r * p); leave head room over Node's 32 MiB default.
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

/** Throws ValidationError unless `plain` is a non-empty string of at most 1024 characters. */
export function assertPasswordAcceptable(plain: unknown, field = 'password'): asserts plain is string {
  if (typeof plain !== 'string') throw new ValidationError(`${field} must be a string`);
  if (plain.length === 0) throw new ValidationError(`${field} must not be empty`);
  if (plain.length > MAX_PASSWORD_LENGTH) throw new ValidationError(`${field} must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

export async function hashPassword(plain: string): Promise<string> {
  assertPasswordAcceptable(plain);
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(plain, salt, KEY_BYTES, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, maxmem: maxmemFor(SCRYPT_N, SCRYPT_R, SCRYPT_P) });
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const INT = /^[1-9][0-9]{0,9}$/;

function parseStored(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, nS, rS, pS, saltS, keyS] = parts as [string, string, string, string, string, string];
  if (!INT.test(nS) || !INT.test(rS) || !INT.test(pS) || !B64.test(saltS) || !B64.test(keyS)) return undefined;
  const N = Number(nS);
  const r = Number(rS);
  const p = Number(pS);
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r > MAX_R || p > MAX_P) return undefined;
  const salt = Buffer.from(saltS, 'base64');
  const key = Buffer.from(keyS, 'base64');
  if (salt.length < 8 || key.length < 16 || key.length > 256) return undefined;
  return { N, r, p, salt, key };
}

/**
 * True if `plain` matches `stored`. Never throws for bad input: an empty or over-long password
 * or a malformed stored hash gives false (callers turn that into 401, not 400/500).
 */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  if (typeof plain !== 'string' || typeof stored !== 'string') return false;
  if (plain.length === 0 || plain.length > MAX_PASSWORD_LENGTH) return false;
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  let derived: Buffer;
  try {
    derived = await scryptAsync(plain, salt, key.length, { N, r, p, maxmem: maxmemFor(N, r, p) });
  } catch {
    return false;
  }
  return derived.length === key.length && timingSafeEqual(derived, key);
}
