import { IsOptionalNotNull } from './transforms.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt } from 'class-validator';
import { PaginationError } from './errors.js';

export const MAX_PAGE_SIZE = 500;
/** Far beyond any real list; keeps (page - 1) * pageSize an exact integer that fits PostgreSQL's OFFSET. */
export const MAX_PAGE = 1_000_000;

/** `page` and `pageSize` as Lightdash takes them: both needed to paginate; 1-based. */
export class PaginationQueryDto {
  @ApiPropertyOptional({ example: 1, minimum: 1, maximum: MAX_PAGE, description: 'Page number (1-based); used together with pageSize' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  page?: number;

  @ApiPropertyOptional({ example: 25, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  pageSize?: number;
}

export interface PageWindow {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

/** The page to read, or undefined for "everything" (Lightdash paginates only when both are given). */
export function pageWindow(query: PaginationQueryDto): PageWindow | undefined {
  if (query.page !== undefined && query.page < 1) throw new PaginationError('page should be greater than 0');
  if (query.page !== undefined && query.page > MAX_PAGE) throw new PaginationError(`page should be at most ${MAX_PAGE}`);
  if (query.pageSize !== undefined && query.pageSize < 1) throw new PaginationError('pageSize should be greater than 0');
  if (query.pageSize !== undefined && query.pageSize > MAX_PAGE_SIZE) {
    throw new PaginationError(`pageSize should be at most ${MAX_PAGE_SIZE}`);
  }
  if (!query.page || !query.pageSize) return undefined;
  return { page: query.page, pageSize: query.pageSize, limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
}

export class PaginationDto {
  @ApiProperty({ example: 1 })
  page: number;

  @ApiProperty({ example: 25 })
  pageSize: number;

  @ApiProperty({ example: 4 })
  totalPageCount: number;

  @ApiProperty({ example: 87 })
  totalResults: number;
}

export interface Paginated<T> {
  data: T[];
  pagination?: PaginationDto;
}

export function paginated<T>(data: T[], totalResults: number, window: PageWindow | undefined): Paginated<T> {
  if (!window) return { data };
  return {
    data,
    pagination: {
      page: window.page,
      pageSize: window.pageSize,
      totalPageCount: Math.ceil(totalResults / window.pageSize),
      totalResults,
    },
  };
}

/** `text` with the LIKE wildcards escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern matching `text` anywhere. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
