import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, serverUrl } from '../server';
import { dashboardRoutes } from './dashboard-static';

let dir: string;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dashboard-dist-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
  await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  const app = express();
  app.use('/dashboard', dashboardRoutes(dir));
  app.use('/empty', dashboardRoutes(join(dir, 'missing')));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = serverUrl(server, '127.0.0.1');
});
afterAll(async () => {
  await closeServer(server);
  await rm(dir, { recursive: true, force: true });
});

describe('dashboard static files', () => {
  it('serves hashed assets for a year and index.html never cached, with a CSP', async () => {
    const asset = await fetch(`${url}/dashboard/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const index = await fetch(`${url}/dashboard/`);
    expect(await index.text()).toContain('<title>dash</title>');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('answers index.html for client-side routes, 404 for a missing asset, 503 when not built', async () => {
    const deep = await fetch(`${url}/dashboard/terminals/T-TEST-0001`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<title>dash</title>');
    expect((await fetch(`${url}/dashboard/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${url}/empty/`)).status).toBe(503);
  });
});
