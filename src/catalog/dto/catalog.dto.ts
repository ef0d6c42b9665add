import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { PaginationDto, PaginationQueryDto } from '../../common/pagination.js';
import { AsArray, IsOptionalNotNull } from '../../common/transforms.js';
import { ProjectParamsDto } from '../../projects/dto/project.dto.js';

/** The most items any catalog answer holds (the best ranked, or the first in order); see docs/catalog.md. */
export const CATALOG_MAX_RESULTS = 1_000;
/** GET /dataCatalog answers at most this many items, as Lightdash. */
export const CATALOG_SEARCH_MAX_RESULTS = 50;
/** Longer searches are refused with 422: nobody types more, and each word is a prefix lookup in the index. */
export const CATALOG_SEARCH_MAX_LENGTH = 200;
/** The most values of a repeatable query parameter (`categories`, `tables`). */
export const CATALOG_MAX_FILTER_VALUES = 100;

export const CATALOG_TYPES = ['table', 'field'] as const;
export const CATALOG_FILTERS = ['tables', 'dimensions', 'metrics'] as const;
export const METRICS_SORTS = ['name', 'chartUsage'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
export const CATEGORIES_FILTER_MODES = ['and', 'or'] as const;
export const BASIC_TYPES = ['string', 'number', 'date', 'timestamp', 'boolean'] as const;

const NAME_LENGTH = { min: 1, max: 1024 };

/** A table, field or metric name as the upload keys it: 1–1,024 characters (NUL is refused for every parameter). */
const CatalogName = (options: { each?: boolean } = {}) => applyDecorators(IsString(options), Length(NAME_LENGTH.min, NAME_LENGTH.max, options));

const SEARCH_DESCRIPTION =
  `Words matched as prefixes against names, labels and descriptions, ignoring case and punctuation ` +
  `(\`cust\` finds customers, \`order date\` finds order_date). At most ${CATALOG_SEARCH_MAX_LENGTH} characters.`;

/**
 * The `search` of the catalog routes. Only letters and digits of it are ever searched for, so a NUL
 * (refused in other parameters) is a separator like any other punctuation.
 */
const SearchText = (example: string) =>
  applyDecorators(
    ApiPropertyOptional({ example, maxLength: CATALOG_SEARCH_MAX_LENGTH, description: SEARCH_DESCRIPTION }),
    IsOptionalNotNull(),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replaceAll('\u0000', ' ') : value)),
    IsString(),
    MaxLength(CATALOG_SEARCH_MAX_LENGTH),
  );

// ---------------------------------------------------------------------------------------------- params

export class CatalogTableParamsDto extends ProjectParamsDto {
  @ApiProperty({ example: 'orders', description: 'a table of the catalog' })
  @CatalogName()
  table: string;
}

export class CatalogFieldParamsDto extends CatalogTableParamsDto {
  @ApiProperty({ example: 'status', description: 'a dimension or metric of the table (its chart field id is `<table>_<field>`)' })
  @CatalogName()
  field: string;
}

export class CatalogTableNameParamsDto extends ProjectParamsDto {
  @ApiProperty({ example: 'orders', description: 'a table of the catalog' })
  @CatalogName()
  tableName: string;
}

export class CatalogMetricParamsDto extends CatalogTableNameParamsDto {
  @ApiProperty({ example: 'total_revenue', description: 'a metric of the table' })
  @CatalogName()
  metricName: string;
}

// ---------------------------------------------------------------------------------------------- queries

export class CatalogQueryDto {
  @SearchText('order date')
  search?: string;

  @ApiPropertyOptional({ enum: CATALOG_TYPES, description: 'only tables, or only fields' })
  @IsOptionalNotNull()
  @IsIn(CATALOG_TYPES)
  type?: (typeof CATALOG_TYPES)[number];

  @ApiPropertyOptional({ enum: CATALOG_FILTERS, description: 'only tables, only dimensions or only metrics (combined with `type`)' })
  @IsOptionalNotNull()
  @IsIn(CATALOG_FILTERS)
  filter?: (typeof CATALOG_FILTERS)[number];
}

export class MetricsCatalogQueryDto extends PaginationQueryDto {
  @SearchText('revenue')
  search?: string;

  @ApiPropertyOptional({ enum: METRICS_SORTS, description: 'Without it: by relevance when searching, else by name' })
  @IsOptionalNotNull()
  @IsIn(METRICS_SORTS)
  sort?: (typeof METRICS_SORTS)[number];

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'asc', description: 'Direction of `sort` (ignored without it)' })
  @IsOptionalNotNull()
  @IsIn(SORT_ORDERS)
  order?: (typeof SORT_ORDERS)[number];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: CATALOG_MAX_FILTER_VALUES,
    description: 'Tag uuids (repeat the parameter): metrics in these categories',
  })
  @IsOptionalNotNull()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(CATALOG_MAX_FILTER_VALUES)
  @IsUUID('all', { each: true })
  categories?: string[];

  @ApiPropertyOptional({ enum: CATEGORIES_FILTER_MODES, default: 'or', description: '`or`: in any of the categories; `and`: in all of them' })
  @IsOptionalNotNull()
  @IsIn(CATEGORIES_FILTER_MODES)
  categoriesFilterMode?: (typeof CATEGORIES_FILTER_MODES)[number];

  @ApiPropertyOptional({ type: [String], example: ['orders'], maxItems: CATALOG_MAX_FILTER_VALUES, description: 'Table names (repeat the parameter)' })
  @IsOptionalNotNull()
  @AsArray()
  @IsArray()
  @ArrayMaxSize(CATALOG_MAX_FILTER_VALUES)
  @CatalogName({ each: true })
  tables?: string[];
}

export class MetricsWithTimeDimensionsQueryDto {
  @ApiPropertyOptional({ example: 'orders', description: 'only the metrics of this table' })
  @IsOptionalNotNull()
  @CatalogName()
  tableName?: string;
}

// ---------------------------------------------------------------------------------------------- answers

export class CatalogCategoryDto {
  @ApiProperty({ format: 'uuid' })
  tagUuid: string;

  @ApiProperty({ example: 'Finance' })
  name: string;

  @ApiProperty({ example: '#1f77b4' })
  color: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  yamlReference: string | null;
}


class CatalogItemBaseDto {
  @ApiProperty({ format: 'uuid', description: 'Empty for an explore that failed to compile (it has no catalog item)' })
  catalogSearchUuid: string;

  @ApiProperty({ example: 'orders' })
  name: string;

  @ApiProperty({ example: 'Orders' })
  label: string;

  @ApiPropertyOptional({ example: 'One row per order' })
  description?: string;

  @ApiPropertyOptional({ type: [String], example: ['shop', 'core'] })
  tags?: string[];

  @ApiProperty({ type: [CatalogCategoryDto] })
  categories: CatalogCategoryDto[];

  @ApiProperty({ type: Object, nullable: true, example: { unicode: '📦' }, description: '`{unicode}` or `{url}`, or null' })
  icon: { unicode: string } | { url: string } | null;

  @ApiProperty({ type: [String], nullable: true, example: null, description: 'From the `aiHint` of the definition' })
  aiHints: string[] | null;

  @ApiPropertyOptional({
    example: 3,
    description: "Fields only, not in a table's metadata: charts of the project that use the field, including charts in spaces you cannot open",
  })
  chartUsage?: number;

  @ApiPropertyOptional({ example: 3.4, description: 'When searching (and in the metrics list): higher is better; a search is sorted by it' })
  searchRank?: number;

  @ApiPropertyOptional({ type: Object, example: { is_admin: 'true' }, description: "A field's is {} when none (not in a table's metadata); a table's only when set" })
  requiredAttributes?: Record<string, string | string[]>;

  @ApiPropertyOptional({ type: Object, example: { team: ['sales', 'finance'] }, description: 'As requiredAttributes' })
  anyAttributes?: Record<string, string | string[]>;
}

/** A join of an explore as the CLI uploads it (`CompiledExploreJoin`); other keys it carries are kept. */
export class CatalogJoinDto {
  @ApiProperty({ example: 'customers' })
  table: string;

  @ApiPropertyOptional({ example: '${orders.customer_id} = ${customers.customer_id}' })
  sqlOn?: string;

  @ApiPropertyOptional({ example: '("orders".customer_id) = ("customers".customer_id)' })
  compiledSqlOn?: string;

  @ApiPropertyOptional({ enum: ['inner', 'left', 'right', 'full'] })
  type?: string;

  @ApiPropertyOptional()
  hidden?: boolean;

  @ApiPropertyOptional()
  always?: boolean;

  [key: string]: unknown;
}

export class CatalogTableDto extends CatalogItemBaseDto {
  @ApiProperty({ enum: ['table'] })
  type: 'table';

  @ApiPropertyOptional({ example: 'Shop' })
  groupLabel?: string;

  @ApiProperty({
    type: [CatalogJoinDto],
    nullable: true,
    description:
      "The joins of the explore built on this table, as uploaded (`CompiledExploreJoin`: the shape Lightdash's clients parse); [] when none is; null for an errored explore",
  })
  joinedTables: CatalogJoinDto[] | null;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'Only for an explore that failed to compile', example: [{ type: 'MISSING_TABLE', message: 'Model "refunds" was not found' }] })
  errors?: { type: string; message: string }[];
}

export class CatalogFieldDto extends CatalogItemBaseDto {
  @ApiProperty({ enum: ['field'] })
  type: 'field';

  @ApiProperty({ enum: ['dimension', 'metric'] })
  fieldType: 'dimension' | 'metric';

  @ApiProperty({ example: 'orders' })
  tableName: string;

  @ApiProperty({ example: 'Orders' })
  tableLabel: string;

  @ApiPropertyOptional({ example: 'Shop' })
  tableGroupLabel?: string;

  @ApiProperty({ enum: BASIC_TYPES, example: 'number' })
  basicType: (typeof BASIC_TYPES)[number];

  @ApiProperty({ example: 'sum', description: 'The dimension type or metric type of the definition' })
  fieldValueType: string;

  @ApiProperty({ type: Object, nullable: true, example: null, description: 'Always null: metric owners are not tracked' })
  owner: null;
}

export type CatalogItem = CatalogTableDto | CatalogFieldDto;

export const CATALOG_ITEM_SCHEMA = { oneOf: [{ $ref: getSchemaPath(CatalogTableDto) }, { $ref: getSchemaPath(CatalogFieldDto) }] };

export class CatalogMetadataDto {
  @ApiProperty({ example: 'orders' })
  name: string;

  @ApiProperty({ example: 'Orders' })
  label: string;

  @ApiPropertyOptional({ example: 'One row per order' })
  description?: string;

  @ApiProperty({ example: 'orders', description: 'The model (table definition) name' })
  modelName: string;

  @ApiPropertyOptional({ description: "The model's source, when the upload carries it (`source.content`)" })
  source?: string;

  @ApiProperty({ type: [String], example: ['customers', 'payments'] })
  joinedTables: string[];

  @ApiProperty({ type: [CatalogFieldDto] })
  fields: CatalogFieldDto[];
}

export class CatalogChartDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ example: 'Monthly revenue' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'Revenue by month' })
  description: string | null;

  @ApiProperty({ example: 'monthly-revenue' })
  slug: string;

  @ApiProperty({ format: 'uuid' })
  spaceUuid: string;

  @ApiProperty({ example: 'Shared' })
  spaceName: string;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: charts live in spaces here' })
  dashboardUuid: null;

  @ApiProperty({ type: String, nullable: true, example: null })
  dashboardName: null;

  @ApiPropertyOptional({ example: 'line' })
  chartKind?: string;

  @ApiPropertyOptional({ example: 0, description: "Only in a field's analytics" })
  viewsCount?: number;
}

export class CatalogAnalyticsDto {
  @ApiProperty({ type: [CatalogChartDto], description: `Charts in spaces you may see, by name (at most ${CATALOG_MAX_RESULTS})` })
  charts: CatalogChartDto[];
}

export class MetricsCatalogPageDto {
  @ApiProperty({ type: [CatalogFieldDto] })
  data: CatalogFieldDto[];

  @ApiPropertyOptional({ type: PaginationDto, description: 'Only when both page and pageSize were given' })
  pagination?: PaginationDto;
}

export const COMPILED_DIMENSION_SCHEMA = {
  type: 'object',
  description: 'A compiled dimension as uploaded',
  example: { fieldType: 'dimension', type: 'date', name: 'order_date', label: 'Order date', table: 'orders', tableLabel: 'Orders', sql: '${TABLE}.order_date', compiledSql: '"orders".order_date', hidden: false },
};

export const METRIC_WITH_TIME_DIMENSIONS_SCHEMA = {
  type: 'object',
  description: 'The compiled metric as uploaded, with `availableTimeDimensions` and `timeDimension` (when the metric or its table declares `defaultTimeDimension`)',
  properties: {
    availableTimeDimensions: { type: 'array', items: COMPILED_DIMENSION_SCHEMA },
    timeDimension: {
      type: 'object',
      properties: { field: { type: 'string', example: 'order_date' }, interval: { type: 'string', example: 'MONTH' }, table: { type: 'string', example: 'orders' } },
    },
  },
  example: {
    fieldType: 'metric', type: 'sum', name: 'total_revenue', label: 'Total revenue', table: 'orders', tableLabel: 'Orders', sql: '${TABLE}.amount', compiledSql: '"orders".amount', hidden: false,
    availableTimeDimensions: [{ fieldType: 'dimension', type: 'date', name: 'order_date', label: 'Order date', table: 'orders', tableLabel: 'Orders', hidden: false }],
    timeDimension: { field: 'order_date', interval: 'MONTH', table: 'orders' },
  },
};
