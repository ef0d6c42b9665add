import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { entities } from './entities.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

/** One definition of the connection, shared by the app, the migration CLI and the test setup. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // JIT compilation pays off for long analytical queries, never for ours: a list whose estimated
    // cost crossed jit_above_cost spent 50 ms compiling to save microseconds (PostgreSQL 15 on Debian)
    extra: { max: poolSize, application_name: 'lightdash-access-server', options: '-c jit=off' },
  };
}
