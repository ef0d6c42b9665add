// Compiles the project only when its sources changed since the last build, so `npm start` does not pay
// for `tsc` on every start. Runs as `prepare` (after `npm ci`) and `prestart`. The stamp is written
// after a successful build; a source, migration or tsconfig newer than the stamp (or a deleted file,
// which changes its directory's mtime) triggers a rebuild.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

const always = process.argv.includes('--always'); // `npm run build`: compile whatever the stamp says

// `npm ci` in a Docker layer that has only package.json, or an install without dev dependencies:
// nothing to build yet, the Dockerfile builds explicitly later.
if (!always && !fs.existsSync(path.join(root, 'src')) || !fs.existsSync(path.join(root, 'node_modules', 'typescript'))) {
  process.exit(0);
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
const sources = Math.max(...inputs.map((entry) => newestMtime(path.join(root, entry))));
if (!always && built > 0 && sources <= built) process.exit(0);

const started = Date.now();
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
// dated at the start of the build: a source saved while tsc ran is newer, so the next start rebuilds
fs.writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
fs.utimesSync(stamp, new Date(started), new Date(started));
process.stderr.write(`built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
