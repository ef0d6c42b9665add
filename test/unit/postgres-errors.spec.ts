import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { freePort } from '../../src/database/embedded-postgres.js';
import { databaseUnavailability } from '../../src/common/postgres-errors.js';

/** An error the way pg reports a server error: a message and its SQLSTATE. */
function sqlstate(code: string): Error {
  return Object.assign(new Error(`server error ${code}`), { code });
}

describe('databaseUnavailability', () => {
  it.each([
    ['connection failure (08006)', sqlstate('08006'), 'unreachable'],
    ['connection does not exist (08003)', sqlstate('08003'), 'unreachable'],
    ['admin shutdown (57P01)', sqlstate('57P01'), 'unreachable'],
    ['crash shutdown (57P02)', sqlstate('57P02'), 'unreachable'],
    ['cannot connect now (57P03)', sqlstate('57P03'), 'unreachable'],
    ['too many connections (53300)', sqlstate('53300'), 'unreachable'],
    ['statement timeout (57014)', sqlstate('57014'), 'busy'],
    ['lock timeout (55P03)', sqlstate('55P03'), 'busy'],
    ['deadlock detected (40P01)', sqlstate('40P01'), 'busy'],
    ['a statement timeout wrapped by TypeORM', new QueryFailedError('SELECT 1', [], sqlstate('57014')), 'busy'],
    ['a lost connection wrapped by TypeORM', new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')), 'unreachable'],
    ['a reset socket', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'unreachable'],
    ['an unknown host', Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' }), 'unreachable'],
    ['a pool wait that timed out', new Error('timeout exceeded when trying to connect'), 'busy'],
    ['a connect that timed out', new Error('Connection terminated due to connection timeout'), 'unreachable'],
    ['a client that lost its connection', new Error('Client has encountered a connection error and is not queryable'), 'unreachable'],
  ])('%s → %s', (_, error, reason) => {
    expect(databaseUnavailability(error)).toBe(reason);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], sqlstate('23505'))],
    ['a syntax error', sqlstate('42601')],
    ['a serialization failure', sqlstate('40001')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'Connection terminated'],
    ['nothing', undefined],
  ])('%s is not the database being unavailable', (_, error) => {
    expect(databaseUnavailability(error)).toBeUndefined();
  });

  it('recognises the error of a refused connection as pg reports it', async () => {
    const client = new pg.Client({ connectionString: `postgres://nobody:x@127.0.0.1:${await freePort()}/none` });
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    expect(databaseUnavailability(error)).toBe('unreachable');
  });
});
