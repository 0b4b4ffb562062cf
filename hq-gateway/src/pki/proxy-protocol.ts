import { isIPv4, isIPv6 } from 'node:net';

/**
 * The PROXY protocol header (haproxy's `send-proxy` v1 text and `send-proxy-v2` binary,
 * https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt). The balancer passes TLS through, so
 * without this header every request would come from the balancer's address: per-client limits and the
 * loopback-only /metrics would see one client. Parsing only; the socket handling is in proxied-server.ts.
 *
 * Written here rather than taken from a package: the one maintained parser on npm returns v2 TLVs as if
 * they were the stream's data, and the header is 30 lines of the spec.
 */

export interface ProxySource {
  address: string;
  port: number;
}

export type ProxyParse =
  | { status: 'incomplete' }
  /** The stream does not start like a PROXY header at all (a client connected directly). */
  | { status: 'absent' }
  | { status: 'invalid'; reason: string }
  /** source null: the balancer speaking for itself (v2 LOCAL, e.g. a health check; v1 UNKNOWN). */
  | { status: 'complete'; length: number; source: ProxySource | null };

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** The longest v1 line the spec allows, CRLF included. */
const V1_MAX = 107;
const INCOMPLETE: ProxyParse = { status: 'incomplete' };
const invalid = (reason: string): ProxyParse => ({ status: 'invalid', reason });

/** Reads the header at the start of what a connection sent so far. */
export function parseProxyHeader(data: Buffer): ProxyParse {
  const v2Prefix = Math.min(data.length, V2_SIGNATURE.length);
  if (data.subarray(0, v2Prefix).equals(V2_SIGNATURE.subarray(0, v2Prefix))) {
    return data.length < 16 ? INCOMPLETE : parseV2(data);
  }
  const v1Prefix = Math.min(data.length, V1_PREFIX.length);
  if (data.subarray(0, v1Prefix).equals(V1_PREFIX.subarray(0, v1Prefix))) {
    return data.length < V1_PREFIX.length ? INCOMPLETE : parseV1(data);
  }
  return { status: 'absent' };
}

function parseV2(data: Buffer): ProxyParse {
  const versionCommand = data[12]!;
  if (versionCommand >> 4 !== 2) return invalid('unsupported PROXY v2 version');
  const command = versionCommand & 0x0f;
  if (command > 1) return invalid('unknown PROXY v2 command');
  const length = 16 + data.readUInt16BE(14);
  if (data.length < length) return INCOMPLETE;
  // LOCAL: the balancer's own connection; the socket's address is the true one.
  if (command === 0) return { status: 'complete', length, source: null };
  const family = data[13]! >> 4;
  const body = data.subarray(16, length);
  if (family === 1) {
    if (body.length < 12) return invalid('short PROXY v2 IPv4 address block');
    return {
      status: 'complete',
      length,
      source: { address: [...body.subarray(0, 4)].join('.'), port: body.readUInt16BE(8) },
    };
  }
  if (family === 2) {
    if (body.length < 36) return invalid('short PROXY v2 IPv6 address block');
    return {
      status: 'complete',
      length,
      source: { address: ipv6(body.subarray(0, 16)), port: body.readUInt16BE(32) },
    };
  }
  // UNSPEC or a Unix socket: nothing to attribute the connection to.
  return { status: 'complete', length, source: null };
}

function parseV1(data: Buffer): ProxyParse {
  const end = data.indexOf('\r\n', 0, 'latin1');
  if (end < 0) return data.length >= V1_MAX ? invalid('PROXY v1 line too long') : INCOMPLETE;
  if (end + 2 > V1_MAX) return invalid('PROXY v1 line too long');
  const length = end + 2;
  const fields = data.toString('latin1', V1_PREFIX.length, end).split(' ');
  if (fields[0] === 'UNKNOWN') return { status: 'complete', length, source: null };
  const [protocol, source, destination, sourcePort, destinationPort] = fields;
  if (fields.length !== 5 || (protocol !== 'TCP4' && protocol !== 'TCP6'))
    return invalid('malformed PROXY v1 line');
  const isAddress = protocol === 'TCP4' ? isIPv4 : isIPv6;
  const valid =
    isAddress(source!) && isAddress(destination!) && isPort(sourcePort!) && isPort(destinationPort!);
  return valid
    ? {
        status: 'complete',
        length,
        source: { address: normalizeAddress(source!), port: Number(sourcePort) },
      }
    : invalid('malformed PROXY v1 line');
}

/** Dotted IPv4 from a v4-mapped IPv6 address (::ffff:a.b.c.d), so one client has one key whichever way it came. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

const V4_MAPPED = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

/** Text form of 16 address bytes (uncompressed groups; a v4-mapped address as dotted IPv4). */
function ipv6(bytes: Buffer): string {
  if (bytes.subarray(0, 12).equals(V4_MAPPED)) return [...bytes.subarray(12)].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535;
}
