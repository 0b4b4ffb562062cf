import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseProxyHeader } from './proxy-protocol';

const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const TLS_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]);

/** A v2 header as the spec lays it out: signature, version/command, family/transport, length, block. */
function v2(command: number, familyTransport: number, block: number[]): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(block.length);
  return Buffer.from([...SIGNATURE, 0x20 | command, familyTransport, ...length, ...block]);
}
const port = (n: number) => [n >> 8, n & 0xff];
const IPV4_BLOCK = [203, 0, 113, 7, 10, 0, 0, 1, ...port(51234), ...port(443)];

describe('PROXY protocol v2', () => {
  it('reads the source of a TCP over IPv4 connection and where the stream starts', () => {
    const header = v2(1, 0x11, IPV4_BLOCK);
    const parsed = parseProxyHeader(Buffer.concat([header, TLS_HELLO]));
    expect(parsed).toEqual({
      status: 'complete',
      length: header.length,
      source: { address: '203.0.113.7', port: 51234 },
    });
  });

  it('reads an IPv6 source, and a v4-mapped one as dotted IPv4', () => {
    const src = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2a];
    const dst = new Array<number>(16).fill(0);
    expect(parseProxyHeader(v2(1, 0x21, [...src, ...dst, ...port(40000), ...port(443)]))).toMatchObject({
      source: { address: '2001:db8:0:0:0:0:0:2a', port: 40000 },
    });
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 9];
    expect(parseProxyHeader(v2(1, 0x21, [...mapped, ...dst, ...port(1), ...port(2)]))).toMatchObject({
      source: { address: '198.51.100.9' },
    });
  });

  it('skips TLVs after the addresses: they are part of the header, not of the TLS stream', () => {
    const tlv = [0x04, 0x00, 0x03, 0x61, 0x62, 0x63]; // PP2_TYPE_NOOP, 3 bytes
    const header = v2(1, 0x11, [...IPV4_BLOCK, ...tlv]);
    const parsed = parseProxyHeader(Buffer.concat([header, TLS_HELLO]));
    expect(parsed).toMatchObject({ status: 'complete', length: header.length });
  });

  it('LOCAL (the balancer health-checking) and UNSPEC carry no client', () => {
    expect(parseProxyHeader(v2(0, 0x00, []))).toEqual({ status: 'complete', length: 16, source: null });
    expect(parseProxyHeader(v2(1, 0x00, []))).toEqual({ status: 'complete', length: 16, source: null });
  });

  it('waits for the rest of a header that arrives in pieces', () => {
    const header = v2(1, 0x11, IPV4_BLOCK);
    for (const cut of [1, 11, 12, 15, 16, header.length - 1]) {
      expect(parseProxyHeader(header.subarray(0, cut)), `first ${cut} bytes`).toEqual({
        status: 'incomplete',
      });
    }
  });

  it('refuses another version, an unknown command and a short address block', () => {
    const wrongVersion = v2(1, 0x11, IPV4_BLOCK);
    wrongVersion[12] = 0x11;
    expect(parseProxyHeader(wrongVersion)).toMatchObject({ status: 'invalid' });
    expect(parseProxyHeader(v2(2, 0x11, IPV4_BLOCK))).toMatchObject({ status: 'invalid' });
    expect(parseProxyHeader(v2(1, 0x11, IPV4_BLOCK.slice(0, 8)))).toMatchObject({ status: 'invalid' });
  });
});

describe('PROXY protocol v1', () => {
  it('reads TCP4 and TCP6 lines', () => {
    const line = 'PROXY TCP4 192.0.2.10 10.0.0.1 56324 443\r\n';
    expect(parseProxyHeader(Buffer.concat([Buffer.from(line), TLS_HELLO]))).toEqual({
      status: 'complete',
      length: line.length,
      source: { address: '192.0.2.10', port: 56324 },
    });
    expect(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 ::1 1000 443\r\n'))).toMatchObject({
      source: { address: '2001:db8::1', port: 1000 },
    });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toMatchObject({ source: null });
  });

  it('waits for the line end, and refuses a line longer than the spec allows', () => {
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 192.0.2.10'))).toEqual({ status: 'incomplete' });
    expect(parseProxyHeader(Buffer.from('PRO'))).toEqual({ status: 'incomplete' });
    expect(parseProxyHeader(Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`))).toMatchObject({
      status: 'invalid',
    });
  });

  it.each([
    'PROXY TCP4 300.0.0.1 10.0.0.1 1 443\r\n',
    'PROXY TCP4 192.0.2.1 10.0.0.1 70000 443\r\n',
    'PROXY TCP4 192.0.2.1  1 443\r\n',
    'PROXY TCP6 192.0.2.1 10.0.0.1 1 443\r\n',
    'PROXY UDP4 192.0.2.1 10.0.0.1 1 443\r\n',
    'PROXY TCP4 192.0.2.1 10.0.0.1 1\r\n',
  ])('refuses %j', (line) => {
    expect(parseProxyHeader(Buffer.from(line))).toMatchObject({ status: 'invalid' });
  });
});

describe('a connection without a header', () => {
  it('is told apart at its first byte: a TLS hello or a plain request is not a PROXY header', () => {
    expect(parseProxyHeader(TLS_HELLO.subarray(0, 1))).toEqual({ status: 'absent' });
    expect(parseProxyHeader(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ status: 'absent' });
  });
});

describe('normalizeAddress', () => {
  it('gives a v4-mapped socket address its dotted form and leaves others alone', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
  });
});
