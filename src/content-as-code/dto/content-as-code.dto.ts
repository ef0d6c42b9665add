import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsChartConfig, IsOpaqueObject, MetricQueryDto, TableConfigDto, type ChartConfig } from '../../charts/dto/chart.dto.js';
import { DASHBOARD_TILE_TYPES, DashboardFiltersDto, type DashboardTileType } from '../../dashboards/dto/dashboard.dto.js';
import { AsArray, IsOptionalNotNull, Trim } from '../../common/transforms.js';

const MAX_IDS = 1000;
const MAX_TILES = 1000;

export class ContentAsCodeParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ example: 'monthly-revenue', description: 'The slug the content is matched by in the project (the body\'s `slug` is not used for that)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  slug: string;
}

export class DownloadAsCodeQueryDto {
  @ApiPropertyOptional({ type: [String], description: 'Only these (repeat the parameter): each a uuid or a slug. Absent: everything' })
  @IsOptionalNotNull()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(MAX_IDS)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  ids?: string[];

  @ApiPropertyOptional({ example: 0, description: 'Where the page starts; the answer\'s `offset` is where the next one does' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  offset?: number;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Accepted for compatibility; no language map is returned' })
  @IsOptionalNotNull()
  @IsIn(['true', 'false'])
  languageMap?: 'true' | 'false';
}

class UploadOptionsDto {
  @ApiPropertyOptional({ description: 'Accepted for compatibility and ignored: an upload always writes what changed' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'Refuse (404) instead of creating the spaces of `spaceSlug` that do not exist' })
  @IsOptional()
  @IsBoolean()
  skipSpaceCreate?: boolean;

  @ApiPropertyOptional({ description: 'A new top-level space is open to the project instead of private' })
  @IsOptional()
  @IsBoolean()
  publicSpaceCreate?: boolean;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @IsInt()
  version?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Ignored' })
  @IsOptional()
  @IsString()
  updatedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Ignored' })
  @IsOptional()
  @IsString()
  downloadedAt?: string;

  @ApiProperty({ example: 'sales/emea-team', description: 'The space path, `/` between levels; missing spaces are created' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  spaceSlug: string;

  @ApiPropertyOptional({ example: 'monthly-revenue', description: 'Ignored: the path\'s slug is the one used' })
  @IsOptional()
  @IsString()
  slug?: string;

  @ApiProperty({ example: 'Monthly revenue', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  description?: string | null;
}

/** A chart document (Lightdash's ChartAsCode). */
export class ChartAsCodeDto extends UploadOptionsDto {
  @ApiProperty({ example: 'orders' })
  @IsString()
  @IsNotEmpty()
  tableName: string;

  @ApiProperty({ type: MetricQueryDto, description: 'Filter groups and rules may leave out their `id`' })
  @IsObject()
  @ValidateNested()
  @Type(() => MetricQueryDto)
  metricQuery: MetricQueryDto;

  @ApiProperty({ type: Object, example: { type: 'table', config: {} } })
  @IsChartConfig()
  chartConfig: ChartConfig;

  @ApiPropertyOptional({ type: TableConfigDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => TableConfigDto)
  tableConfig?: TableConfigDto;

  @ApiPropertyOptional({ type: Object, nullable: true })
  @IsOptional()
  @IsOpaqueObject()
  pivotConfig?: Record<string, unknown> | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Charts saved inside a dashboard are not supported: only null is accepted' })
  @IsOptional()
  @IsString()
  dashboardSlug?: string | null;
}

export class DashboardTileAsCodeDto {
  @ApiProperty({ enum: DASHBOARD_TILE_TYPES })
  @IsIn(DASHBOARD_TILE_TYPES)
  type: DashboardTileType;

  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) x: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) y: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) h: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) w: number;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  tabUuid?: string | null;

  @ApiPropertyOptional({ example: 'monthly-revenue', description: 'Names the tile for the filters\' `tileTargets`' })
  @IsOptional()
  @IsString()
  tileSlug?: string;

  @ApiProperty({ type: Object, example: { title: 'Revenue', hideTitle: false, chartSlug: 'monthly-revenue' }, description: 'A chart tile names its chart by `chartSlug`; other tiles are kept as given' })
  @IsOpaqueObject()
  properties: Record<string, unknown>;
}

export class DashboardTabAsCodeDto {
  @ApiPropertyOptional({ example: 'overview', description: 'Given a new one when missing' })
  @IsOptional()
  @IsString()
  uuid?: string;

  @ApiProperty({ example: 'Overview' })
  @IsString()
  name: string;

  @ApiProperty({ example: 0 })
  @IsInt()
  order: number;
}

/** A dashboard document (Lightdash's DashboardAsCode). */
export class DashboardAsCodeDto extends UploadOptionsDto {
  @ApiProperty({ type: [DashboardTileAsCodeDto] })
  @IsArray()
  @ArrayMaxSize(MAX_TILES)
  @ValidateNested({ each: true })
  @Type(() => DashboardTileAsCodeDto)
  tiles: DashboardTileAsCodeDto[];

  @ApiPropertyOptional({ type: [DashboardTabAsCodeDto] })
  @IsOptionalNotNull()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DashboardTabAsCodeDto)
  tabs?: DashboardTabAsCodeDto[];

  @ApiPropertyOptional({ type: DashboardFiltersDto, description: 'Dimension filters target tiles by `tileSlug`' })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => DashboardFiltersDto)
  filters?: DashboardFiltersDto;
}

export class SpaceOfDocumentsDto {
  @ApiProperty({ example: 'space' }) contentType: 'space';
  @ApiProperty({ example: 'sales/emea-team', description: 'The space path, as the documents\' `spaceSlug`' }) slug: string;
  @ApiProperty({ example: 'Emea team' }) spaceName: string;
}

export class ChartsAsCodeDto {
  @ApiProperty({ type: [Object], description: 'Chart documents' }) charts: Record<string, unknown>[];
  @ApiProperty({ type: [SpaceOfDocumentsDto], description: 'The spaces that hold the documents of this page' }) spaces: SpaceOfDocumentsDto[];
  @ApiProperty({ type: [String] }) missingIds: string[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 1, description: 'Where the next page starts: loop while offset < total' }) offset: number;
}

export class DashboardsAsCodeDto {
  @ApiProperty({ type: [Object], description: 'Dashboard documents' }) dashboards: Record<string, unknown>[];
  @ApiProperty({ type: [SpaceOfDocumentsDto], description: 'The spaces that hold the documents of this page' }) spaces: SpaceOfDocumentsDto[];
  @ApiProperty({ type: [String] }) missingIds: string[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 1, description: 'Where the next page starts: loop while offset < total' }) offset: number;
}

export const PROMOTION_ACTIONS = ['create', 'update', 'delete', 'no changes'] as const;
export type PromotionAction = (typeof PROMOTION_ACTIONS)[number];

export class PromotionChangeDto {
  @ApiProperty({ enum: PROMOTION_ACTIONS }) action: PromotionAction;
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
}

/** Lightdash's PromotionChanges: what an upload created or changed. */
export class PromotionChangesDto {
  @ApiProperty({ type: [PromotionChangeDto] }) spaces: PromotionChangeDto[];
  @ApiProperty({ type: [PromotionChangeDto] }) dashboards: PromotionChangeDto[];
  @ApiProperty({ type: [PromotionChangeDto] }) charts: PromotionChangeDto[];
}
