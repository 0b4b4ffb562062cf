import { z } from 'zod';
import { TerminalDeviceStatus } from '../api/schemas';

/**
 * The operators' read API (/v1/ops/terminals, /alerts, /issuances/hourly) and the live events of
 * /ops/socket.io. Imported by the gateway and by the dashboard (hq-gateway/dashboard), so it depends on zod
 * and the API schemas only.
 */

/** One state per terminal, the most urgent that applies: offline > jam > paperOut > error > online. */
export const TerminalState = z.enum(['online', 'offline', 'jam', 'paperOut', 'error']);
export type TerminalState = z.infer<typeof TerminalState>;

export const AlertKind = z.enum([
  'offline',
  'jam',
  'paperOut',
  'authFailures',
  'readerUnavailable',
  'refundOwed',
]);
export type AlertKind = z.infer<typeof AlertKind>;

const isoTime = z.iso.datetime({ offset: true });

export const Alert = z.object({
  id: z.string(),
  terminalId: z.string(),
  kind: AlertKind,
  openedAt: isoTime,
  closedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: isoTime.nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const TerminalSummary = z.object({
  id: z.string(),
  name: z.string(),
  state: TerminalState,
  online: z.boolean(),
  lastSeenAt: isoTime.nullable(),
  /** null until the terminal sent its first snapshot. */
  status: TerminalDeviceStatus.nullable(),
  statusUpdatedAt: isoTime.nullable(),
  openAlerts: z.array(z.object({ id: z.string(), kind: AlertKind, acknowledged: z.boolean() })),
});
export type TerminalSummary = z.infer<typeof TerminalSummary>;

export const StateCounts = z.record(TerminalState, z.number().int().nonnegative());
export type StateCounts = z.infer<typeof StateCounts>;

// GET /v1/ops/terminals?state=&q=&limit=&offset=
export const TerminalListQuery = z.strictObject({
  state: TerminalState.optional(),
  /** Matches the terminal id or name, case-insensitive. */
  q: z.string().trim().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});
export const TerminalListResponse = z.object({
  terminals: z.array(TerminalSummary),
  /** Terminals matching the filter (before limit/offset). */
  total: z.number().int(),
  /** Counts over the whole fleet, whatever the filter. */
  counts: StateCounts,
});
export type TerminalListResponse = z.infer<typeof TerminalListResponse>;

// GET /v1/ops/terminals/:id?before=&limit=
export const TimelineQuery = z.strictObject({
  /** Event id: return older events only (the previous page's nextBefore). */
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const TimelineEvent = z.object({
  id: z.string(),
  kind: z.enum(['snapshot', 'change']),
  at: isoTime,
  fields: TerminalDeviceStatus.partial(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;
export const TerminalDetailResponse = z.object({
  terminal: TerminalSummary,
  timeline: z.array(TimelineEvent),
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextBefore: z.string().nullable(),
  alerts: z.array(Alert),
});
export type TerminalDetailResponse = z.infer<typeof TerminalDetailResponse>;

// GET /v1/ops/alerts?open=true&terminal=&limit=
export const AlertsQuery = z.strictObject({
  open: z.enum(['true', 'false']).optional(),
  terminal: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const AlertsResponse = z.object({ alerts: z.array(Alert) });
export type AlertsResponse = z.infer<typeof AlertsResponse>;

// POST /v1/ops/alerts/:id/ack
export const AckResponse = z.object({ alert: Alert });

// GET /v1/ops/issuances/hourly?hours=24
export const HourlyQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(24),
});
export const HourlyIssuances = z.object({
  /** Start of the hour (UTC instant; the dashboard shows it in local time). */
  hour: isoTime,
  issuances: z.number().int().nonnegative(),
  /** Copies printed in that hour. */
  copiesPrinted: z.number().int().nonnegative(),
});
export type HourlyIssuances = z.infer<typeof HourlyIssuances>;
export const HourlyResponse = z.object({ hours: z.array(HourlyIssuances) });
export type HourlyResponse = z.infer<typeof HourlyResponse>;

/** Live events on /ops/socket.io: the event name is `type`, the payload the rest. */
export const AlertEvent = z.object({ action: z.enum(['opened', 'closed', 'acked']), alert: Alert });
export type AlertEvent = z.infer<typeof AlertEvent>;
export type FleetEvent =
  | { type: 'terminal'; terminal: TerminalSummary }
  | ({ type: 'alert' } & AlertEvent)
  | { type: 'issuance'; hour: HourlyIssuances };
export const LIVE_PATH = '/ops/socket.io';
