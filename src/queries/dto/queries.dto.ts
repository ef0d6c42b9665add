import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

import { IsOptionalNotNull } from '../../common/transforms.js';
import { ProjectParamsDto } from '../../projects/dto/project.dto.js';

/** SQL typed by a caller: up to 100k characters. */
const MAX_SQL_CHARS = 100_000;

/**
 * A MetricQuery as the request sends it. Its content is checked by the compiler (400 CompileError /
 * FieldReferenceError with the path at fault), as Lightdash checks it, so the keys are only declared here.
 */
export class MetricQueryBodyDto {
  @ApiPropertyOptional({ example: 'orders' }) @Allow() exploreName?: unknown;
  @ApiPropertyOptional({ example: ['orders_status'] }) @Allow() dimensions?: unknown;
  @ApiPropertyOptional({ example: ['orders_total_revenue'] }) @Allow() metrics?: unknown;
  @ApiPropertyOptional({ example: { dimensions: { and: [{ target: { fieldId: 'orders_status' }, operator: 'equals', values: ['shipped'] }] } } }) @Allow() filters?: unknown;
  @ApiPropertyOptional({ example: [{ fieldId: 'orders_total_revenue', descending: true }] }) @Allow() sorts?: unknown;
  @ApiPropertyOptional({ example: 500 }) @Allow() limit?: unknown;
  @ApiPropertyOptional({ example: [] }) @Allow() tableCalculations?: unknown;
  @ApiPropertyOptional() @Allow() additionalMetrics?: unknown;
  @ApiPropertyOptional() @Allow() customDimensions?: unknown;
  @ApiPropertyOptional({ example: 'UTC' }) @Allow() timezone?: unknown;
  @ApiPropertyOptional() @Allow() metricOverrides?: unknown;
  @ApiPropertyOptional() @Allow() dimensionOverrides?: unknown;
  @ApiPropertyOptional() @Allow() pivotDimensions?: unknown;
}

export class CsvDownloadBodyDto extends MetricQueryBodyDto {
  @ApiPropertyOptional({ description: 'raw values (CSV values are always raw here)' }) @Allow() onlyRaw?: unknown;
  @ApiPropertyOptional({ nullable: true, description: 'rows wanted; null: as many as LIGHTDASH_CSV_CELLS_LIMIT allows' }) @Allow() csvLimit?: unknown;
  @ApiPropertyOptional() @Allow() showTableNames?: unknown;
  @ApiPropertyOptional({ type: [String] }) @Allow() columnOrder?: unknown;
  @ApiPropertyOptional() @Allow() customLabels?: unknown;
  @ApiPropertyOptional({ type: [String] }) @Allow() hiddenFields?: unknown;
  @ApiPropertyOptional() @Allow() chartName?: unknown;
}

export class ExploreQueryParamsDto extends ProjectParamsDto {
  @ApiProperty({ description: 'the explore name' })
  @IsString()
  @MaxLength(1024)
  exploreId: string;
}

export class SqlQueryBodyDto {
  @ApiProperty({ example: 'SELECT 1 AS one' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SQL_CHARS)
  sql: string;
}

export class SqlRunnerBodyDto extends SqlQueryBodyDto {
  @ApiPropertyOptional({ example: 500 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  limit?: number;
}

export class CalculateTotalBodyDto {
  @ApiProperty({ example: 'orders' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  explore: string;

  @ApiProperty({ type: MetricQueryBodyDto })
  @IsObject()
  metricQuery: Record<string, unknown>;
}

class ExecuteBodyBase {
  @ApiPropertyOptional({ example: 'api' }) @Allow() context?: unknown;
  @ApiPropertyOptional() @Allow() invalidateCache?: unknown;
  @ApiPropertyOptional() @Allow() parameters?: unknown;
}

export class ExecuteMetricQueryBodyDto extends ExecuteBodyBase {
  @ApiProperty({ type: MetricQueryBodyDto })
  @IsObject()
  query: Record<string, unknown>;
}

export class ExecuteSqlQueryBodyDto extends ExecuteBodyBase {
  @ApiProperty({ example: 'SELECT 1 AS one' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SQL_CHARS)
  sql: string;

  @ApiPropertyOptional({ example: 500, description: 'rows at most (WAREHOUSE_MAX_ROWS when absent)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  limit?: number;
}

export class ExecuteChartQueryBodyDto extends ExecuteBodyBase {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  chartUuid: string;

  @ApiPropertyOptional({ nullable: true, description: 'rows wanted; null: as many as LIGHTDASH_CSV_CELLS_LIMIT allows' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  limit?: number | null;
}

export class ExecuteUnderlyingDataBodyDto extends ExecuteBodyBase {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  underlyingDataSourceQueryUuid: string;

  @ApiProperty({ description: 'filters ANDed onto the source query’s dimension filters ({dimensions: …})' })
  @IsObject()
  filters: Record<string, unknown>;

  @ApiPropertyOptional() @Allow() sorts?: unknown;
  @ApiPropertyOptional() @Allow() underlyingDataItemId?: unknown;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  limit?: number | null;
}

export class CalculateTotalAsyncBodyDto {
  @ApiPropertyOptional({ enum: ['grandTotal', 'columnTotal', 'rowTotal', 'columnSubtotal', 'rowSubtotal'], example: 'grandTotal' })
  @IsOptionalNotNull()
  @IsIn(['grandTotal', 'columnTotal', 'rowTotal', 'columnSubtotal', 'rowSubtotal'])
  kind?: string;

  @ApiPropertyOptional() @Allow() subtotalDimensions?: unknown;
  @ApiPropertyOptional() @Allow() invalidateCache?: unknown;
}

export class DownloadBodyDto {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], example: 'csv' })
  @IsOptionalNotNull()
  @IsIn(['csv', 'jsonl', 'xlsx', 's3_jsonl', 'image'])
  type?: string;

  @ApiPropertyOptional() @Allow() onlyRaw?: unknown;
  @ApiPropertyOptional() @Allow() showTableNames?: unknown;
  @ApiPropertyOptional() @Allow() customLabels?: unknown;
  @ApiPropertyOptional() @Allow() columnOrder?: unknown;
  @ApiPropertyOptional() @Allow() hiddenFields?: unknown;
}

export class QueryParamsDto extends ProjectParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  queryUuid: string;
}

export class JobParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  jobId: string;
}

export class ProjectJobParamsDto extends ProjectParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  jobId: string;
}

export class ResultsPageQueryDto {
  @ApiPropertyOptional({ example: 1 }) @IsOptional() @IsString() page?: string;
  @ApiPropertyOptional({ example: 500 }) @IsOptional() @IsString() pageSize?: string;
}

export class TableFieldsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) tableName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) schemaName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) databaseName?: string;
  @ApiPropertyOptional({ description: 'the SDK’s spelling of tableName' }) @IsOptional() @IsString() @MaxLength(1024) table?: string;
  @ApiPropertyOptional({ description: 'the SDK’s spelling of schemaName' }) @IsOptional() @IsString() @MaxLength(1024) schema?: string;
}

