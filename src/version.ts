import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The server version, from package.json (dist/src/version.js and src/version.ts are both two levels below it … or one). */
function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'lightdash-access-server' && pkg.version) return pkg.version;
    } catch {
      /* try the next location */
    }
  }
  return '0.0.0';
}

export const SERVER_VERSION = readVersion();
