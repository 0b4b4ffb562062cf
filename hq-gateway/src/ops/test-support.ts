import { fetch } from 'undici';
import { createOperator, type Operator, type OperatorRole } from './operators';
import type { GatewayFixture } from '../testing/gateway-fixture';

/** Test helpers for /v1/ops/*: operators, logging in, and calls carrying the session cookie and CSRF token. */

export interface OpsAnswer {
  status: number;
  json: unknown;
  headers: Headers;
  setCookies: string[];
}

export interface OpsSession {
  cookie: string;
  csrfToken: string;
  operator: Operator;
}

export async function addOperator(
  fx: GatewayFixture,
  role: OperatorRole,
  username: string = `${role}-${Math.random().toString(36).slice(2, 8)}`,
): Promise<{ username: string; password: string; operator: Operator }> {
  const password = `pw-${role}-${Math.random().toString(36).slice(2)}`;
  const operator = await createOperator(fx.db, { username, password, role });
  return { username, password, operator };
}

export async function opsCall(
  fx: GatewayFixture,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; csrf?: string } = {},
): Promise<OpsAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  const response = await fetch(`${fx.url}${path}`, {
    method,
    headers,
    dispatcher: fx.tls.anonymous,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    json,
    headers: response.headers as unknown as Headers,
    setCookies: response.headers.getSetCookie(),
  };
}

/** Logs in; throws unless it worked. */
export async function opsLogin(fx: GatewayFixture, username: string, password: string): Promise<OpsSession> {
  const answer = await opsCall(fx, 'POST', '/v1/ops/login', { body: { username, password } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.json)}`);
  const cookie = answer.setCookies[0]?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  const body = answer.json as { operator: Operator; csrfToken: string };
  return { cookie, csrfToken: body.csrfToken, operator: body.operator };
}

/** A call as a logged-in operator, with the CSRF token. */
export function asOperator(
  fx: GatewayFixture,
  session: OpsSession,
  method: string,
  path: string,
  body?: unknown,
): Promise<OpsAnswer> {
  return opsCall(fx, method, path, {
    cookie: session.cookie,
    csrf: session.csrfToken,
    ...(body !== undefined && { body }),
  });
}
