import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import type { ExploresUploadResultDto } from './dto/explore.dto.js';
import type { ExploresUpload } from './explore-upload.js';

/** Uploaded explores of a project and the catalog items (tables and fields) built from them. */
@Injectable()
export class ExploresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Replaces the project's explores and brings its catalog in line, in one transaction. */
  async replace(access: ProjectAccess, upload: ExploresUpload): Promise<ExploresUploadResultDto> {
    return this.dataSource.transaction(async (manager) => {
      // one upload at a time per project; NO KEY UPDATE still lets other rows reference the project
      await manager.query('SELECT 1 FROM projects WHERE project_id = $1 FOR NO KEY UPDATE', [access.projectId]);
      await manager.query('DELETE FROM explores WHERE project_id = $1', [access.projectId]);
      await manager.query(
        `INSERT INTO explores (project_id, name, is_errored, summary, definition)
         SELECT $1, x.name, x."isErrored", x.summary, x.definition
         FROM json_to_recordset($2::json) AS x(name text, "isErrored" boolean, summary jsonb, definition json)`,
        [access.projectId, JSON.stringify(upload.explores)],
      );
      // Upsert by identity so kept items keep their row (and catalog_search_uuid), then drop the rest.
      // Both in one statement: the DELETE sees the rows as they were before it, minus the upserted ones.
      const [{ catalogItems }] = await manager.query(
        `WITH upserted AS (
           INSERT INTO catalog_items (project_id, item_type, table_name, field_name, field_type, name, label, description, explore_name, definition, search_vector)
           SELECT $1, x.item_type, x.table_name, x.field_name, x.field_type, x.name, x.label, x.description, x.explore_name, x.definition,
                  catalog_search_vector(x.name, x.label, x.description)
           FROM jsonb_to_recordset($2::jsonb) AS x(item_type text, table_name text, field_name text, field_type text, name text,
                                                   label text, description text, explore_name text, definition jsonb)
           ON CONFLICT (project_id, item_type, table_name, (coalesce(field_name, ''))) DO UPDATE SET
             field_type = excluded.field_type, name = excluded.name, label = excluded.label, description = excluded.description,
             explore_name = excluded.explore_name, definition = excluded.definition, search_vector = excluded.search_vector, updated_at = now()
           RETURNING catalog_item_id
         ), removed AS (
           DELETE FROM catalog_items c
           WHERE c.project_id = $1 AND NOT EXISTS (SELECT 1 FROM upserted u WHERE u.catalog_item_id = c.catalog_item_id)
         )
         SELECT count(*)::int AS "catalogItems" FROM upserted`,
        [access.projectId, JSON.stringify(upload.catalogItems)],
      );
      const erroredExplores = upload.explores.filter((explore) => explore.isErrored).length;
      await this.audit.record(manager, {
        action: 'project.explores.upload',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { explores: upload.explores.length, erroredExplores, catalogItems },
      });
      return { explores: upload.explores.length, catalogItems };
    });
  }

  async list(access: ProjectAccess): Promise<Record<string, unknown>[]> {
    const rows: { summary: Record<string, unknown> }[] = await this.dataSource.query(
      'SELECT summary FROM explores WHERE project_id = $1 ORDER BY name COLLATE "C"',
      [access.projectId],
    );
    return rows.map((row) => row.summary);
  }

  async get(access: ProjectAccess, exploreName: string): Promise<Record<string, unknown>> {
    const [row]: { isErrored: boolean; definition: Record<string, unknown> }[] = await this.dataSource.query(
      'SELECT is_errored AS "isErrored", definition FROM explores WHERE project_id = $1 AND name = $2',
      [access.projectId, exploreName],
    );
    if (!row) throw new NotFoundError(`Explore "${exploreName}" does not exist`);
    if (row.isErrored) throw new ParameterError(`Explore "${exploreName}" has errors`, { errors: row.definition.errors });
    const { unfilteredTables: _unfilteredTables, ...explore } = row.definition;
    return explore;
  }
}
