// Operators' migration commands: `npm run migration:run | migration:revert | migration:generate -- <Name>`.
// Uses DATABASE_URL, or the embedded PostgreSQL in DATA_DIR when it is not set.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfig } from './config/config.js';
import { openDatabase } from './database/database-location.js';
import { entities } from './entities.js';
import { pendingSchemaChanges, revertLastMigration, runMigrations } from './database/migrate.js';

function migrationSource(name: string, timestamp: number, up: string[], down: string[]): string {
  const statements = (queries: string[]) =>
    queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${statements(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${statements(down)}
  }
}
`;
}

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  const config = parseConfig(process.env);
  const db = await openDatabase(config, (m) => console.error(m));
  try {
    switch (command) {
      case 'run': {
        const applied = await runMigrations(db.url);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
        return 0;
      }
      case 'revert':
        await revertLastMigration(db.url);
        console.log('Reverted the last migration.');
        return 0;
      case 'generate': {
        if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
          console.error('Usage: npm run migration:generate -- <PascalCaseName>');
          return 2;
        }
        await runMigrations(db.url);
        const { up, down } = await pendingSchemaChanges(db.url, entities);
        if (up.length === 0) {
          console.log('The entities match the schema: nothing to generate.');
          return 0;
        }
        const timestamp = Date.now();
        const file = path.resolve('migrations', `${timestamp}-${name}.ts`);
        fs.writeFileSync(file, migrationSource(name, timestamp, up, down));
        console.log(`Wrote ${file}; add ${name}${timestamp} to migrations/index.ts.`);
        return 0;
      }
      default:
        console.error('Usage: migration-cli run | revert | generate <Name>');
        return 2;
    }
  } finally {
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
