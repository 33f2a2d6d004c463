/**
 * The web app's HTTP client. Same origin, with the session cookie; state-changing requests carry
 * the session's CSRF token (`X-CSRF-Token`); `X-Requested-With` tells the service not to answer a
 * 401 with a Basic challenge (no browser password dialog).
 */

export interface Session {
  id: string;
  firstName: string | null;
  lastName: string | null;
  groups: string[];
  isAdmin: boolean;
  organisation: string | null;
  organisations: string[];
  csrfToken: string | null;
  csrfHeader: string;
  sessionExpiresAt: string | null;
  serverTime: string;
}

export interface Problem {
  field: string;
  label?: string;
  message: string;
}

/** An error answer of the service (Camunda's `{type, message}`, plus `field`/`problems` for form validation). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly field?: string,
    readonly problems?: Problem[],
  ) {
    super(message);
  }
}

let csrf: { header: string; token: string } | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrf(session: Session | null): void {
  csrf = session?.csrfToken ? { header: session.csrfHeader, token: session.csrfToken } : null;
}

/** Called when a request (other than the login itself) answers 401: the session ended. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function request<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Requested-With': 'kim-web' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers[csrf.header] = csrf.token;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NetworkError', 'Der Dienst ist nicht erreichbar. Bitte die Verbindung prüfen und erneut versuchen.');
  }
  const text = await res.text();
  let data: any = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const message = data && typeof data === 'object' && typeof data.message === 'string' ? data.message : `${res.status} ${res.statusText}`;
    const err = new ApiError(res.status, data?.type ?? 'Error', message, data?.field, Array.isArray(data?.problems) ? data.problems : undefined);
    if (res.status === 401 && url !== '/api/session' && onUnauthorized) onUnauthorized();
    throw err;
  }
  return data as T;
}

export const get = <T>(url: string) => request<T>('GET', url);
export const post = <T>(url: string, body: unknown = {}) => request<T>('POST', url, body);

/** Query string from the defined, non-empty entries. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A German sentence for an error of a task action (claim, complete …). */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Ein unerwarteter Fehler ist aufgetreten.';
  switch (err.status) {
    case 0:
      return err.message;
    case 401:
      return 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.';
    case 403:
      return 'Dazu sind Sie nicht berechtigt.';
    case 404:
      return 'Die Aufgabe gibt es nicht mehr (erledigt oder nicht für Sie sichtbar).';
    case 409:
      return 'Die Aufgabe wurde inzwischen von jemand anderem übernommen oder geändert. Bitte die Liste neu laden.';
    default:
      return err.status >= 500 ? 'Der Dienst hat einen Fehler gemeldet. Bitte später erneut versuchen.' : err.message;
  }
}
