import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { highest, PROJECT_ROLES, SPACE_ROLES } from '../../src/authorization/roles.js';
import { PROJECT_ROLE_CASES, SPACE_ROLE_CASES } from '../support/access-cases.js';

// The SQL functions that list queries filter with must decide exactly as the pure resolvers do.
describe('effective_project_role() and effective_space_role() in PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
  });
  afterAll(async () => client.end());

  it.each(PROJECT_ROLE_CASES)('project: %s', async (_name, organizationRole, directRole, groupRoles, expected) => {
    const { rows } = await client.query('SELECT effective_project_role($1::organization_role, $2::project_role, $3::project_role) AS role', [
      organizationRole,
      directRole,
      highest(PROJECT_ROLES, groupRoles),
    ]);
    expect(rows[0].role).toBe(expected);
  });

  it.each(SPACE_ROLE_CASES)('space: %s', async (_name, projectRole, chain, expected) => {
    const { rows } = await client.query('SELECT effective_space_role($1::project_role, $2::space_role, $3::space_role, $4) AS role', [
      projectRole,
      highest(SPACE_ROLES, chain.map((level) => level.userRole)),
      highest(SPACE_ROLES, chain.flatMap((level) => level.groupRoles)),
      chain.every((level) => level.inheritsParentPermissions),
    ]);
    expect(rows[0].role).toBe(expected);
  });
});
