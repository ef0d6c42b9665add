import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { PaginationDto } from '../../common/pagination.js';
import { AsArray, IsOptionalNotNull } from '../../common/transforms.js';

export const CONTENT_TYPES = ['chart', 'dashboard', 'space', 'data_app'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];
export const CONTENT_SORT_COLUMNS = ['name', 'space_name', 'last_updated_at', 'views'] as const;
export type ContentSortColumn = (typeof CONTENT_SORT_COLUMNS)[number];
export const CHART_SOURCES = ['dbt_explore', 'sql'] as const;

/** At most this many items in one bulk action (each is checked and written: the request stays bounded). */
export const MAX_BULK_ITEMS = 500;
/** The v2 content lists' page size when none is given (Lightdash's default); at most MAX_PAGE_SIZE. */
export const DEFAULT_CONTENT_PAGE_SIZE = 10;

export class ContentProjectParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;
}

/** One chart, dashboard or space named by a content action (Lightdash's ItemPayload; unknown keys such as Terraform's `type` are dropped). */
export class ContentItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  uuid: string;

  @ApiProperty({ enum: CONTENT_TYPES, example: 'space' })
  @IsIn(CONTENT_TYPES)
  contentType: ContentType;

  @ApiPropertyOptional({ enum: CHART_SOURCES, description: 'For charts; only `dbt_explore` charts exist here' })
  @IsOptionalNotNull()
  @IsIn(CHART_SOURCES)
  source?: (typeof CHART_SOURCES)[number];
}

export class MoveActionDto {
  @ApiProperty({ enum: ['move'] })
  @IsIn(['move'])
  type: 'move';

  @ApiProperty({ format: 'uuid', nullable: true, description: 'The destination space; `null` makes a space a root space' })
  @ValidateIf((_object, value) => value !== null)
  @IsUUID()
  targetSpaceUuid: string | null;
}

export class DeleteActionDto {
  @ApiProperty({ enum: ['delete'] })
  @IsIn(['delete'])
  type: 'delete';
}

export class MoveContentDto {
  @ApiProperty({ type: ContentItemDto })
  @ValidateNested()
  @Type(() => ContentItemDto)
  item: ContentItemDto;

  @ApiProperty({ type: MoveActionDto })
  @ValidateNested()
  @Type(() => MoveActionDto)
  action: MoveActionDto;
}

export class DeleteContentDto {
  @ApiProperty({ type: ContentItemDto })
  @ValidateNested()
  @Type(() => ContentItemDto)
  item: ContentItemDto;

  @ApiProperty({ type: DeleteActionDto })
  @ValidateNested()
  @Type(() => DeleteActionDto)
  action: DeleteActionDto;
}

/** Restore and permanent delete: `{item}` (the same JSON body on the DELETE). */
export class TrashedContentDto {
  @ApiProperty({ type: ContentItemDto })
  @ValidateNested()
  @Type(() => ContentItemDto)
  item: ContentItemDto;
}

export class BulkMoveContentDto {
  @ApiProperty({ type: [ContentItemDto], maxItems: MAX_BULK_ITEMS })
  @IsArray()
  @ArrayMaxSize(MAX_BULK_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ContentItemDto)
  content: ContentItemDto[];

  @ApiProperty({ type: MoveActionDto })
  @ValidateNested()
  @Type(() => MoveActionDto)
  action: MoveActionDto;
}

export class BulkDeleteContentDto {
  @ApiProperty({ type: [ContentItemDto], maxItems: MAX_BULK_ITEMS })
  @IsArray()
  @ArrayMaxSize(MAX_BULK_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ContentItemDto)
  content: ContentItemDto[];

  @ApiProperty({ type: DeleteActionDto })
  @ValidateNested()
  @Type(() => DeleteActionDto)
  action: DeleteActionDto;
}

export class BulkDeleteSkippedDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ enum: CONTENT_TYPES }) contentType: ContentType;
  @ApiProperty({ example: 'You do not have permission to delete this content' }) reason: string;
}

export class BulkDeleteResultDto {
  @ApiProperty() deletedCount: number;
  @ApiProperty({ type: [BulkDeleteSkippedDto] }) skipped: BulkDeleteSkippedDto[];
}

class ContentPageQueryDto {
  @ApiPropertyOptional({ example: 1, minimum: 1, description: 'Page number (1-based); default 1' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  page?: number;

  @ApiPropertyOptional({ example: 25, minimum: 1, description: `Default ${DEFAULT_CONTENT_PAGE_SIZE}` })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  pageSize?: number;

  @ApiPropertyOptional({ description: 'Case-insensitive part of the name' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: CONTENT_TYPES, isArray: true })
  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(CONTENT_TYPES.length)
  @IsIn(CONTENT_TYPES, { each: true })
  contentTypes?: ContentType[];
}

export class ListContentQueryDto extends ContentPageQueryDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Repeat the key for several; default: every project you may see' })
  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  projectUuids?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Items in these spaces and their child spaces; default: root spaces and every chart and dashboard' })
  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  spaceUuids?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  uuids?: string[];

  @ApiPropertyOptional({ enum: CONTENT_SORT_COLUMNS, description: 'Default last_updated_at' })
  @IsOptionalNotNull()
  @IsIn(CONTENT_SORT_COLUMNS)
  sortBy?: ContentSortColumn;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default desc' })
  @IsOptionalNotNull()
  @IsIn(['asc', 'desc'])
  sortDirection?: 'asc' | 'desc';
}

export class ListDeletedContentQueryDto extends ContentPageQueryDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Required; only the first is used (as Lightdash)' })
  @AsArray()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  projectUuids: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Project admins only: whose deletions to show' })
  @IsOptional()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  deletedByUserUuids?: string[];
}

class NamedRefDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty() name: string;
}

class UserRefDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
}

/** One item of GET /api/v2/content (Lightdash's SummaryContent); spaces carry the space-only keys. */
export class ContentItemSummaryDto {
  @ApiProperty({ enum: CONTENT_TYPES }) contentType: ContentType;
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: UserRefDto, nullable: true }) createdBy: UserRefDto | null;
  @ApiProperty({ format: 'date-time' }) lastUpdatedAt: string;
  @ApiProperty({ type: UserRefDto, nullable: true }) lastUpdatedBy: UserRefDto | null;
  @ApiProperty({ type: NamedRefDto }) project: NamedRefDto;
  @ApiProperty({ type: NamedRefDto }) organization: NamedRefDto;
  @ApiProperty({ type: NamedRefDto }) space: NamedRefDto;
  @ApiProperty({ nullable: true, type: Object }) pinnedList: null;
  @ApiProperty() views: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) firstViewedAt: string | null;
  @ApiProperty({ nullable: true, type: Object }) verification: null;
  @ApiPropertyOptional({ enum: CHART_SOURCES }) source?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) chartKind?: string | null;
  @ApiPropertyOptional({ nullable: true, type: NamedRefDto }) dashboard?: NamedRefDto | null;
  @ApiPropertyOptional() inheritParentPermissions?: boolean;
  @ApiPropertyOptional() dashboardCount?: number;
  @ApiPropertyOptional() chartCount?: number;
  @ApiPropertyOptional() childSpaceCount?: number;
  @ApiPropertyOptional() appCount?: number;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) parentSpaceUuid?: string | null;
  @ApiPropertyOptional() path?: string;
  @ApiPropertyOptional({ type: [String] }) access?: string[];
}

export class ContentPageDto {
  @ApiProperty({ type: [ContentItemSummaryDto] }) data: ContentItemSummaryDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

class DeletedByDto {
  @ApiProperty({ format: 'uuid' }) userUuid: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
}

/** One item of GET /api/v2/content/deleted. */
export class DeletedContentItemDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: CONTENT_TYPES }) contentType: ContentType;
  @ApiProperty({ format: 'date-time' }) deletedAt: string;
  @ApiProperty({ type: DeletedByDto, nullable: true }) deletedBy: DeletedByDto | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) spaceUuid: string | null;
  @ApiProperty({ nullable: true, type: String }) spaceName: string | null;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ format: 'uuid' }) organizationUuid: string;
}

export class DeletedContentPageDto {
  @ApiProperty({ type: [DeletedContentItemDto] }) data: DeletedContentItemDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}
