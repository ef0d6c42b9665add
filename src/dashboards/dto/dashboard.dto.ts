import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  isUUID,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsArrayOfOpaqueObjects, IsOpaqueObject, UpdatedByUserDto } from '../../charts/dto/chart.dto.js';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

export const DASHBOARD_TILE_TYPES = ['saved_chart', 'sql_chart', 'markdown', 'loom', 'heading'] as const;
export type DashboardTileType = (typeof DASHBOARD_TILE_TYPES)[number];

/** The tile's properties: an object kept as given, whose `savedChartUuid` (on a saved_chart tile) is null or a UUID. */
function IsTileProperties() {
  return ValidateBy({
    name: 'isTileProperties',
    validator: {
      validate: (value: unknown, args) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        if ((args?.object as { type?: unknown }).type !== 'saved_chart') return true;
        const chartUuid = (value as { savedChartUuid?: unknown }).savedChartUuid;
        return chartUuid === undefined || chartUuid === null || (typeof chartUuid === 'string' && isUUID(chartUuid));
      },
      defaultMessage: (args) => `${args?.property} must be an object (with savedChartUuid null or a UUID on a saved_chart tile)`,
    },
  });
}

export class DashboardTileDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Given a new one when missing' })
  @IsOptionalNotNull()
  @IsUUID()
  uuid?: string;

  @ApiProperty({ enum: DASHBOARD_TILE_TYPES })
  @IsIn(DASHBOARD_TILE_TYPES)
  type: DashboardTileType;

  @ApiProperty({ minimum: 0, example: 0 })
  @IsInt()
  @Min(0)
  x: number;

  @ApiProperty({ minimum: 0, example: 0 })
  @IsInt()
  @Min(0)
  y: number;

  @ApiProperty({ minimum: 0, example: 3 })
  @IsInt()
  @Min(0)
  h: number;

  @ApiProperty({ minimum: 0, example: 6 })
  @IsInt()
  @Min(0)
  w: number;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  tabUuid?: string | null;

  @ApiProperty({
    type: Object,
    example: { savedChartUuid: '3f0b6a52-7e9f-4f43-8c53-0c3f5a2c9d10', title: 'Revenue' },
    description: 'By type: saved_chart {savedChartUuid, title?, …}, markdown {title, content}, loom {title, url}, heading {text}, sql_chart {savedSqlUuid, chartName}',
  })
  @IsTileProperties()
  properties: Record<string, unknown>;
}

export class DashboardTabDto {
  @ApiProperty({ example: 'overview' })
  @IsString()
  @IsNotEmpty()
  uuid: string;

  @ApiProperty({ example: 'Overview' })
  @IsString()
  name: string;

  @ApiProperty({ example: 0 })
  @IsInt()
  order: number;
}

export class DashboardFiltersDto {
  @ApiProperty({ type: [Object], example: [] })
  @IsArrayOfOpaqueObjects()
  dimensions: Record<string, unknown>[];

  @ApiProperty({ type: [Object], example: [] })
  @IsArrayOfOpaqueObjects()
  metrics: Record<string, unknown>[];

  @ApiProperty({ type: [Object], example: [] })
  @IsArrayOfOpaqueObjects()
  tableCalculations: Record<string, unknown>[];
}

const MAX_TILES = 1000;

/** The editable content of a dashboard; every field optional (PATCH). */
export class UpdateDashboardDto {
  @ApiPropertyOptional({ example: 'Sales overview', maxLength: 255 })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ type: [DashboardTileDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_TILES)
  @ValidateNested({ each: true })
  @Type(() => DashboardTileDto)
  tiles?: DashboardTileDto[];

  @ApiPropertyOptional({ type: [DashboardTabDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DashboardTabDto)
  tabs?: DashboardTabDto[];

  @ApiPropertyOptional({ type: DashboardFiltersDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => DashboardFiltersDto)
  filters?: DashboardFiltersDto;

  @ApiPropertyOptional({ type: Object, nullable: true })
  @IsOptional()
  @IsOpaqueObject()
  parameters?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: Object, nullable: true, example: { isDateZoomDisabled: false } })
  @IsOptional()
  @IsOpaqueObject()
  config?: Record<string, unknown> | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move the dashboard to this space of the same project (needs edit rights there too)' })
  @IsOptionalNotNull()
  @IsUUID()
  spaceUuid?: string;
}

/**
 * POST /projects/{p}/dashboards. Without `duplicateFrom`: a new dashboard, the content fields of
 * UpdateDashboardDto with `name`, `spaceUuid`, `tiles` and `tabs` required (tabs may be empty; the
 * peer picks a default space, we do not). With it: `{dashboardName, dashboardDesc}` only.
 */
export class CreateDashboardDto extends UpdateDashboardDto {
  @ApiPropertyOptional({ type: Object, description: 'Accepted for compatibility and ignored: the caller is recorded' })
  @IsOptionalNotNull()
  @IsOpaqueObject()
  updatedByUser?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'Copy of Sales overview', description: 'Duplicating only' })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  dashboardName?: string;

  @ApiPropertyOptional({ example: '', description: 'Duplicating only' })
  @IsOptionalNotNull()
  @IsString()
  dashboardDesc?: string;
}

export class CreateDashboardQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Duplicate this dashboard (into its own space) instead of creating one' })
  @IsOptionalNotNull()
  @IsUUID()
  duplicateFrom?: string;
}

export class ListDashboardsQueryDto {
  @ApiPropertyOptional({
    example: 'false',
    description:
      'Only `false` narrows the list (as Lightdash, any other value is the default, true): then only dashboards in spaces open to the whole project or shared with you directly (not those you see as project admin or through a group)',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(20)
  includePrivate?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only dashboards with a tile of this saved chart' })
  @IsOptionalNotNull()
  @IsUUID()
  chartUuid?: string;
}

export class DashboardRenameDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  uuid: string;

  @ApiProperty({ example: 'Sales overview', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  spaceUuid: string;
}

export class DashboardParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  dashboardUuid: string;
}

export class DashboardTabResponseDto {
  @ApiProperty()
  uuid: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  order: number;
}

export class DashboardBasicDetailsDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ nullable: true, type: String })
  description: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ format: 'uuid' })
  spaceUuid: string;

  @ApiProperty({ type: UpdatedByUserDto, nullable: true })
  updatedByUser: UpdatedByUserDto | null;

  @ApiProperty({ example: 0 })
  views: number;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'The first view, written or waiting to be written (a GET counts once answered: not in its own answer)',
  })
  firstViewedAt: Date | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  pinnedListUuid: string | null;

  @ApiProperty({ nullable: true, type: Number, example: null })
  pinnedListOrder: number | null;
}

export class DashboardListItemDto extends DashboardBasicDetailsDto {
  @ApiProperty({ enum: DASHBOARD_TILE_TYPES, isArray: true })
  tileTypes: DashboardTileType[];

  @ApiProperty({ example: 'sales-overview' })
  slug: string;

  @ApiProperty({ type: [Object], example: [], description: 'Always empty: content validation results are listed by GET /projects/{p}/validate' })
  validationErrors: unknown[];

  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Always null: no content verification here' })
  verification: null;
}

export class DashboardDto extends DashboardBasicDetailsDto {
  @ApiProperty({ example: 1, description: 'Increases with every change' })
  dashboardVersionId: number;

  @ApiProperty({ format: 'uuid', description: 'Names the current version' })
  versionUuid: string;

  @ApiProperty({ type: [DashboardTileDto] })
  tiles: DashboardTileDto[];

  @ApiProperty({ type: DashboardFiltersDto })
  filters: DashboardFiltersDto;

  @ApiPropertyOptional({ type: Object, description: 'Present when the dashboard has parameters' })
  parameters?: Record<string, unknown>;

  @ApiProperty()
  spaceName: string;

  @ApiProperty({ type: [DashboardTabResponseDto] })
  tabs: DashboardTabResponseDto[];

  @ApiProperty({ description: 'The space (or an ancestor) does not inherit project access' })
  isPrivate: boolean;

  @ApiProperty()
  inheritsFromOrgOrProject: boolean;

  @ApiProperty({ type: [Object], example: [], description: 'Always empty here' })
  access: unknown[];

  @ApiProperty({ example: 'sales-overview' })
  slug: string;

  @ApiPropertyOptional({ type: Object, description: 'Present when the dashboard has a configuration' })
  config?: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true, example: null })
  colorPaletteUuid: null;

  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Always null: no content verification here' })
  verification: null;
}
