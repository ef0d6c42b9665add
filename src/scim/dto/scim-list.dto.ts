import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { invalidValue } from '../scim-errors.js';
import { MAX_FILTER_LENGTH } from '../scim-filter.js';
import { SCIM_LIST_RESPONSE_SCHEMA } from '../scim-schemas.js';

/** The most resources one page holds (ServiceProviderConfig's `filter.maxResults`). */
export const SCIM_MAX_PAGE_SIZE = 200;
export const SCIM_DEFAULT_PAGE_SIZE = 100;

/** Query of a SCIM list (RFC 7644 §3.4.2): filter and 1-based paging; numbers are read leniently, as the RFC asks. */
export class ScimListQueryDto {
  @ApiPropertyOptional({ example: 'userName eq "kim@example.org"', maxLength: MAX_FILTER_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH)
  filter?: string;

  @ApiPropertyOptional({ example: '1', description: '1-based index of the first result; below 1 counts as 1' })
  @IsOptional()
  @IsString()
  startIndex?: string;

  @ApiPropertyOptional({ example: '100', description: `Results per page (default ${SCIM_DEFAULT_PAGE_SIZE}, at most ${SCIM_MAX_PAGE_SIZE}); 0 gives only totalResults` })
  @IsOptional()
  @IsString()
  count?: string;
}

export interface ScimPage {
  /** 1-based */
  startIndex: number;
  count: number;
}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d{1,15}$/.test(text.trim())) throw invalidValue(`${name} must be an integer`);
  return Number(text.trim());
}

/** RFC 7644 §3.4.2.4: startIndex below 1 is 1, a negative count is 0; count is capped at the maximum page size. */
export function scimPage(query: ScimListQueryDto): ScimPage {
  const startIndex = Math.max(1, integer('startIndex', query.startIndex, 1));
  const count = Math.min(SCIM_MAX_PAGE_SIZE, Math.max(0, integer('count', query.count, SCIM_DEFAULT_PAGE_SIZE)));
  return { startIndex, count };
}

export interface ScimListResponse<T> {
  schemas: string[];
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: T[];
}

export function listResponse<T>(resources: T[], totalResults: number, page: ScimPage): ScimListResponse<T> {
  return { schemas: [SCIM_LIST_RESPONSE_SCHEMA], totalResults, itemsPerPage: resources.length, startIndex: page.startIndex, Resources: resources };
}
