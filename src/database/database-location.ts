import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/config.js';
import { postgresCanReach, startEmbeddedPostgres } from './embedded-postgres.js';

/** Where clusters go when the default DATA_DIR is somewhere PostgreSQL's OS user cannot reach. */
export const SHARED_CLUSTERS_DIR = '/var/lib/lightdash-access-server';

export interface DatabaseLocation {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * With DATABASE_URL, that server. Without it, an embedded PostgreSQL in DATA_DIR/pg whose superuser
 * password is generated with the cluster and kept in DATA_DIR/pg-password (0600): it listens on
 * loopback only, but other local users should still not get in with a well-known password.
 *
 * Run as root, PostgreSQL runs as the `postgres` OS user, which cannot reach a project cloned under a
 * private directory (root's home, `mktemp -d`). With DATA_DIR left at its default, the cluster then
 * lives in SHARED_CLUSTERS_DIR/<hash of DATA_DIR>/pg instead (the secret and password stay in DATA_DIR);
 * a DATA_DIR set explicitly is never moved: start-up stops with a line saying what to change.
 */
export async function openDatabase(config: AppConfig, log: (message: string) => void): Promise<DatabaseLocation> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };

  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(config.dataDir, fs.statSync(config.dataDir).mode | 0o055); // postgres (another OS user) traverses it
  const clusterDir = clusterLocation(config, log);
  const passwordFile = path.join(config.dataDir, 'pg-password');
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

function clusterLocation(config: AppConfig, log: (message: string) => void): string {
  const inDataDir = path.join(config.dataDir, 'pg');
  if (!config.dataDirIsDefault || postgresCanReach(config.dataDir)) return inDataDir;
  const key = createHash('sha256').update(config.dataDir).digest('hex').slice(0, 16);
  const moved = path.join(SHARED_CLUSTERS_DIR, key, 'pg');
  fs.mkdirSync(path.dirname(moved), { recursive: true, mode: 0o755 });
  log(`The postgres OS user cannot reach ${config.dataDir} (a parent directory is private); the embedded cluster for it lives in ${moved}`);
  return moved;
}
