/**
 * Configuration from the environment, validated at start: a bad value stops the service with
 * a message naming the variable. Defaults are the embedded profile's.
 */
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  adminUser: string | undefined;
  adminPassword: string | undefined;
  /** Create demo users for every group (embedded default: yes). */
  demoUsers: boolean;
  /** Directory of BPMN files deployed at start. */
  processesDir: string;
  maxBodyBytes: number;
  maxFileBytes: number;
  /** Distributed profile: MongoDB store (else SQLite under dataDir). */
  mongodbUrl: string | undefined;
  /** Distributed profile: BullMQ on Redis (else the in-process scheduler). */
  redisUrl: string | undefined;
  /**
   * Whether this process runs the timer/job workers. Embedded: always. With Redis, API
   * processes run none unless RUN_WORKERS=true; `npm run worker` runs them.
   */
  runWorkers: boolean;
  /** `controlled` (tests and demos): time stands still until set or advanced via /api/clock. */
  clock: 'system' | 'controlled';
  /** SMTP server for e-mail notifications (`smtp://host:port`); without it, notifications go to the in-app inbox only. */
  smtpUrl: string | undefined;
  /** Sender address of notification e-mails. */
  mailFrom: string;
  /** Public base URL of the web app, for links in e-mails. */
  publicUrl: string | undefined;
  /** Benefit law (KIM-PROCESSES.md §2 step 5): §24 cut-over date and whether the change is in force. */
  benefitRules: { cutoverDate: string; lawInForce: boolean };
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got '${raw}'`);
  return Number(raw);
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
}

function url(env: NodeJS.ProcessEnv, name: string, pattern: RegExp): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!pattern.test(raw)) throw new ConfigError(`${name} is not a valid URL for this setting: '${raw}'`);
  return raw;
}

function isoDate(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) throw new ConfigError(`${name} must be an ISO date (YYYY-MM-DD), got '${raw}'`);
  return raw;
}

function clockMode(raw: string | undefined): Config['clock'] {
  if (raw === undefined || raw === '' || raw === 'system') return 'system';
  if (raw === 'controlled') return 'controlled';
  throw new ConfigError(`CLOCK must be 'system' or 'controlled', got '${raw}'`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const adminUser = env.ADMIN_USER || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminUser && !/^[A-Za-z0-9_.@-]{1,64}$/.test(adminUser)) throw new ConfigError(`ADMIN_USER must match [A-Za-z0-9_.@-]{1,64}, got '${adminUser}'`);
  if (Boolean(adminUser) !== Boolean(adminPassword)) throw new ConfigError('ADMIN_USER and ADMIN_PASSWORD must be set together');
  if (adminPassword && adminPassword.length < 8) throw new ConfigError('ADMIN_PASSWORD must have at least 8 characters');
  const mongodbUrl = env.MONGODB_URL || undefined;
  if (mongodbUrl && !/^mongodb(\+srv)?:\/\/[^\s]+$/.test(mongodbUrl)) throw new ConfigError(`MONGODB_URL must be a mongodb:// or mongodb+srv:// URL, got '${mongodbUrl}'`);
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got '${redisUrl}'`);
  return {
    mongodbUrl,
    redisUrl,
    runWorkers: redisUrl ? bool(env, 'RUN_WORKERS', false) : true,
    clock: clockMode(env.CLOCK),
    smtpUrl: url(env, 'SMTP_URL', /^smtps?:\/\/[^\s]+$/),
    mailFrom: env.MAIL_FROM || 'KIM Herne <kim-workflow@localhost>',
    publicUrl: url(env, 'PUBLIC_URL', /^https?:\/\/[^\s]+$/),
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(cwd, env.DATA_DIR || 'data'),
    adminUser,
    adminPassword,
    demoUsers: bool(env, 'DEMO_USERS', true),
    processesDir: path.resolve(cwd, env.PROCESSES_DIR || 'processes'),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxFileBytes: int(env, 'MAX_FILE_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    benefitRules: { cutoverDate: isoDate(env, 'BENEFIT_CUTOVER_DATE', '2025-04-01'), lawInForce: bool(env, 'BENEFIT_LAW_IN_FORCE', false) },
  };
}
