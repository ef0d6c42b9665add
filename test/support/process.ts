import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MAIN = path.resolve('dist/src/main.js');
export const MIGRATION_CLI = path.resolve('dist/src/migration-cli.js');

/** A temp directory the `postgres` OS user can traverse (mkdtemp makes them 0700). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export interface RunningServer {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<ChildProcess>();

/** Kills every server a test started that is still running (for afterEach: a failed test leaves none behind). */
export function killStartedServers(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
}

/**
 * Starts `node dist/src/main.js` as `npm start` would on a fresh machine: the test run's own database,
 * secret and log settings are not inherited, only what `env` gives. `nodeArgs` go before the script.
 * The demo warehouse is off (its generation adds seconds to every fresh start); `DEMO_WAREHOUSE: ''`
 * gives the real default.
 */
export function startServer(
  env: Record<string, string>,
  options: { main?: string; cwd?: string; nodeArgs?: string[] } = {},
): RunningServer {
  const inherited = { ...process.env };
  for (const name of ['DATABASE_URL', 'LIGHTDASH_SECRET', 'LOG_LEVEL', 'NODE_ENV', 'PORT', 'DATA_DIR', 'DEMO_WAREHOUSE']) delete inherited[name];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.main ?? MAIN], {
    cwd: options.cwd,
    env: { ...inherited, LOG_LEVEL: 'info', NODE_ENV: 'development', DEMO_WAREHOUSE: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Polls until `check` is true (bounded); the poll interval is short, this is not a fixed sleep. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function health(port: number): Promise<{ status: number; body: any } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    return { status: res.status, body: await res.json() };
  } catch {
    return null;
  }
}

export async function waitHealthy(server: RunningServer, port: number, timeoutMs = 30_000): Promise<any> {
  let body: any;
  await waitFor(async () => {
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    const res = await health(port);
    body = res?.body;
    return res?.status === 200 && body?.results?.healthy === true;
  }, timeoutMs, 'the server to become healthy');
  return body;
}

/** PIDs of live postgres processes whose command line names `dataDir`. */
export function postgresProcessesFor(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && cmd.includes('postgres') && cmd.includes(dataDir)) pids.push(Number(entry));
    } catch {
      /* process went away */
    }
  }
  return pids;
}
