import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseLocation {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * With DATABASE_URL, that server. Without it, an embedded PostgreSQL in DATA_DIR/pg whose superuser
 * password is generated with the cluster and kept in DATA_DIR/pg-password (0600): it listens on
 * loopback only, but other local users should still not get in with a well-known password.
 */
export async function openDatabase(config: AppConfig, log: (message: string) => void): Promise<DatabaseLocation> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };

  const clusterDir = path.join(config.dataDir, 'pg');
  const passwordFile = path.join(config.dataDir, 'pg-password');
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(config.dataDir, fs.statSync(config.dataDir).mode | 0o055); // postgres (another OS user) traverses it
  const clusterExists = fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (!clusterExists || !fs.existsSync(passwordFile)) {
    if (clusterExists) {
      throw new Error(`${passwordFile} is missing, so the embedded database in ${clusterDir} cannot be opened; restore the file or move the directory away`);
    }
    fs.writeFileSync(passwordFile, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const started = await startEmbeddedPostgres({ dataDir: clusterDir, password, database: 'lightdash', log });
  return { url: started.url, embedded: true, stop: () => started.stop() };
}
