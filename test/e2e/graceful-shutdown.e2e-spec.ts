import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import http from 'node:http';
import { Public } from '../../src/auth/public.decorator.js';
import { createTestApp } from '../support/app.js';

let release: () => void = () => {};
let arrived: () => void = () => {};
const requestArrived = new Promise<void>((resolve) => (arrived = resolve));

@Public()
@Controller('slow')
class SlowController {
  @Get()
  async slow() {
    arrived();
    await new Promise<void>((resolve) => (release = resolve));
    return { finished: true };
  }
}

function get(port: number, path: string, agent: http.Agent): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown (what SIGTERM runs: app.close())', () => {
  it('finishes an in-flight request, tells its keep-alive client to close, and refuses new connections', async () => {
    const t = await createTestApp({ controllers: [SlowController] });
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as { port: number }).port;
    const agent = new http.Agent({ keepAlive: true });

    const inFlight = get(port, '/api/v1/slow', agent);
    await requestArrived;
    const closed = t.app.close();
    await new Promise((r) => setImmediate(r));
    release();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok', results: { finished: true } });
    expect(response.connection).toBe('close');
    await closed; // resolves promptly: no wait for the keep-alive timeout
    await expect(get(port, '/api/v1/livez', new http.Agent())).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });
});
