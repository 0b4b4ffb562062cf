import type { KioskDeviceStatus } from '../status-uplink';

/**
 * A kiosk at rest with every device ready and nothing counted yet: the status tests start from and change
 * one field at a time. Shared by the agent's uplink tests, the gateway's fleet tests and the fleet bench.
 */
export const idleDeviceStatus: KioskDeviceStatus = {
  reader: 'ready',
  printer: 'idle',
  jamWhere: null,
  paperLow: false,
  outOfService: false,
  screen: 'idle',
  paperLevel: 'ok',
  payment: 'ready',
  counters: { sessions: 0, authFailures: 0, issuances: 0, pagesPrinted: 0 },
  owedRefunds: { count: 0, totalYen: 0, oldestAt: null },
};
