import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { normalizeAddress, parseProxyHeader } from './proxy-protocol';

/** Client addresses the balancer announced, by the raw TCP socket they came on. */
const announced = new WeakMap<Socket, string>();

/** The host itself. Only these two, so that a test can pose as a client on the network from 127.0.0.2. */
const LOOPBACK = new Set(['127.0.0.1', '::1']);

/** Whether a client address (clientAddress's answer) is this host. */
export function isLoopback(address: string): boolean {
  return LOOPBACK.has(address);
}

/** A balancer sends its header at once; a connection that says nothing for this long is dropped. */
const HEADER_TIMEOUT_MS = 5_000;

/**
 * Makes `server` expect a PROXY protocol header (haproxy `send-proxy-v2`) at the start of every
 * connection, before TLS: the header names the real client, and the rest of the stream goes on to TLS and
 * HTTP as usual. A connection without a valid header is closed, from loopback too: with the balancer on
 * the same host, a headerless connection from it (send-proxy forgotten) would otherwise pass for a local
 * client, opening /metrics to everyone. Prometheus scrapes the separate metrics listener (--metrics-port).
 */
export function acceptProxyProtocol(server: Server, logger: Logger): void {
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), HEADER_TIMEOUT_MS).unref();
    // Until TLS takes the socket over, a reset must not become an uncaught 'error'.
    const onError = () => clearTimeout(timer);
    socket.once('close', () => clearTimeout(timer));
    const refuse = (reason: string) => {
      logger.warn(
        { event: 'proxy_protocol.refused', peer: socket.remoteAddress, reason },
        'connection without a valid PROXY header closed',
      );
      socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseProxyHeader(received);
      if (parsed.status === 'incomplete') return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      if (parsed.status === 'invalid') return refuse(parsed.reason);
      if (parsed.status === 'absent') return refuse('no PROXY header');
      if (parsed.source) announced.set(socket, parsed.source.address);
      // What followed the header (the TLS hello) is read again by the TLS layer.
      const rest = received.subarray(parsed.length);
      if (rest.length > 0) socket.unshift(rest);
      socket.off('error', onError);
      for (const handler of handlers) handler.call(server, socket);
    };
    socket.on('error', onError);
    socket.on('data', onData);
  });
}

/**
 * The client's address: the one the balancer announced for this connection, else the socket's peer.
 * Behind TLS, req.socket is the TLS socket and the raw one is its `_parent` (Node's TLSSocket keeps it
 * there; client-address.test.ts and test/scale/haproxy.test.ts fail if that ever changes).
 */
export function clientAddress(socket: Socket): string {
  const raw = (socket as Socket & { _parent?: Socket })._parent;
  return (
    announced.get(socket) ??
    (raw ? announced.get(raw) : undefined) ??
    normalizeAddress(socket.remoteAddress ?? '')
  );
}
