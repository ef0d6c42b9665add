import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { configureApp, createAdapter } from './app-setup.js';
import { AppModule } from './app.module.js';
import { ConfigError, parseConfig, resolveSecret, type AppConfig } from './config/config.js';
import { type DatabaseLocation, openDatabase } from './database/database-location.js';
import { EmbeddedPostgresLocationError } from './database/embedded-postgres.js';
import { runMigrations } from './database/migrate.js';
import { DemoWarehouseService } from './demo/demo-warehouse.service.js';
import { installProcessGuards } from './process-guards.js';

let config: AppConfig;
try {
  config = parseConfig(process.env);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}

const log = pino({ level: config.logLevel, base: { pid: process.pid }, name: 'bootstrap' });
installProcessGuards(log);
let database: DatabaseLocation | undefined;
let app: NestFastifyApplication | undefined;
let shuttingDown = false;

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, 'Shutting down: finishing in-flight requests');
  const force = setTimeout(() => {
    log.error('Shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs + 5_000);
  force.unref();
  try {
    await app?.close(); // waits for in-flight requests, then closes the connection pool
    await database?.stop();
    log.info('Stopped');
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, 'Error during shutdown');
    process.exit(1);
  }
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

async function start(): Promise<void> {
  const secretConfig = resolveSecret(config);
  database = await openDatabase(secretConfig, (message) => log.info(message));
  log.info({ embedded: database.embedded }, database.embedded ? `Embedded PostgreSQL in ${config.dataDir}` : 'Using DATABASE_URL');
  const applied = await runMigrations(database.url);
  if (applied.length > 0) log.info({ migrations: applied }, 'Applied migrations');
  const resolved = { ...secretConfig, databaseUrl: database.url };
  app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(resolved), createAdapter(resolved), {
    bufferLogs: true,
  });
  await configureApp(app, resolved);
  if (shuttingDown) return;
  await app.listen(config.port, config.host);
  log.info({ url: `http://${config.host}:${config.port}`, docs: `${config.siteUrl}/api/docs` }, 'Listening');
  // after listening: the first start answers health checks while the demo data is generated
  if (config.demoWarehouse) void prepareDemoWarehouse(app, database.embedded);
}

/** The demo is a convenience: when it cannot be prepared the server still serves, and the log says why. */
async function prepareDemoWarehouse(nest: NestFastifyApplication, embedded: boolean): Promise<void> {
  try {
    const demo = await nest.get(DemoWarehouseService).prepare({ embedded });
    log.info(demo, demo.projectUuid ? 'Demo warehouse ready' : 'Demo warehouse ready; its project goes to the first organization created');
  } catch (error) {
    if (shuttingDown) return log.info('Demo warehouse preparation interrupted by the shutdown; the next start does it');
    log.error({ err: error }, `Demo warehouse not prepared: ${error instanceof Error ? error.message : String(error)}`);
  }
}

start().catch(async (error: unknown) => {
  if (error instanceof EmbeddedPostgresLocationError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  log.fatal({ err: error }, `Start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  await app?.close().catch(() => {});
  await database?.stop().catch(() => {});
  process.exit(1);
});
