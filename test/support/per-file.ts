import { afterAll, beforeAll } from 'vitest';

interface Closable {
  close(): Promise<void>;
}

/**
 * Starts what a test file needs (a system, a fake agent, a browser…) before its tests, all at once, and
 * closes them after, in reverse order. Read them in tests as properties: `env.browser.newPage()`.
 */
export function startedPerFile<T extends Record<string, Closable>>(starters: {
  [K in keyof T]: () => Promise<T[K]>;
}): T {
  const started: Partial<T> = {};
  const keys = Object.keys(starters) as (keyof T)[];
  beforeAll(async () => {
    const values = await Promise.all(keys.map((key) => starters[key]()));
    keys.forEach((key, i) => (started[key] = values[i]));
  });
  afterAll(async () => {
    for (const key of [...keys].reverse()) await started[key]?.close();
  });
  return started as T;
}
