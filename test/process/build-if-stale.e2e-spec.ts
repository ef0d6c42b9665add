import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/process.js';

// scripts/build-if-stale.mjs (npm's `prepare` and `prestart`) in a temp copy of the layout it expects.
// The compiler there is a stand-in for node_modules/typescript/bin/tsc that copies src/main.ts to
// dist/src/main.js (the real tsc takes seconds per run; what is tested is when the script calls it).
describe('build once: npm start compiles only when sources changed', () => {
  let root: string;
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-if-stale.mjs'), ...args], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    return result.stderr + result.stdout;
  };
  const output = () => path.join(root, 'dist', 'src', 'main.js');
  const setMtime = (file: string, secondsAgo: number) => {
    const at = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(file, at, at);
  };

  beforeAll(() => {
    root = tempDir('lightdash-build-');
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(path.resolve('scripts/build-if-stale.mjs'), path.join(root, 'scripts', 'build-if-stale.mjs'));
    fs.mkdirSync(path.join(root, 'node_modules', 'typescript', 'bin'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      `const fs = require('node:fs');
       if (process.argv[2] !== '-p' || !process.argv[3].endsWith('tsconfig.build.json')) process.exit(2);
       fs.mkdirSync('dist/src', { recursive: true });
       fs.copyFileSync('src/main.ts', 'dist/src/main.js');\n`,
    );
    fs.mkdirSync(path.join(root, 'src'));
    fs.mkdirSync(path.join(root, 'migrations'));
    fs.writeFileSync(path.join(root, 'src', 'main.ts'), 'export const answer: number = 42;\n');
    fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', outDir: 'dist', rootDir: '.' } }));
    fs.writeFileSync(path.join(root, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', include: ['src', 'migrations'] }));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('builds when there is no build, then not again until a source changes', () => {
    expect(run()).toMatch(/built in/);
    expect(fs.readFileSync(output(), 'utf8')).toContain('42');
    expect(fs.existsSync(path.join(root, 'dist', '.build-stamp'))).toBe(true);

    expect(run()).not.toMatch(/built in/);

    // an edited source is newer than the stamp
    setMtime(path.join(root, 'dist', '.build-stamp'), 60);
    fs.writeFileSync(path.join(root, 'src', 'main.ts'), 'export const answer: number = 43;\n');
    expect(run()).toMatch(/built in/);
    expect(fs.readFileSync(output(), 'utf8')).toContain('43');
    expect(run()).not.toMatch(/built in/);

    // a new file in a directory (and so a deleted one) changes the directory's mtime
    setMtime(path.join(root, 'dist', '.build-stamp'), 60);
    for (const entry of ['src', 'src/main.ts', 'migrations', 'tsconfig.json', 'tsconfig.build.json']) setMtime(path.join(root, entry), 120);
    expect(run()).not.toMatch(/built in/);
    fs.writeFileSync(path.join(root, 'migrations', 'one.ts'), 'export const one = 1;\n');
    expect(run()).toMatch(/built in/);
  });

  it('always builds with --always (npm run build)', () => {
    expect(run()).not.toMatch(/built in/);
    expect(run('--always')).toMatch(/built in/);
  });

  it('skips quietly when there is nothing to build yet (the Docker layer that has only package.json)', () => {
    const bare = tempDir('lightdash-build-bare-');
    try {
      fs.mkdirSync(path.join(bare, 'scripts'));
      fs.copyFileSync(path.resolve('scripts/build-if-stale.mjs'), path.join(bare, 'scripts', 'build-if-stale.mjs'));
      const result = spawnSync(process.execPath, [path.join(bare, 'scripts', 'build-if-stale.mjs')], { cwd: bare, encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(fs.existsSync(path.join(bare, 'dist'))).toBe(false);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  it('is what npm runs at install and before start', () => {
    const { scripts } = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    expect(scripts.prepare).toBe('node scripts/build-if-stale.mjs');
    expect(scripts.prestart).toBe('node scripts/build-if-stale.mjs');
  });
});
