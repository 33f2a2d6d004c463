/**
 * Real servers for the distributed-profile tests: FerretDB (MongoDB wire protocol, SQLite backend,
 * embedded in the small Go program under ./ferretdb) and Debian's redis-server, both on free
 * loopback ports with throwaway data directories.
 *
 *   const s = await startServices();   // { mongodbUrl, redisUrl, stop() }
 *
 * `npm run services` (start.ts) is the command-line face of this module.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FERRETDB_SOURCE_DIR = path.join(here, 'ferretdb');
export const FERRETDB_BINARY = path.join(here, 'bin', 'ferretdb-test-server');

export interface RunningServices {
  mongodbUrl: string;
  redisUrl: string;
  /** Stops both servers (SIGTERM, SIGKILL after 10 s) and removes their data directories. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where progress and the servers' own logs go; default: process.stderr. */
  log?: (line: string) => void;
  /** Called when a server exits on its own (not through stop()). */
  onUnexpectedExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
  /** Path of redis-server; default: $REDIS_SERVER_BIN or `redis-server` from PATH. */
  redisServer?: string;
}

const defaultLog = (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

export async function startServices(options: StartOptions = {}): Promise<RunningServices> {
  const log = options.log ?? defaultLog;
  await ensureFerretdbBinary(log);

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kim-services-'));
  log(`[services] data in ${dir}`);
  const onExit: ExitHandler = (name, code, signal) => {
    log(`[services] ${name} exited unexpectedly (code ${code}, signal ${signal})`);
    options.onUnexpectedExit?.(name, code, signal);
  };
  const started = await Promise.allSettled([
    startFerretdb(path.join(dir, 'ferretdb'), log),
    startRedis(path.join(dir, 'redis'), options.redisServer ?? process.env.REDIS_SERVER_BIN ?? 'redis-server', log),
  ]);
  const children = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(children.map((c) => c.stop()));
      await fsp.rm(dir, { recursive: true, force: true });
    })());

  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [ferret, redis] = children;
  ferret.arm(onExit);
  redis.arm(onExit);
  return { mongodbUrl: ferret.url, redisUrl: redis.url, stop };
}

// ---------------------------------------------------------------------------------------------
// FerretDB

/** Builds the Go program if the binary is missing or older than any of its sources. */
export async function ensureFerretdbBinary(log: (line: string) => void = defaultLog): Promise<string> {
  const sources = fs
    .readdirSync(FERRETDB_SOURCE_DIR)
    .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
    .map((f) => path.join(FERRETDB_SOURCE_DIR, f));
  const newestSource = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  const built = fs.existsSync(FERRETDB_BINARY) ? fs.statSync(FERRETDB_BINARY).mtimeMs : -1;
  if (built >= newestSource) return FERRETDB_BINARY;

  fs.mkdirSync(path.dirname(FERRETDB_BINARY), { recursive: true });
  // Build next to the target and rename, so a concurrent start never runs a half-written binary.
  const tmp = `${FERRETDB_BINARY}.${process.pid}.tmp`;
  log(`[services] building FerretDB test server (go build in ${path.relative(process.cwd(), FERRETDB_SOURCE_DIR) || '.'}); the first build downloads modules and takes a minute or more`);
  const t0 = Date.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const p = spawn('go', ['build', '-buildvcs=false', '-o', tmp, '.'], {
      cwd: FERRETDB_SOURCE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    });
    p.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error('`go` was not found on PATH: Go (>= 1.24) is needed to build the FerretDB test server') : err),
    );
    p.stdout!.on('data', (d) => log(`[go build] ${String(d).trimEnd()}`));
    p.stderr!.on('data', (d) => log(`[go build] ${String(d).trimEnd()}`));
    p.on('close', resolve);
  });
  if (code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`go build of the FerretDB test server failed (exit ${code}); see the [go build] lines above`);
  }
  fs.renameSync(tmp, FERRETDB_BINARY);
  log(`[services] FerretDB test server built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return FERRETDB_BINARY;
}

async function startFerretdb(dataDir: string, log: (l: string) => void): Promise<Managed> {
  await fsp.mkdir(dataDir, { recursive: true });
  const args = ['-listen', '127.0.0.1:0', '-data-dir', dataDir, '-exit-on-stdin-eof'];
  if (process.env.FERRETDB_LOG_LEVEL) args.push('-log-level', process.env.FERRETDB_LOG_LEVEL);
  // stdin stays an open pipe: if this process dies without stop(), FerretDB sees EOF and exits.
  // Own process group (detached): a terminal's Ctrl-C reaches only us, and we stop the servers in order.
  const child = spawn(FERRETDB_BINARY, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const managed = manage('ferretdb', child, log);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('FerretDB did not print MONGODB_URL within 30 s')), 30_000);
      child.once('error', (e) => (clearTimeout(timer), reject(e)));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`FerretDB exited during startup (code ${code})`))));
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /^MONGODB_URL=(mongodb:\/\/\S+)$/.exec(line.trim());
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        } else log(`[ferretdb] ${line}`);
      });
    });
    await waitFor(() => pingMongo(url), 'FerretDB ping', 10_000);
    log(`[services] FerretDB answers on ${url}`);
    return { ...managed, url };
  } catch (err) {
    await managed.stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Redis

async function startRedis(dir: string, name: string, log: (l: string) => void): Promise<Managed> {
  const bin = findExecutable(name);
  if (!bin) throw new Error(`${name} not found: install it with \`apt-get install -y redis-server\` (or set REDIS_SERVER_BIN)`);
  await fsp.mkdir(dir, { recursive: true });
  // A free port may be taken between probing and binding: retry with another one.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--dir', dir,
    ];
    // setpriv --pdeathsig: Redis gets SIGTERM if this process dies without calling stop().
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
    const opts: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], detached: true };
    const child = setpriv ? spawn(setpriv, ['--pdeathsig', 'SIGTERM', '--', bin, ...args], opts) : spawn(bin, args, opts);
    let exited = false;
    const startupError = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => ((exited = true), reject(new Error(`redis-server exited during startup (code ${code})`))));
    });
    startupError.catch(() => {});
    const managed = manage('redis', child, log);
    const url = `redis://127.0.0.1:${port}`;
    try {
      await Promise.race([waitFor(() => pingRedis(url), 'Redis PING', 15_000, () => exited), startupError]);
      log(`[services] Redis answers on ${url}`);
      return { ...managed, url };
    } catch (err) {
      await managed.stop();
      if (!exited || attempt >= 3) throw err;
      log(`[services] ${(err as Error).message}; retrying on another port`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Raw-protocol liveness checks (no client libraries)

/** Sends PING in RESP and expects +PONG. */
export function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const { hostname, port } = new URL(url);
  return exchange(hostname, Number(port || 6379), Buffer.from('*1\r\n$4\r\nPING\r\n'), timeoutMs, (buf) => {
    const text = buf.toString('latin1');
    const end = text.indexOf('\r\n');
    if (end < 0) return undefined;
    if (text.slice(0, end) === '+PONG') return true;
    throw new Error(`Redis answered ${JSON.stringify(text.slice(0, end))} to PING`);
  });
}

/** Sends an OP_MSG `{ ping: 1, $db: "admin" }` and expects a reply with ok: 1. */
export function pingMongo(url: string, timeoutMs = 2000): Promise<void> {
  const { hostname, port } = new URL(url);
  const doc = bsonDoc([
    [0x10, 'ping', int32(1)],
    [0x02, '$db', bsonString('admin')],
  ]);
  const body = Buffer.concat([int32(0) /* flagBits */, Buffer.from([0]) /* section kind 0 */, doc]);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // OP_MSG
  return exchange(hostname, Number(port || 27017), Buffer.concat([header, body]), timeoutMs, (buf) => {
    if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return undefined;
    if (buf.readInt32LE(12) !== 2013 || buf.readUInt8(20) !== 0) throw new Error('unexpected reply to ping');
    const ok = bsonNumber(buf.subarray(21), 'ok');
    if (ok === 1) return true;
    throw new Error(`ping answered ok: ${ok}`);
  });
}

function exchange(host: string, port: number, request: Buffer, timeoutMs: number, parse: (buf: Buffer) => true | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    socket.on('error', (e) => done(e));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      try {
        if (parse(buf)) done();
      } catch (e) {
        done(e as Error);
      }
    });
    socket.on('end', () => done(new Error(`${host}:${port} closed the connection without an answer`)));
  });
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const bsonString = (s: string) => {
  const bytes = Buffer.from(s + '\0', 'utf8');
  return Buffer.concat([int32(bytes.length), bytes]);
};
function bsonDoc(elements: [type: number, name: string, value: Buffer][]): Buffer {
  const body = Buffer.concat(elements.flatMap(([t, n, v]) => [Buffer.from([t]), Buffer.from(n + '\0', 'utf8'), v]));
  return Buffer.concat([int32(4 + body.length + 1), body, Buffer.from([0])]);
}
/** Reads a top-level numeric field (double, int32, int64) of a BSON document. */
function bsonNumber(doc: Buffer, field: string): number | undefined {
  const size = doc.readInt32LE(0);
  let i = 4;
  while (i < size - 1) {
    const type = doc[i++];
    const nameEnd = doc.indexOf(0, i);
    const name = doc.toString('utf8', i, nameEnd);
    i = nameEnd + 1;
    let value: number | undefined;
    let len: number;
    switch (type) {
      case 0x01: value = doc.readDoubleLE(i); len = 8; break;
      case 0x10: value = doc.readInt32LE(i); len = 4; break;
      case 0x12: value = Number(doc.readBigInt64LE(i)); len = 8; break;
      case 0x02: case 0x0d: case 0x0e: len = 4 + doc.readInt32LE(i); break; // string, code, symbol
      case 0x03: case 0x04: len = doc.readInt32LE(i); break; // document, array
      case 0x05: len = 5 + doc.readInt32LE(i); break; // binary
      case 0x07: len = 12; break; // ObjectId
      case 0x08: len = 1; break; // bool
      case 0x09: case 0x11: len = 8; break; // datetime, timestamp
      case 0x0a: case 0x06: case 0xff: case 0x7f: len = 0; break; // null, undefined, min/max key
      case 0x13: len = 16; break; // decimal128
      case 0x0b: { // regex: two cstrings
        const a = doc.indexOf(0, i);
        len = doc.indexOf(0, a + 1) + 1 - i;
        break;
      }
      default: return undefined;
    }
    if (name === field) return value;
    i += len;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Child processes

type ExitHandler = (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
interface Managed {
  url: string;
  /** From now on, an exit that stop() did not ask for is reported to the handler. */
  arm(onExit: ExitHandler): void;
  stop(): Promise<void>;
}

/** Forwards a child's output to the log and gives it a stop(): SIGTERM, then SIGKILL after 10 s. */
function manage(name: string, child: ChildProcess, log: (l: string) => void): Managed {
  let stopping = false;
  let onExit: ExitHandler | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopping) onExit?.(name, code, signal);
      resolve();
    });
    child.once('error', () => resolve());
  });
  const forward = (stream: NodeJS.ReadableStream | null) => {
    if (stream) readline.createInterface({ input: stream }).on('line', (l) => log(`[${name}] ${l}`));
  };
  // FerretDB's stdout is read by its own startup code (the URL line).
  if (name !== 'ferretdb') forward(child.stdout);
  forward(child.stderr);
  return {
    url: '',
    arm(handler) {
      onExit = handler;
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.stdin?.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitFor(check: () => Promise<void>, what: string, timeoutMs: number, gaveUp = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline || gaveUp()) throw new Error(`${what} failed for ${timeoutMs / 1000} s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** An absolute path as is, else the first match on PATH. */
function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, name));
  return candidates.find((f) => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
