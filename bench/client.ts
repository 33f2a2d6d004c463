/**
 * The load side: a keep-alive HTTP client (node:http, lighter than fetch), the deploy, and
 * the per-instance flow start → find task → complete, run by N concurrent clients that each
 * loop over their own instances until a shared count is reached.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { PROCESS_KEY, PROCESS_XML } from './process.ts';

export interface Client {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): void;
}

export function makeClient(baseUrl: string, auth: { user: string; password: string }, maxSockets: number): Client {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const authorization = 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`).toString('base64');
  return {
    request(method, path, body) {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = { Authorization: authorization };
      if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
      return new Promise((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

export async function deployProcess(baseUrl: string, auth: { user: string; password: string }): Promise<void> {
  const form = new FormData();
  form.append('deployment-name', 'bench');
  form.append('bench.bpmn', new Blob([PROCESS_XML], { type: 'application/octet-stream' }), 'bench.bpmn');
  const res = await fetch(`${baseUrl}/engine-rest/deployment/create`, {
    method: 'POST',
    headers: { Authorization: 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`).toString('base64') },
    body: form,
  });
  if (res.status !== 200) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
}

function expect(what: string, res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}

/** One instance through the API; returns the latency of the complete request in ms. */
export async function serviceInstance(client: Client): Promise<number> {
  const started = await client.request('POST', `/engine-rest/process-definition/key/${PROCESS_KEY}/start`, {});
  expect('start', started, 200);
  const tasks = await client.request('GET', `/engine-rest/task?processInstanceId=${encodeURIComponent(started.body.id)}`);
  expect('task query', tasks, 200);
  if (!Array.isArray(tasks.body) || tasks.body.length !== 1) throw new Error(`task query: expected one task, got ${JSON.stringify(tasks.body).slice(0, 300)}`);
  const t0 = performance.now();
  const done = await client.request('POST', `/engine-rest/task/${tasks.body[0].id}/complete`, {});
  const ms = performance.now() - t0;
  expect('complete', done, 204);
  return ms;
}

export interface LoadResult { instances: number; seconds: number; perSecond: number; completeMs: number[] }

/** `count` instances by `clients` concurrent loops; with several targets (API processes), loop k uses target k mod n. */
export async function runLoad(target: Client | Client[], count: number, clients: number): Promise<LoadResult> {
  const targets = Array.isArray(target) ? target : [target];
  let next = 0;
  const completeMs: number[] = [];
  const t0 = performance.now();
  const loop = async (_: unknown, k: number) => {
    const client = targets[k % targets.length]!;
    while (next < count) {
      next++;
      completeMs.push(await serviceInstance(client));
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, loop));
  const seconds = (performance.now() - t0) / 1000;
  return { instances: count, seconds, perSecond: count / seconds, completeMs };
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
