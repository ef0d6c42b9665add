import {
  LIGHTDASH_USER_EXTENSION,
  SCIM_BASE_PATH,
  SCIM_GROUP_SCHEMA,
  SCIM_RESOURCE_TYPE_SCHEMA,
  SCIM_SCHEMA_SCHEMA,
  SCIM_SERVICE_PROVIDER_CONFIG_SCHEMA,
  SCIM_USER_SCHEMA,
} from './scim-schemas.js';
import { SCIM_MAX_PAGE_SIZE } from './dto/scim-list.dto.js';

/** The discovery documents of RFC 7644 §4 (ServiceProviderConfig, Schemas, ResourceTypes) for this server. */

type Attribute = Record<string, unknown>;

const attribute = (name: string, type: string, extra: Partial<Attribute> = {}): Attribute => ({
  name,
  type,
  multiValued: false,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

const complex = (name: string, subAttributes: Attribute[], extra: Partial<Attribute> = {}): Attribute => {
  const { caseExact: _caseExact, ...rest } = attribute(name, 'complex', extra);
  return { ...rest, subAttributes };
};

const SCHEMAS: { id: string; name: string; description: string; attributes: Attribute[] }[] = [
  {
    id: SCIM_USER_SCHEMA,
    name: 'User',
    description: 'A member of the organization',
    attributes: [
      attribute('userName', 'string', { required: true, uniqueness: 'server', description: 'The email address; unique across the server, ignoring case' }),
      attribute('externalId', 'string', { caseExact: true, description: "The identity provider's id of the user" }),
      complex('name', [attribute('givenName', 'string'), attribute('familyName', 'string')]),
      attribute('active', 'boolean', { description: 'false deactivates the user: their sessions end and their tokens stop working' }),
      complex('emails', [attribute('value', 'string'), attribute('primary', 'boolean')], { multiValued: true, mutability: 'readOnly', description: 'The userName' }),
      complex(
        'roles',
        [attribute('value', 'string'), attribute('display', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')],
        { multiValued: true, description: 'The organization role (value: member … admin), then project roles as "<projectUuid>:<role>"' },
      ),
    ],
  },
  {
    id: SCIM_GROUP_SCHEMA,
    name: 'Group',
    description: 'A group of members of the organization',
    attributes: [
      attribute('displayName', 'string', { required: true, uniqueness: 'server', description: 'Unique in the organization, ignoring case' }),
      complex('members', [attribute('value', 'string', { caseExact: true, description: 'A user id' }), attribute('display', 'string', { mutability: 'readOnly' })], {
        multiValued: true,
      }),
    ],
  },
  {
    id: LIGHTDASH_USER_EXTENSION,
    name: 'Lightdash User',
    description: "Lightdash's user extension (deprecated in favour of roles)",
    attributes: [attribute('role', 'string', { description: 'The organization role: member, viewer, interactive_viewer, editor, developer or admin' })],
  },
  {
    id: SCIM_SERVICE_PROVIDER_CONFIG_SCHEMA,
    name: 'Service Provider Configuration',
    description: "The service provider's configuration",
    attributes: [
      attribute('documentationUri', 'reference', { mutability: 'readOnly' }),
      complex('patch', [attribute('supported', 'boolean')], { mutability: 'readOnly', required: true }),
      complex('bulk', [attribute('supported', 'boolean'), attribute('maxOperations', 'integer'), attribute('maxPayloadSize', 'integer')], {
        mutability: 'readOnly',
        required: true,
      }),
      complex('filter', [attribute('supported', 'boolean'), attribute('maxResults', 'integer')], { mutability: 'readOnly', required: true }),
      complex('changePassword', [attribute('supported', 'boolean')], { mutability: 'readOnly', required: true }),
      complex('sort', [attribute('supported', 'boolean')], { mutability: 'readOnly', required: true }),
      complex('etag', [attribute('supported', 'boolean')], { mutability: 'readOnly', required: true }),
      complex('authenticationSchemes', [attribute('type', 'string'), attribute('name', 'string'), attribute('description', 'string')], {
        multiValued: true,
        mutability: 'readOnly',
        required: true,
      }),
    ],
  },
  {
    id: SCIM_RESOURCE_TYPE_SCHEMA,
    name: 'ResourceType',
    description: 'A type of resource',
    attributes: [
      attribute('id', 'string', { mutability: 'readOnly' }),
      attribute('name', 'string', { mutability: 'readOnly', required: true }),
      attribute('endpoint', 'reference', { mutability: 'readOnly', required: true }),
      attribute('schema', 'reference', { mutability: 'readOnly', required: true, caseExact: true }),
      complex('schemaExtensions', [attribute('schema', 'reference'), attribute('required', 'boolean')], { multiValued: true, mutability: 'readOnly' }),
    ],
  },
];

export function serviceProviderConfig(siteUrl: string): Record<string, unknown> {
  return {
    schemas: [SCIM_SERVICE_PROVIDER_CONFIG_SCHEMA],
    documentationUri: `${siteUrl}/api/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'An organization SCIM token (scim_…), created by an organization admin, sent as Authorization: Bearer <token>',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${siteUrl}${SCIM_BASE_PATH}/ServiceProviderConfig` },
  };
}

export function schemaDocuments(siteUrl: string): Record<string, unknown>[] {
  return SCHEMAS.map((schema) => ({
    schemas: [SCIM_SCHEMA_SCHEMA],
    ...schema,
    meta: { resourceType: 'Schema', location: `${siteUrl}${SCIM_BASE_PATH}/Schemas/${schema.id}` },
  }));
}

export function resourceTypes(siteUrl: string): Record<string, unknown>[] {
  return [
    {
      schemas: [SCIM_RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'Members of the organization',
      schema: SCIM_USER_SCHEMA,
      schemaExtensions: [{ schema: LIGHTDASH_USER_EXTENSION, required: false }],
      meta: { resourceType: 'ResourceType', location: `${siteUrl}${SCIM_BASE_PATH}/ResourceTypes/User` },
    },
    {
      schemas: [SCIM_RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Groups of the organization',
      schema: SCIM_GROUP_SCHEMA,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${siteUrl}${SCIM_BASE_PATH}/ResourceTypes/Group` },
    },
  ];
}
