/**
 * Deploying from the modeler as Camunda Modeler does: multipart `POST /engine-rest/deployment/create`
 * with the diagram and the `.form` files it names (`camunda-forms:deployment:…` forms must travel in
 * the same deployment, as in Camunda 7), with the session cookie and the session's CSRF header.
 */
import type { Session } from '../api.ts';

export interface DeployedDefinition {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deploymentId: string;
}

/** A lint finding or a server rule's warning of a deployment (`warnings`), or a refused problem. */
export interface Finding {
  rule: string;
  elementId?: string;
  message: string;
  category?: string;
  resource?: string;
}

export type DeployOutcome =
  | { ok: true; deploymentId: string; definitions: DeployedDefinition[]; created: boolean; warnings: Finding[] }
  | { ok: false; status: number; type: string; message: string; problems: Finding[] };

export interface DeployFile {
  name: string;
  content: string;
  type: string;
}

const HEADERS = { Accept: 'application/json', 'X-Requested-With': 'kim-web' };

/** A resource's stored text (a form as it was deployed, byte for byte). */
export async function getText(url: string): Promise<string> {
  const res = await fetch(url, { headers: HEADERS, credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}: ${url}`);
  return res.text();
}

export async function deploy(session: Session, opts: { name: string; files: DeployFile[] }): Promise<DeployOutcome> {
  const body = new FormData();
  body.append('deployment-name', opts.name);
  body.append('deployment-source', 'KIM Modeler');
  // An unchanged diagram (and forms) adds no version; the answer then names no new definition.
  body.append('enable-duplicate-filtering', 'true');
  for (const f of opts.files) body.append(f.name, new Blob([f.content], { type: f.type }), f.name);
  const headers: Record<string, string> = { ...HEADERS };
  if (session.csrfToken) headers[session.csrfHeader] = session.csrfToken;
  let res: Response;
  try {
    res = await fetch('/engine-rest/deployment/create', { method: 'POST', body, headers, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, type: 'NetworkError', message: 'Der Dienst ist nicht erreichbar. Bitte die Verbindung prüfen und erneut versuchen.', problems: [] };
  }
  let data: any = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const message = typeof data?.message === 'string' ? data.message : `${res.status} ${res.statusText}`;
    const problems: Finding[] = Array.isArray(data?.problems)
      ? data.problems.filter((p: any) => p && typeof p.message === 'string')
      : typeof data?.elementId === 'string'
        ? [{ rule: data.rule ?? 'deploy', elementId: data.elementId, message }]
        : [];
    return { ok: false, status: res.status, type: typeof data?.type === 'string' ? data.type : 'Error', message, problems };
  }
  const definitions = Object.values((data?.deployedProcessDefinitions ?? {}) as Record<string, DeployedDefinition>);
  return {
    ok: true,
    deploymentId: String(data?.id ?? ''),
    definitions,
    created: data?.deployedProcessDefinitions != null,
    warnings: Array.isArray(data?.warnings) ? data.warnings : [],
  };
}

export const FORM_KEY_PREFIX = 'camunda-forms:deployment:';

/** `camunda-forms:deployment:x.form` → `x.form`; null for other form keys (apps, embedded forms). */
export function deployedFormName(formKey: unknown): string | null {
  if (typeof formKey !== 'string' || !formKey.startsWith(FORM_KEY_PREFIX)) return null;
  const name = formKey.slice(FORM_KEY_PREFIX.length).trim();
  return name || null;
}
