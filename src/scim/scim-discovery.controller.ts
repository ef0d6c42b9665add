import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { RequireScimToken } from '../authorization/route-access.decorator.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { listResponse, type ScimListResponse } from './dto/scim-list.dto.js';
import { resourceTypes, schemaDocuments, serviceProviderConfig } from './scim-discovery.js';
import { ScimError } from './scim-errors.js';
import { ScimEndpoint } from './scim-http.js';

const ALL = { startIndex: 1, count: 0 };

/** SCIM discovery (RFC 7644 §4): public, as in Lightdash; the service root needs a token. */
@ScimEndpoint()
@Controller('scim/v2')
export class ScimDiscoveryController {
  constructor(@Inject(APP_CONFIG) private readonly config: ResolvedConfig) {}

  @Get()
  @RequireScimToken()
  @ApiOperation({ operationId: 'GetScimRoot', summary: 'The SCIM service root: 200 with an empty body (a token check for identity providers)' })
  root(): void {}

  @Get('ServiceProviderConfig')
  @Public()
  @ApiOperation({ operationId: 'GetScimServiceProviderConfig', summary: 'What this SCIM service supports' })
  @ApiOkResponse({ description: 'ServiceProviderConfig' })
  serviceProviderConfig(): Record<string, unknown> {
    return serviceProviderConfig(this.config.siteUrl);
  }

  @Get('Schemas')
  @Public()
  @ApiOperation({ operationId: 'GetScimSchemas', summary: 'The schemas of Users, Groups, the Lightdash extension and discovery' })
  schemas(): ScimListResponse<Record<string, unknown>> {
    const documents = schemaDocuments(this.config.siteUrl);
    return { ...listResponse(documents, documents.length, ALL), itemsPerPage: documents.length };
  }

  @Get('Schemas/:schemaId')
  @Public()
  @ApiOperation({ operationId: 'GetScimSchema', summary: 'One schema, by its URN' })
  schema(@Param('schemaId') schemaId: string): Record<string, unknown> {
    const found = schemaDocuments(this.config.siteUrl).find((document) => document.id === schemaId);
    if (!found) throw new ScimError(404, `Schema ${schemaId} not found`, 'noTarget');
    return found;
  }

  @Get('ResourceTypes')
  @Public()
  @ApiOperation({ operationId: 'GetScimResourceTypes', summary: 'The resource types: User and Group' })
  resourceTypes(): ScimListResponse<Record<string, unknown>> {
    const types = resourceTypes(this.config.siteUrl);
    return { ...listResponse(types, types.length, ALL), itemsPerPage: types.length };
  }

  @Get('ResourceTypes/:resourceTypeId')
  @Public()
  @ApiOperation({ operationId: 'GetScimResourceType', summary: 'One resource type' })
  resourceType(@Param('resourceTypeId') resourceTypeId: string): Record<string, unknown> {
    const found = resourceTypes(this.config.siteUrl).find((type) => type.id === resourceTypeId);
    if (!found) throw new ScimError(404, `Resource type ${resourceTypeId} not found`, 'noTarget');
    return found;
  }
}
