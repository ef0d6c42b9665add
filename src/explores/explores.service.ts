import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError } from '../common/errors.js';
import type { ExploresUploadResultDto } from './dto/explore.dto.js';
import type { ExploresUpload } from './explore-upload.js';
import { lockProjectExplores, selectExploreDefinition, selectExploreSummaries, storeProjectExplores } from './explores.queries.js';

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
      await lockProjectExplores(manager, access.projectId);
      const catalogItems = await storeProjectExplores(manager, access.projectId, upload);
      const erroredExplores = upload.explores.filter((explore) => explore.isErrored).length;
      await this.audit.record(manager, {
        action: 'project.explores.upload',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { explores: upload.explores.length, erroredExplores, catalogItems },
      });
      // dbt warnings are not carried by the upload format this server reads, so there are none to report
      return { exploreCount: upload.explores.length, warnings: { exploresWithWarnings: [], warningCount: 0, warningExploreCount: 0 } };
    });
  }

  async list(access: ProjectAccess): Promise<Record<string, unknown>[]> {
    return selectExploreSummaries(this.dataSource.manager, access.projectId);
  }

  async get(access: ProjectAccess, exploreName: string): Promise<Record<string, unknown>> {
    const row = await selectExploreDefinition(this.dataSource.manager, access.projectId, exploreName);
    if (!row) throw new NotFoundError(`Explore "${exploreName}" does not exist`);
    // Lightdash answers an explore that failed to compile as one it cannot find
    if (row.isErrored) throw new NotFoundError(`Explore "${exploreName}" failed to compile`, { errors: row.definition.errors });
    const { unfilteredTables: _unfilteredTables, ...explore } = row.definition;
    return explore;
  }
}
