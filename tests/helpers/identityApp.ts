import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import Database from 'better-sqlite3';
import { errorMiddleware } from '../../src/api/middleware/errors.ts';
import { identityRouter } from '../../src/api/routes/identity.ts';
import { tokensRouter } from '../../src/api/routes/tokens.ts';
import type { AppState } from '../../src/api/types.ts';
import { authMiddleware } from '../../src/identity/auth.ts';
import { SqliteIdentity } from '../../src/store/sqlite/identity.ts';

export interface IdentityApp {
  baseUrl: string;
  identity: SqliteIdentity;
  db: Database.Database;
  close(): Promise<void>;
}

/**
 * A real Koa app with the identity and token routes over a temp-file SQLite database,
 * listening on an ephemeral port. `/engine-rest` → identityRouter, `/api` → tokensRouter,
 * both behind authMiddleware.
 */
export async function startIdentityApp(): Promise<IdentityApp> {
  const dir = mkdtempSync(join(tmpdir(), 'kim-identity-'));
  const db = new Database(join(dir, 'identity.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SqliteIdentity.schema);
  const identity = new SqliteIdentity(db);

  const app = new Koa<AppState>();
  app.use(errorMiddleware(() => {}));
  app.use(bodyParser({ jsonLimit: '1mb' }));

  const engine = new Router<AppState>({ prefix: '/engine-rest' });
  engine.use(authMiddleware(identity));
  engine.use(identityRouter(identity).routes());

  const api = new Router<AppState>({ prefix: '/api' });
  api.use(authMiddleware(identity));
  api.use(tokensRouter(identity).routes());

  app.use(engine.routes()).use(engine.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    identity,
    db,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}
