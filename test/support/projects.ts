import type { ProjectRole } from '../../src/authorization/roles.js';
import type { TestApp } from './app.js';
import type { TestUser } from './users.js';

/** Creates a project through the API (POST /api/v1/org/projects) as an organization admin; returns its uuid. */
export async function createProject(t: TestApp, admin: TestUser, name = 'Test project'): Promise<string> {
  const res = await t.http().post('/api/v1/org/projects').set('Cookie', admin.cookie).send({
    name,
    type: 'DEFAULT',
    dbtVersion: 'v1.9',
    dbtConnection: { type: 'none' },
    warehouseConnection: { type: 'postgres', host: 'warehouse.internal', port: 5432, user: 'lightdash', password: 'warehouse-secret', dbname: 'analytics', schema: 'public' },
  });
  if (res.status !== 200) throw new Error(`project creation failed: ${res.status} ${res.text}`);
  return res.body.results.project.projectUuid;
}

/** Grants a user a direct project role (POST /api/v1/projects/{p}/access). */
export async function grantProjectRole(t: TestApp, admin: TestUser, projectUuid: string, user: TestUser, role: ProjectRole): Promise<void> {
  const res = await t.http().post(`/api/v1/projects/${projectUuid}/access`).set('Cookie', admin.cookie).send({ email: user.email, role, sendEmail: false });
  if (res.status !== 200) throw new Error(`grant failed: ${res.status} ${res.text}`);
}
