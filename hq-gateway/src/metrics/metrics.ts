import type { Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HttpError, sendError } from '../api/errors';
import { auditBacklog, type AuditBacklog } from '../audit/backlog';
import type { Queryable } from '../db/database';
import { countByState } from '../fleet/terminals';
import { clientAddress, isLoopback } from '../pki/client-address';

/**
 * Prometheus metrics, one registry per gateway instance (several run in one process in tests). Request
 * metrics are labelled with the matched route pattern, never the raw URL, so ids in paths do not explode the
 * label set. Business counters are read off the finished request (route, status, error code, validated body
 * fields) so no route module needs to know about metrics.
 */
export interface HqMetrics {
  registry: Registry;
  /** Install right after request logging: observes every request when its response is finished. */
  observe: RequestHandler;
  /** GET /metrics: loopback only unless `open`. */
  endpoint: RequestHandler;
}

export interface MetricsOptions {
  /** Serve /metrics to any address (behind a load balancer that keeps it internal). Default: HQ_METRICS_OPEN=1. */
  open?: boolean;
}

export function createMetrics(
  deps: { db: Queryable; now: () => Date },
  options: MetricsOptions = {},
): HqMetrics {
  const open = options.open ?? process.env.HQ_METRICS_OPEN === '1';
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'hq_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const issuances = new Counter({
    name: 'hq_issuances_total',
    help: 'Issuance requests answered with documents, by certificate type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const copies = new Counter({
    name: 'hq_copies_total',
    help: 'Copy reports and replacements accepted, by status (printed, spoiled, replaced)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'hq_errors_total',
    help: 'Error answers by HQ error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const sessions = new Counter({
    name: 'hq_sessions_total',
    help: 'Kiosk session attempts by outcome (opened, or the refusal code)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'hq_terminals',
    help: 'Terminals by state, computed at scrape time from terminal_status',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await countByState(deps.db, deps.now());
      this.reset();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });

  // Both audit gauges come from one read per scrape: the registry collects its metrics concurrently, so the
  // second collect finds the first one's query in flight and shares it.
  let backlogInFlight: Promise<AuditBacklog> | null = null;
  const backlog = (): Promise<AuditBacklog> => {
    backlogInFlight ??= auditBacklog(deps.db, deps.now()).finally(() => {
      backlogInFlight = null;
    });
    return backlogInFlight;
  };
  new Gauge({
    name: 'hq_audit_pending_rows',
    help: 'Audit rows appended but not yet chained by a sealer',
    registers: [registry],
    async collect() {
      this.set((await backlog()).rows);
    },
  });
  new Gauge({
    name: 'hq_audit_oldest_pending_seconds',
    help: 'Age of the oldest audit row not yet chained; more than a few seconds means no gateway is sealing',
    registers: [registry],
    async collect() {
      this.set((await backlog()).oldestSeconds);
    },
  });

  function business(req: Request, res: Response, route: string): void {
    const code = (res.locals as { errorCode?: string }).errorCode;
    if (code) errors.inc({ code });
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const body = req.body as Record<string, unknown> | undefined;
    if (req.method !== 'POST') return;
    switch (route) {
      case '/v1/kiosk/sessions':
        sessions.inc({ outcome: ok ? 'opened' : (code ?? `http_${res.statusCode}`) });
        break;
      case '/v1/kiosk/issuances': {
        const type = (body?.options as { type?: unknown } | undefined)?.type;
        if (ok && typeof type === 'string') issuances.inc({ type });
        break;
      }
      case '/v1/kiosk/issuances/:issuanceId/copies/:serial':
        if (ok && (body?.status === 'printed' || body?.status === 'spoiled'))
          copies.inc({ status: body.status });
        break;
      case '/v1/kiosk/issuances/:issuanceId/copies/:serial/replacement':
        if (ok) copies.inc({ status: 'replaced' });
        break;
    }
  }

  const observe: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    const matched = captureRoute(req);
    res.on('finish', () => {
      // Unmatched requests (404s, probes for random paths) share one label.
      const route = matched() ?? '(unmatched)';
      end({ method: req.method, route, status: String(res.statusCode) });
      business(req, res, route);
    });
    next();
  };

  const endpoint: RequestHandler = async (req, res) => {
    if (!open && !isLoopback(clientAddress(req.socket))) {
      // X-Forwarded-For is deliberately ignored: anyone can send it. Behind haproxy the address is the
      // one its PROXY header names (--proxy-protocol); without it, a balancer on this host would make every
      // request look like loopback.
      return sendError(res, new HttpError('NOT_FOUND', 'no such route'));
    }
    res.type(registry.contentType).send(await registry.metrics());
  };

  return { registry, observe, endpoint };
}

/**
 * The full route pattern (mount path + route path) as it was when the router matched it. By the time the
 * response finishes, a router has restored req.baseUrl (a handler that threw leaves through the app's error
 * handler), so it is recorded when the router assigns req.route.
 */
function captureRoute(req: Request): () => string | undefined {
  let route: unknown;
  let pattern: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      pattern = value ? `${req.baseUrl}${String(value.path)}` : undefined;
    },
  });
  return () => pattern;
}
