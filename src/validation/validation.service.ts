import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError } from '../common/errors.js';
import { parseExploresUpload } from '../explores/explore-upload.js';
import { lockProjectExplores } from '../explores/explores.queries.js';
import { VALIDATION_TARGETS, type ValidateProjectDto, type ValidationJobDto, type ValidationResultDto } from './dto/validation.dto.js';
import { validateContent, type ChartInput, type DashboardInput, type ExploreInput, type ValidationRow } from './validate-content.js';
import { deleteResult, listResults, loadCharts, loadDashboards, loadExplores, storeResults } from './validation.queries.js';

/**
 * Content validation: charts and dashboards checked against the project's explores. Lightdash runs
 * it as a scheduler job and answers with its id; here the run completes within the request (it reads
 * and writes only our database), so the results are there as soon as the job id is.
 */
@Injectable()
export class ValidationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async validate(access: ProjectAccess, dto: ValidateProjectDto): Promise<ValidationJobDto> {
    const given = dto.explores ? parseExploresUpload(dto.explores).explores : undefined;
    const targets = new Set(dto.validationTargets && dto.validationTargets.length > 0 ? dto.validationTargets : VALIDATION_TARGETS);
    const jobId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      // one run at a time per project, so two project-wide runs do not both keep their rows
      await lockProjectExplores(manager, access.projectId);
      const stored = await loadExplores(manager, access.projectId);
      const charts = await loadCharts(manager, access.projectId);
      const dashboards = await loadDashboards(manager, access.projectId);
      let rows = validateContent(given ? mergeExplores(stored, given) : stored, charts, dashboards, targets);
      if (given && dto.onlyValidateExploresInArgs) rows = rowsAbout(new Set(given.map((explore) => explore.name)), charts, dashboards, rows);
      await storeResults(manager, access.projectId, jobId, given !== undefined, rows);
      await this.audit.record(manager, {
        action: 'project.validate',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { jobId, errors: rows.length, explores: given ? given.length : 'uploaded' },
      });
    });
    return { jobId };
  }

  list(principal: Principal, access: ProjectAccess, jobId: string | undefined): Promise<ValidationResultDto[]> {
    return listResults(this.dataSource.manager, access.projectId, principal.userId, jobId);
  }

  async dismiss(access: ProjectAccess, validationId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await deleteResult(manager, access.projectId, validationId))) throw new NotFoundError(`Validation ${validationId} not found`);
      await this.audit.record(manager, {
        action: 'project.validation.dismiss',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { validationId: Number(validationId) },
      });
    });
  }
}

/** Only the rows about the named explores: their errors, their charts, and the dashboards showing those charts. */
function rowsAbout(exploreNames: Set<string>, charts: ChartInput[], dashboards: DashboardInput[], rows: ValidationRow[]): ValidationRow[] {
  const chartIds = new Set(charts.filter((chart) => exploreNames.has(chart.tableName)).map((chart) => chart.chartId));
  const chartUuids = new Set(charts.filter((chart) => chartIds.has(chart.chartId)).map((chart) => chart.chartUuid));
  const dashboardIds = new Set(
    dashboards
      .filter((dashboard) => Array.isArray(dashboard.tiles) && dashboard.tiles.some((tile) => chartUuids.has(tile?.properties?.savedChartUuid)))
      .map((dashboard) => dashboard.dashboardId),
  );
  return rows.filter((row) =>
    row.source === 'table' ? exploreNames.has(row.name) : row.source === 'chart' ? chartIds.has(row.chartId!) : dashboardIds.has(row.dashboardId!),
  );
}

/** The uploaded explores with the given ones in place of those of the same name. */
function mergeExplores(stored: ExploreInput[], given: ExploreInput[]): ExploreInput[] {
  const names = new Set(given.map((explore) => explore.name));
  return [...stored.filter((explore) => !names.has(explore.name)), ...given];
}
