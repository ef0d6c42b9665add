// Creates or drops a fresh database on CI's PostgreSQL (127.0.0.1:5432, trust auth) for the second test run.
//   node .ci/external-db.mjs available          exit 0 when the server answers
//   node .ci/external-db.mjs create             prints the new database's URL
//   node .ci/external-db.mjs drop <url>
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env.CI_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const [command, target] = process.argv.slice(2);

const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
} catch {
  process.exit(command === 'available' ? 1 : 2);
}
try {
  if (command === 'create') {
    const name = `lightdash_ci_${randomBytes(6).toString('hex')}`;
    await client.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    console.log(url.toString());
  } else if (command === 'drop') {
    const name = new URL(target).pathname.slice(1);
    if (/^lightdash_ci_[0-9a-f]+$/.test(name)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
} finally {
  await client.end();
}
