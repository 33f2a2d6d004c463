/**
 * Starts the real service on a random port with a temporary data directory, and talks to it
 * over real HTTP as the users would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { HandlerRegistry } from '../../src/engine/handlers.ts';
import { startService, type RunningService } from '../../src/service.ts';

export const ADMIN = { user: 'admin', password: 'admin-secret-1' };

export interface TestService {
  service: RunningService;
  clock: ManualClock;
  dataDir: string;
  handlers: HandlerRegistry;
  api: Api;
  /** Stops the service (the data directory stays, for restart tests). */
  stop(): Promise<void>;
  /** Stops and starts again on the same data directory. */
  restart(): Promise<void>;
  /** Stops and removes the data directory. */
  close(): Promise<void>;
}

export interface Api {
  (method: string, url: string, body?: unknown, auth?: { user: string; password: string }): Promise<{ status: number; body: any; headers: Headers }>;
  as(user: string, password: string): Api;
}

export function makeApi(base: () => string, auth: { user: string; password: string } = ADMIN): Api {
  const call = async (method: string, url: string, body?: unknown, who = auth) => {
    const headers: Record<string, string> = { Authorization: 'Basic ' + Buffer.from(`${who.user}:${who.password}`).toString('base64') };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(base() + url, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const api = call as Api;
  api.as = (user, password) => makeApi(base, { user, password });
  return api;
}

export async function startTestService(
  opts: { processesDir?: string; clock?: ManualClock; handlers?: HandlerRegistry; /** Extra config env (e.g. MAX_FILE_BYTES), merged over the defaults. */ env?: Record<string, string> } = {},
): Promise<TestService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-test-'));
  // With CLOCK=controlled in env, the service makes its own (stored) controlled clock.
  const controlled = opts.env?.CLOCK === 'controlled';
  const clock = opts.clock ?? new ManualClock(Date.parse('2026-03-01T08:00:00Z'));
  const serviceClock = controlled ? undefined : clock;
  const handlers = opts.handlers ?? new HandlerRegistry();
  const config = loadConfig(
    {
      PORT: '0',
      DATA_DIR: dataDir,
      ADMIN_USER: ADMIN.user,
      ADMIN_PASSWORD: ADMIN.password,
      DEMO_USERS: 'false',
      PROCESSES_DIR: opts.processesDir ?? path.join(dataDir, 'no-processes'),
      ...opts.env,
    },
    process.cwd(),
  );
  let service = await startService({ config, clock: serviceClock, handlers, log: () => {} });
  const t: TestService = {
    get service() {
      return service;
    },
    clock,
    dataDir,
    handlers,
    api: makeApi(() => service.url),
    stop: () => service.stop(),
    async restart() {
      await service.stop();
      service = await startService({ config, clock: serviceClock, handlers, log: () => {} });
    },
    async close() {
      await service.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Deploys BPMN XML strings as Camunda Modeler does (multipart). Returns the response. */
export async function deploy(api: Api, files: Record<string, string>, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append('deployment-name', fields['deployment-name'] ?? 'test');
  for (const [k, v] of Object.entries(fields)) if (k !== 'deployment-name') form.append(k, v);
  for (const [name, xml] of Object.entries(files)) form.append(name, new Blob([xml], { type: 'application/octet-stream' }), name);
  return api('POST', '/engine-rest/deployment/create', form);
}

/** A minimal executable process around the given flow-node XML (start → … → end by ids). */
export function bpmn(processId: string, body: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
${body}
  </bpmn:process>
${extra}
</bpmn:definitions>`;
}
