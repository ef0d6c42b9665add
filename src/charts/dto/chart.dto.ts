import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';
import { isPlainObject } from '../../common/plain-object.js';

export const CHART_TYPES = ['cartesian', 'table', 'big_number', 'pie', 'funnel', 'treemap', 'gauge', 'custom', 'map'] as const;
export const CHART_KINDS = ['line', 'horizontal_bar', 'vertical_bar', 'scatter', 'area', 'mixed', 'pie', 'table', 'big_number', 'funnel', 'custom', 'treemap', 'gauge', 'map'] as const;
export type ChartType = (typeof CHART_TYPES)[number];
export type ChartKind = (typeof CHART_KINDS)[number];

/** A JSON object kept as given: its keys are not whitelisted (they belong to the chart renderer). */
export function IsOpaqueObject() {
  return ValidateBy({
    name: 'isOpaqueObject',
    validator: { validate: isPlainObject, defaultMessage: (args) => `${args?.property} must be an object` },
  });
}

/** An array of JSON objects kept as given. */
export function IsArrayOfOpaqueObjects() {
  return ValidateBy({
    name: 'isArrayOfOpaqueObjects',
    validator: {
      validate: (value: unknown) => Array.isArray(value) && value.every(isPlainObject),
      defaultMessage: (args) => `${args?.property} must be an array of objects`,
    },
  });
}

/** `{type, config?}` with `type` one of the chart types; the rest depends on the type and is kept as given. */
export function IsChartConfig() {
  return ValidateBy({
    name: 'isChartConfig',
    validator: {
      validate: (value: unknown) => isPlainObject(value) && CHART_TYPES.includes(value.type as ChartType),
      defaultMessage: (args) => `${args?.property} must be an object whose type is one of: ${CHART_TYPES.join(', ')}`,
    },
  });
}

export type ChartConfig = { type: ChartType; config?: Record<string, unknown> } & Record<string, unknown>;

export class SortFieldDto {
  @ApiProperty({ example: 'orders_total_revenue' })
  @IsString()
  @IsNotEmpty()
  fieldId: string;

  @ApiProperty({ example: true })
  @IsBoolean()
  descending: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  nullsFirst?: boolean;
}

export class MetricQueryDto {
  @ApiProperty({ example: 'orders' })
  @IsString()
  @IsNotEmpty()
  exploreName: string;

  @ApiProperty({ type: [String], example: ['orders_order_date_month'] })
  @IsArray()
  @IsString({ each: true })
  dimensions: string[];

  @ApiProperty({ type: [String], example: ['orders_total_revenue'] })
  @IsArray()
  @IsString({ each: true })
  metrics: string[];

  @ApiProperty({ type: Object, example: {}, description: 'Filter groups (`{dimensions?, metrics?, tableCalculations?}`), kept as given' })
  @IsOpaqueObject()
  filters: Record<string, unknown>;

  @ApiProperty({ type: [SortFieldDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SortFieldDto)
  sorts: SortFieldDto[];

  @ApiProperty({ minimum: 1, maximum: 5000, example: 500 })
  @IsInt()
  @Min(1)
  @Max(5000)
  limit: number;

  @ApiProperty({ type: [Object], example: [] })
  @IsArrayOfOpaqueObjects()
  tableCalculations: Record<string, unknown>[];

  @ApiPropertyOptional({ type: [Object] })
  @IsOptionalNotNull()
  @IsArrayOfOpaqueObjects()
  additionalMetrics?: Record<string, unknown>[];

  @ApiPropertyOptional({ type: [Object] })
  @IsOptionalNotNull()
  @IsArrayOfOpaqueObjects()
  customDimensions?: Record<string, unknown>[];

  @ApiPropertyOptional({ type: Object })
  @IsOptionalNotNull()
  @IsOpaqueObject()
  metricOverrides?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Object })
  @IsOptionalNotNull()
  @IsOpaqueObject()
  dimensionOverrides?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'UTC' })
  @IsOptionalNotNull()
  @IsString()
  timezone?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptionalNotNull()
  @IsArray()
  @IsString({ each: true })
  pivotDimensions?: string[];

  @ApiPropertyOptional({ type: Object })
  @IsOptionalNotNull()
  @IsOpaqueObject()
  metadata?: Record<string, unknown>;
}

export class TableConfigDto {
  @ApiProperty({ type: [String], example: [] })
  @IsArray()
  @IsString({ each: true })
  columnOrder: string[];
}

export class CreateChartDto {
  @ApiProperty({ example: 'Monthly revenue', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ nullable: true, example: 'Revenue of completed orders by month' })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiProperty({ example: 'orders' })
  @IsString()
  @IsNotEmpty()
  tableName: string;

  @ApiProperty({ type: MetricQueryDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MetricQueryDto)
  metricQuery: MetricQueryDto;

  @ApiProperty({ type: Object, example: { type: 'table', config: {} }, description: `\`type\` is one of ${CHART_TYPES.join(', ')}; the rest depends on the type` })
  @IsChartConfig()
  chartConfig: ChartConfig;

  @ApiPropertyOptional({ type: TableConfigDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => TableConfigDto)
  tableConfig?: TableConfigDto;

  @ApiPropertyOptional({ type: Object, nullable: true, example: { columns: [] } })
  @IsOptional()
  @IsOpaqueObject()
  pivotConfig?: Record<string, unknown> | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'The space to save the chart in; without it, the first space of the project you may see (the default space "Shared")' })
  @IsOptional()
  @IsUUID()
  spaceUuid?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Charts saved inside a dashboard are not supported: only null is accepted' })
  @IsOptional()
  @IsUUID()
  dashboardUuid?: string | null;

  @ApiPropertyOptional({ type: Object, description: 'Accepted for compatibility and ignored: the caller is recorded' })
  @IsOptionalNotNull()
  @IsOpaqueObject()
  updatedByUser?: Record<string, unknown>;
}

export class UpdateChartDto {
  @ApiPropertyOptional({ example: 'Monthly revenue', maxLength: 255 })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move the chart to this space of the same project' })
  @IsOptionalNotNull()
  @IsUUID()
  spaceUuid?: string;
}

export class ChartParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  chartUuid: string;
}

export class ChartSummariesQueryDto {
  @ApiPropertyOptional({ description: 'Accepted for compatibility: charts are never saved inside dashboards here' })
  @IsOptionalNotNull()
  @IsIn(['true', 'false'])
  excludeChartsSavedInDashboard?: string;
}

export class UpdatedByUserDto {
  @ApiProperty({ format: 'uuid' })
  userUuid: string;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;
}

export class ChartSummaryDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ nullable: true, type: String })
  description: string | null;

  @ApiProperty({ format: 'uuid' })
  spaceUuid: string;

  @ApiProperty()
  spaceName: string;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  pinnedListUuid: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  dashboardUuid: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  dashboardName: string | null;

  @ApiProperty({ example: 'monthly-revenue' })
  slug: string;

  @ApiProperty({ enum: CHART_KINDS, nullable: true })
  chartKind: ChartKind | null;

  @ApiProperty({ enum: CHART_TYPES })
  chartType: ChartType;
}

/** An item of GET /projects/{p}/chart-summaries. */
export class ChartSummaryListItemDto extends ChartSummaryDto {
  @ApiProperty({ nullable: true, type: String, example: null })
  dashboardSlug: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ example: 0 })
  viewsCount: number;
}

export class SpaceQueryDto extends ChartSummaryDto {
  @ApiProperty({ enum: ['dbt_explore', 'sql'] })
  source: string;

  @ApiProperty({ type: [Object], example: [], description: 'Always empty: content validation results are listed by GET /projects/{p}/validate' })
  validationErrors: unknown[];

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no content verification here' })
  verification: null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ type: UpdatedByUserDto, nullable: true })
  updatedByUser: UpdatedByUserDto | null;

  @ApiProperty({ nullable: true, type: Number, example: null })
  pinnedListOrder: number | null;

  @ApiProperty({ example: 0 })
  views: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  firstViewedAt: Date | null;
}

export class SavedChartDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ format: 'uuid' })
  spaceUuid: string;

  @ApiProperty()
  spaceName: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: 'monthly-revenue' })
  slug: string;

  @ApiProperty({ example: 'orders' })
  tableName: string;

  @ApiProperty({ type: MetricQueryDto })
  metricQuery: Record<string, unknown>;

  @ApiProperty({ type: Object, example: { type: 'table', config: {} } })
  chartConfig: ChartConfig;

  @ApiProperty({ type: TableConfigDto })
  tableConfig: TableConfigDto;

  @ApiPropertyOptional({ type: Object, description: 'Present when the chart has one' })
  pivotConfig?: Record<string, unknown>;

  @ApiProperty({ format: 'date-time', type: String })
  updatedAt: string;

  @ApiProperty({ type: UpdatedByUserDto, nullable: true })
  updatedByUser: UpdatedByUserDto | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  dashboardUuid: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  dashboardName: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  dashboardSlug: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  pinnedListUuid: string | null;

  @ApiProperty({ nullable: true, type: Number, example: null })
  pinnedListOrder: number | null;

  @ApiProperty({ example: false, description: 'The chart is in a space that does not inherit access (lightdash-client-python requires the key)' })
  isPrivate: boolean;

  @ApiProperty({ example: true, description: 'The chart is in a space open to the whole project' })
  inheritsFromOrgOrProject: boolean;

  @ApiProperty({ type: [Object], example: [], description: 'Always empty here' })
  access: unknown[];

  @ApiProperty({ type: String, nullable: true, example: null })
  colorPaletteUuid: null;

  @ApiProperty({ type: [String], description: "The organization's chart colours" })
  colorPalette: string[];

  @ApiProperty({ type: Object, description: 'The palette the chart is drawn with, and where it comes from' })
  resolvedColorPalette: Record<string, unknown>;

  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Always null: no chart merges here' })
  merge: null;

  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Always null: no content verification here' })
  verification: null;
}
