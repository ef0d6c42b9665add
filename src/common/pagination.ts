import { IsOptionalNotNull } from './transforms.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt } from 'class-validator';
import { PaginationError } from './errors.js';

/** The v2 content lists' limits (they refuse larger values, as documented there). */
export const MAX_PAGE_SIZE = 500;
/** Far beyond any real list; keeps (page - 1) * pageSize an exact integer that fits PostgreSQL's OFFSET. */
export const MAX_PAGE = 1_000_000;
/**
 * Rows one page of a v1 list holds at most. Lightdash accepts any `pageSize`; a larger one is served
 * as this many rows and echoed as such, so `totalPageCount` and the next page's offset stay consistent
 * and a client paging on until an empty page still sees every row.
 */
export const MAX_ROWS_PER_PAGE = 5_000;

/**
 * `page` and `pageSize` as Lightdash's v1 lists take them: any JSON-style number (`2`, `2.000000` as Go's
 * `%f` prints it, `2e0`) whose value is whole; both needed to paginate, 1-based; 0 means "not given".
 */
export class PaginationQueryDto {
  @ApiPropertyOptional({ example: 1, minimum: 0, description: 'Page number (1-based); used together with pageSize; 0 or absent: no paging' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  page?: number;

  @ApiPropertyOptional({ example: 25, minimum: 0, description: `Rows per page; more than ${MAX_ROWS_PER_PAGE} are served as ${MAX_ROWS_PER_PAGE}` })
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

/**
 * The page to read, or undefined for "everything": Lightdash paginates only when both numbers are
 * given and non-zero (so `page=0` lists everything, whatever `pageSize` says); then a negative one is a
 * PaginationError. A page past
 * any possible row reads nothing (an empty page with the right totals), whatever its number.
 */
export function pageWindow(query: PaginationQueryDto, maxRowsPerPage = MAX_ROWS_PER_PAGE): PageWindow | undefined {
  if (!query.page || !query.pageSize) return undefined;
  if (query.page < 0) throw new PaginationError('page should be greater than 0');
  if (query.pageSize < 0) throw new PaginationError('pageSize should be greater than 0');
  const pageSize = Math.min(query.pageSize, maxRowsPerPage);
  const offset = (query.page - 1) * pageSize;
  return { page: query.page, pageSize, limit: pageSize, offset: Number.isSafeInteger(offset) ? offset : Number.MAX_SAFE_INTEGER };
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

/** The `pagination` of a page of `window` out of `totalResults` (none without a window). */
export function pageInfo(totalResults: number, window: PageWindow | undefined): PaginationDto | undefined {
  if (!window) return undefined;
  return { page: window.page, pageSize: window.pageSize, totalPageCount: Math.ceil(totalResults / window.pageSize), totalResults };
}

export function paginated<T>(data: T[], totalResults: number, window: PageWindow | undefined): Paginated<T> {
  const pagination = pageInfo(totalResults, window);
  return pagination ? { data, pagination } : { data };
}

/** `text` with the LIKE wildcards escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern matching `text` anywhere. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
