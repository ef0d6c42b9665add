import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Type } from '@nestjs/common';
import request from 'supertest';
import { configureApp, createAdapter } from '../../src/app-setup.js';
import { AppModule } from '../../src/app.module.js';
import { parseConfig, type ResolvedConfig } from '../../src/config/config.js';

export function testConfig(overrides: Record<string, string> = {}): ResolvedConfig {
  const config = parseConfig({ ...process.env, ...overrides });
  if (!config.databaseUrl || !config.secret) throw new Error('global setup did not provide DATABASE_URL and LIGHTDASH_SECRET');
  return config as ResolvedConfig;
}

export interface TestApp {
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real application (real guard, pipe, filter, interceptor, database), optionally with extra test-only controllers. */
export async function createTestApp(options: { controllers?: Type[]; env?: Record<string, string> } = {}): Promise<TestApp> {
  const config = testConfig(options.env);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
    controllers: options.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(config), { bufferLogs: true });
  await configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, http: () => request(app.getHttpServer()), close: () => app.close() };
}
