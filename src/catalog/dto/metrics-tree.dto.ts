import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { AsArray } from '../../common/transforms.js';
import { ProjectParamsDto } from '../../projects/dto/project.dto.js';

/** Most metrics one metrics-tree read may name. */
export const MAX_TREE_METRICS = 100;

const METRIC_UUIDS_DESCRIPTION =
  `catalogSearchUuids of metrics (1 to ${MAX_TREE_METRICS}); the answer holds the edges whose source and target are both among them. ` +
  'Uuids that name no metric of the project simply match no edge.';

/** `?metricUuids=a&metricUuids=b`; a single one arrives as a plain string. */
export class MetricsTreeQueryDto {
  @ApiProperty({ type: [String], format: 'uuid', description: METRIC_UUIDS_DESCRIPTION, minItems: 1, maxItems: MAX_TREE_METRICS })
  @AsArray()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TREE_METRICS)
  @IsUUID('all', { each: true })
  metricUuids: string[];
}

export class MetricsTreeBodyDto {
  @ApiProperty({ type: [String], format: 'uuid', description: METRIC_UUIDS_DESCRIPTION, minItems: 1, maxItems: MAX_TREE_METRICS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TREE_METRICS)
  @IsUUID('all', { each: true })
  metricUuids: string[];
}

export class CreateMetricsTreeEdgeDto {
  @ApiProperty({ format: 'uuid', description: 'catalogSearchUuid of a metric of the project (400 ParameterError otherwise)' })
  @IsUUID()
  sourceCatalogSearchUuid: string;

  @ApiProperty({ format: 'uuid', description: 'catalogSearchUuid of another metric of the project (400 ParameterError otherwise)' })
  @IsUUID()
  targetCatalogSearchUuid: string;
}

export class MetricsTreeEdgeParamsDto extends ProjectParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  sourceCatalogSearchUuid: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  targetCatalogSearchUuid: string;
}

export class MetricsTreeNodeDto {
  @ApiProperty({ format: 'uuid' })
  catalogSearchUuid: string;

  @ApiProperty({ example: 'total_revenue', description: 'The metric’s name' })
  name: string;

  @ApiProperty({ example: 'Total revenue', description: 'The metric’s label (its name when it has none)' })
  label: string;

  @ApiProperty({ example: 'orders' })
  tableName: string;
}

export class MetricsTreeEdgeDto {
  @ApiProperty({ type: MetricsTreeNodeDto })
  source: MetricsTreeNodeDto;

  @ApiProperty({ type: MetricsTreeNodeDto })
  target: MetricsTreeNodeDto;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for YAML edges and when the creator was deleted' })
  createdByUserUuid: string | null;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ enum: ['ui', 'yaml'] })
  createdFrom: 'ui' | 'yaml';
}

export class MetricsTreeDto {
  @ApiProperty({ type: [MetricsTreeEdgeDto] })
  edges: MetricsTreeEdgeDto[];
}
