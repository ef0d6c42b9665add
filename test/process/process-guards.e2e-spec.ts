import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/database/embedded-postgres.js';
import { health, killStartedServers, startServer, tempDir, waitFor, waitHealthy } from '../support/process.js';

const MISBEHAVE = path.resolve('test/fixtures/misbehave-on-signal.mjs');

/** The server's JSON log lines whose message or error mentions `text`. */
function logLines(output: string, text: string): { level: number; msg: string }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(text))
    .map((line) => JSON.parse(line));
}

describe('the server process and errors nobody handled', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('lightdash-guards-');
  });
  afterEach(() => killStartedServers());
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('logs an unhandled rejection (error) and an uncaught exception (fatal), and keeps serving', async () => {
    const port = await freePort();
    const server = startServer(
      { DATABASE_URL: process.env.DATABASE_URL!, DATA_DIR: root, PORT: String(port) },
      { nodeArgs: ['--import', MISBEHAVE] },
    );
    await waitHealthy(server, port);

    server.child.kill('SIGUSR2');
    await waitFor(
      () => server.child.exitCode !== null || logLines(server.output(), 'deliberate uncaught exception').length > 0,
      10_000,
      'the uncaught exception to be logged',
    );
    expect(server.child.exitCode).toBeNull();
    expect(logLines(server.output(), 'deliberate unhandled rejection')).toEqual([
      expect.objectContaining({ level: 50, msg: 'Unhandled promise rejection; the server keeps serving' }),
    ]);
    expect(logLines(server.output(), 'deliberate uncaught exception')).toEqual([
      expect.objectContaining({ level: 60, msg: 'Uncaught exception; the server keeps serving' }),
    ]);
    expect((await health(port))?.body.results.healthy).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
