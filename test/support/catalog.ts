import { DataSource } from 'typeorm';
import type { TestApp } from './app.js';
import type { TestUser } from './users.js';

/** PUT /projects/{p}/explores with `body` as JSON; the caller asserts the answer. */
export function uploadExplores(t: TestApp, user: TestUser, projectUuid: string, body: unknown) {
  return t.http().put(`/api/v1/projects/${projectUuid}/explores`).set('Cookie', user.cookie).set('content-type', 'application/json').send(JSON.stringify(body));
}

/** The project's catalogSearchUuids, keyed `table:<table>` for tables and `<table>.<field>` for fields. */
export async function catalogSearchUuids(t: TestApp, projectUuid: string): Promise<Map<string, string>> {
  const rows: { identity: string; uuid: string }[] = await t.app.get(DataSource).query(
    `SELECT CASE WHEN c.item_type = 'table' THEN 'table:' || c.table_name ELSE c.table_name || '.' || c.field_name END AS identity,
            c.catalog_search_uuid AS uuid
     FROM catalog_items c JOIN projects p USING (project_id) WHERE p.project_uuid = $1`,
    [projectUuid],
  );
  return new Map(rows.map((row) => [row.identity, row.uuid]));
}
