import { z } from 'zod';
import {
  AckResponse,
  AlertsResponse,
  HourlyResponse,
  TerminalDetailResponse,
  TerminalListResponse,
} from '../../../src/fleet/ops-schemas';

/** The gateway's operator API, same origin. Every answer is checked with the shared schemas. */

const OperatorBody = z.object({
  operator: z.object({ id: z.string(), username: z.string(), role: z.enum(['viewer', 'operator', 'admin']) }),
  csrfToken: z.string().optional(),
});
export type OperatorBody = z.infer<typeof OperatorBody>;
export type Role = OperatorBody['operator']['role'];

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const CSRF_KEY = 'hq-dashboard-csrf';

/** The session's CSRF token: from login (or /me), kept for this tab only. */
export const csrf = {
  get: () => sessionStorage.getItem(CSRF_KEY) ?? '',
  set: (token: string | undefined) =>
    token ? sessionStorage.setItem(CSRF_KEY, token) : sessionStorage.removeItem(CSRF_KEY),
};

async function call<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(method !== 'GET' && { 'x-csrf-token': csrf.get() }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(json);
    throw new ApiError(response.status, parsed.success ? parsed.data.error.code : 'HTTP_' + response.status);
  }
  return schema.parse(json) as z.infer<S>;
}

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length ? '?' + new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString() : '';
}

export const api = {
  login: (username: string, password: string) =>
    call(OperatorBody, 'POST', '/v1/ops/login', { username, password }),
  me: () => call(OperatorBody, 'GET', '/v1/ops/me'),
  logout: () => call(z.unknown(), 'POST', '/v1/ops/logout', {}),
  terminals: () => call(TerminalListResponse, 'GET', '/v1/ops/terminals' + query({ limit: 2000 })),
  terminal: (id: string, before?: string) =>
    call(TerminalDetailResponse, 'GET', `/v1/ops/terminals/${encodeURIComponent(id)}` + query({ before })),
  openAlerts: () => call(AlertsResponse, 'GET', '/v1/ops/alerts' + query({ open: 'true' })),
  ack: (id: string) => call(AckResponse, 'POST', `/v1/ops/alerts/${encodeURIComponent(id)}/ack`, {}),
  hourly: (hours = 24) => call(HourlyResponse, 'GET', '/v1/ops/issuances/hourly' + query({ hours })),
};
