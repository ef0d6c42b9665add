/**
 * The one declaration of what a stored connection (a project's warehouse or dbt connection, a user's
 * warehouse credentials) may hold, per type: every known field with its JSON type and bounds, and
 * whether it is returned. Returned fields are an allowlist (DESIGN §9): anything not declared returned
 * (passwords, keys, tokens, TLS keys and certificates, the warehouse `user`, as Lightdash hides it)
 * is kept on the server, encrypted. Fields not declared at all are dropped before they are stored.
 */

export type FieldType =
  | { json: 'string'; maxLength: number; pattern?: RegExp; patternMessage?: string }
  | { json: 'integer'; min: number; max: number }
  | { json: 'boolean' }
  | { json: 'enum'; values: readonly string[] }
  /** an object of string values (a BigQuery key file) */
  | { json: 'stringMap'; maxKeys: number; maxLength: number }
  | { json: 'stringList'; maxItems: number; maxLength: number }
  /** an array of objects with these string fields (dbt environment variables, Databricks compute) */
  | { json: 'objectList'; keys: readonly string[]; maxItems: number; maxLength: number };

export interface FieldSpec {
  type: FieldType;
  returned: boolean;
  nullable: boolean;
}

export interface ConnectionSchema {
  fields: Readonly<Record<string, FieldSpec>>;
  /**
   * The fields that say where the kept fields (password, keys, tokens) are sent. When one of them
   * changes, the stored kept fields are dropped unless sent again (DESIGN §9).
   */
  destination: readonly string[];
}

export interface ConnectionSchemas {
  /** names the generated DTO classes, e.g. `PostgresWarehouseConnection` */
  name: 'WarehouseConnection' | 'DbtConnection' | 'SemanticLayerConnection';
  types: Readonly<Record<string, ConnectionSchema>>;
}

/** A connection with its type; the other fields depend on it. */
export type Connection = { type: string } & Record<string, unknown>;

const MAX_TEXT = 1024;
const MAX_PEM = 64 * 1024;

const text = (maxLength = MAX_TEXT): FieldType => ({ json: 'string', maxLength });
const integer = (min: number, max: number): FieldType => ({ json: 'integer', min, max });
const oneOf = (...values: string[]): FieldType => ({ json: 'enum', values });
const BOOLEAN: FieldType = { json: 'boolean' };
const PEM = text(MAX_PEM);
const PORT = integer(1, 65535);
/** A DNS name or an IP address: never a path (a Unix socket of this server) or a URL. */
const HOST: FieldType = {
  json: 'string',
  maxLength: 253,
  pattern: /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[?[0-9A-Fa-f:.]+\]?)$/,
  patternMessage: 'must be a host name or an IP address',
};
const HTTPS_URL: FieldType = { json: 'string', maxLength: 2048, pattern: /^https:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/, patternMessage: 'must be an https:// URL' };
const ENVIRONMENT: FieldType = { json: 'objectList', keys: ['key', 'value'], maxItems: 200, maxLength: 4096 };

const shown = (type: FieldType, options: { nullable?: boolean } = {}): FieldSpec => ({ type, returned: true, nullable: options.nullable ?? false });
const kept = (type: FieldType, options: { nullable?: boolean } = {}): FieldSpec => ({ type, returned: false, nullable: options.nullable ?? false });

/** Accepted by every warehouse type. */
const EVERY_WAREHOUSE = {
  requireUserCredentials: shown(BOOLEAN),
  startOfWeek: shown(integer(0, 6), { nullable: true }),
};

const SSH_TUNNEL = {
  useSshTunnel: shown(BOOLEAN),
  sshTunnelHost: shown(HOST),
  sshTunnelPort: shown(PORT),
  sshTunnelUser: shown(text()),
  sshTunnelPublicKey: shown(PEM),
  sshTunnelPrivateKey: kept(PEM),
};
const SSH_TUNNEL_DESTINATION = ['useSshTunnel', 'sshTunnelHost', 'sshTunnelPort', 'sshTunnelUser'];

const USER_AND_PASSWORD = { user: kept(text()), password: kept(text()) };

/** Lightdash's sslmode values. */
export const SSL_MODES = ['disable', 'no-verify', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

export const WAREHOUSE_CONNECTIONS: ConnectionSchemas = {
  name: 'WarehouseConnection',
  types: {
    postgres: {
      fields: {
        host: shown(HOST),
        port: shown(PORT),
        dbname: shown(text()),
        schema: shown(text()),
        ...USER_AND_PASSWORD,
        threads: shown(integer(1, 1024)),
        keepalivesIdle: shown(integer(0, 86_400)),
        searchPath: shown(text()),
        role: shown(text()),
        timeoutSeconds: shown(integer(1, 86_400)),
        dataTimezone: shown(text(100)),
        sslmode: shown(oneOf(...SSL_MODES)),
        sslcertFileName: shown(text()),
        sslkeyFileName: shown(text()),
        sslrootcertFileName: shown(text()),
        sslcert: kept(PEM, { nullable: true }),
        sslkey: kept(PEM, { nullable: true }),
        sslrootcert: kept(PEM, { nullable: true }),
        ...SSH_TUNNEL,
        ...EVERY_WAREHOUSE,
      },
      destination: ['host', 'port', 'dbname', 'user', ...SSH_TUNNEL_DESTINATION],
    },
    redshift: {
      fields: {
        host: shown(HOST),
        port: shown(PORT),
        dbname: shown(text()),
        schema: shown(text()),
        ...USER_AND_PASSWORD,
        threads: shown(integer(1, 1024)),
        keepalivesIdle: shown(integer(0, 86_400)),
        timeoutSeconds: shown(integer(1, 86_400)),
        sslmode: shown(oneOf(...SSL_MODES)),
        ra3Node: shown(BOOLEAN),
        ...SSH_TUNNEL,
        ...EVERY_WAREHOUSE,
      },
      destination: ['host', 'port', 'dbname', 'user', ...SSH_TUNNEL_DESTINATION],
    },
    trino: {
      fields: {
        host: shown(HOST),
        port: shown(PORT),
        dbname: shown(text()),
        schema: shown(text()),
        ...USER_AND_PASSWORD,
        http_scheme: shown(oneOf('http', 'https')),
        source: shown(text()),
        ...EVERY_WAREHOUSE,
      },
      destination: ['host', 'port', 'dbname', 'user', 'http_scheme'],
    },
    clickhouse: {
      fields: {
        host: shown(HOST),
        port: shown(PORT),
        schema: shown(text()),
        ...USER_AND_PASSWORD,
        secure: shown(BOOLEAN),
        timeoutSeconds: shown(integer(1, 86_400)),
        ...EVERY_WAREHOUSE,
      },
      destination: ['host', 'port', 'user', 'secure'],
    },
    snowflake: {
      fields: {
        account: shown(text()),
        accessUrl: shown(HTTPS_URL),
        database: shown(text()),
        warehouse: shown(text()),
        schema: shown(text()),
        role: shown(text()),
        authenticationType: shown(oneOf('password', 'private_key', 'sso', 'external_browser', 'none')),
        threads: shown(integer(1, 1024)),
        clientSessionKeepAlive: shown(BOOLEAN),
        queryTag: shown(text()),
        quotedIdentifiersIgnoreCase: shown(BOOLEAN),
        override: shown(BOOLEAN),
        timeoutSeconds: shown(integer(1, 86_400)),
        ...USER_AND_PASSWORD,
        privateKey: kept(PEM),
        privateKeyPass: kept(text()),
        refreshToken: kept(text(MAX_PEM)),
        token: kept(text(MAX_PEM)),
        ...EVERY_WAREHOUSE,
      },
      destination: ['account', 'accessUrl', 'database', 'user'],
    },
    bigquery: {
      fields: {
        project: shown(text()),
        dataset: shown(text()),
        executionProject: shown(text()),
        location: shown(text()),
        priority: shown(oneOf('interactive', 'batch')),
        threads: shown(integer(1, 1024)),
        timeoutSeconds: shown(integer(1, 86_400)),
        retries: shown(integer(0, 100)),
        maximumBytesBilled: shown(integer(0, Number.MAX_SAFE_INTEGER)),
        authenticationType: shown(oneOf('sso', 'private_key', 'adc')),
        keyfileContents: kept({ json: 'stringMap', maxKeys: 50, maxLength: MAX_PEM }),
        refreshToken: kept(text(MAX_PEM)),
        token: kept(text(MAX_PEM)),
        ...EVERY_WAREHOUSE,
      },
      destination: ['project', 'executionProject'],
    },
    databricks: {
      fields: {
        serverHostName: shown(HOST),
        httpPath: shown(text()),
        catalog: shown(text()),
        database: shown(text()),
        compute: shown({ json: 'objectList', keys: ['name', 'httpPath'], maxItems: 100, maxLength: MAX_TEXT }),
        authenticationType: shown(oneOf('personal_access_token', 'oauth_m2m', 'oauth_u2m')),
        oauthClientId: shown(text()),
        personalAccessToken: kept(text()),
        oauthClientSecret: kept(text()),
        refreshToken: kept(text(MAX_PEM)),
        token: kept(text(MAX_PEM)),
        ...EVERY_WAREHOUSE,
      },
      destination: ['serverHostName', 'httpPath', 'catalog', 'database'],
    },
    athena: {
      fields: {
        region: shown(text(100)),
        database: shown(text()),
        schema: shown(text()),
        s3StagingDir: shown(text()),
        s3DataDir: shown(text()),
        workGroup: shown(text()),
        threads: shown(integer(1, 1024)),
        numRetries: shown(integer(0, 100)),
        authenticationType: shown(oneOf('access_key', 'iam_role')),
        assumeRoleArn: shown(text()),
        assumeRoleExternalId: kept(text()),
        accessKeyId: kept(text()),
        secretAccessKey: kept(text()),
        ...EVERY_WAREHOUSE,
      },
      destination: ['region', 'database', 's3StagingDir', 's3DataDir', 'workGroup', 'assumeRoleArn'],
    },
  },
};

/** Fields of every git-hosted dbt project. */
const GIT_PROJECT = {
  repository: shown(text()),
  branch: shown(text()),
  project_sub_path: shown(text()),
  host_domain: shown(HOST),
  personal_access_token: kept(text(MAX_PEM)),
};
const DBT_RUN = { target: shown(text()), environment: shown(ENVIRONMENT), selector: shown(text()) };

export const DBT_CONNECTIONS: ConnectionSchemas = {
  name: 'DbtConnection',
  types: {
    dbt: { fields: { ...DBT_RUN, profiles_dir: shown(text()), project_dir: shown(text()) }, destination: [] },
    dbt_cloud_ide: {
      fields: {
        environment_id: shown(text()),
        discovery_api_endpoint: shown(HTTPS_URL),
        tags: shown({ json: 'stringList', maxItems: 200, maxLength: MAX_TEXT }),
        api_key: kept(text(MAX_PEM)),
      },
      destination: ['environment_id', 'discovery_api_endpoint'],
    },
    github: {
      fields: { ...GIT_PROJECT, authorization_method: shown(oneOf('personal_access_token', 'installation_id')), installation_id: shown(text()), ...DBT_RUN },
      destination: ['repository', 'host_domain'],
    },
    gitlab: { fields: { ...GIT_PROJECT, ...DBT_RUN }, destination: ['repository', 'host_domain'] },
    bitbucket: { fields: { ...GIT_PROJECT, username: shown(text()), ...DBT_RUN }, destination: ['repository', 'host_domain', 'username'] },
    azure_devops: {
      fields: { ...GIT_PROJECT, organization: shown(text()), project: shown(text()), ...DBT_RUN },
      destination: ['repository', 'host_domain', 'organization', 'project'],
    },
    none: { fields: { ...DBT_RUN, hideRefreshButton: shown(BOOLEAN) }, destination: [] },
    manifest: { fields: { manifest: shown(text(5 * 1024 * 1024)), hideRefreshButton: shown(BOOLEAN) }, destination: [] },
  },
};

/**
 * A project's semantic-layer connection (Lightdash's `SemanticLayerType`): the token is kept; the
 * domain (and dbt Cloud's environment) say where it is sent.
 */
export const SEMANTIC_LAYER_CONNECTIONS: ConnectionSchemas = {
  name: 'SemanticLayerConnection',
  types: {
    DBT: { fields: { environmentId: shown(text()), domain: shown(text(2048)), token: kept(text(MAX_PEM)) }, destination: ['environmentId', 'domain'] },
    CUBE: { fields: { domain: shown(text(2048)), token: kept(text(MAX_PEM)) }, destination: ['domain'] },
  },
};

export const WAREHOUSE_TYPES = Object.keys(WAREHOUSE_CONNECTIONS.types);
export const DBT_PROJECT_TYPES = Object.keys(DBT_CONNECTIONS.types);

/**
 * What a user's own saved warehouse credentials show them (GET /user/warehouseCredentials, the
 * project's user-credentials list): Lightdash shows the login name to its owner, nothing else.
 */
export const USER_CREDENTIALS_RETURNED: Readonly<Record<string, readonly string[]>> = {
  postgres: ['user'],
  redshift: ['user'],
  trino: ['user'],
  clickhouse: ['user'],
  snowflake: ['user'],
  bigquery: [],
  databricks: [],
  athena: [],
};

/** The returned part of user warehouse credentials: `type` and the allowlisted fields of that type. */
export function returnedUserCredentials(credentials: { type: string } & Record<string, unknown>): { type: string } & Record<string, unknown> {
  const returned: { type: string } & Record<string, unknown> = { type: credentials.type };
  const allowed = Object.hasOwn(USER_CREDENTIALS_RETURNED, credentials.type) ? USER_CREDENTIALS_RETURNED[credentials.type] : [];
  for (const field of allowed) {
    if (credentials[field] !== undefined && credentials[field] !== null) returned[field] = credentials[field];
  }
  return returned;
}

/**
 * Whether a scalar value is of the field's type (string, integer and enum fields). For values read back
 * from storage, which may predate validation; request bodies are checked by connection-dto.ts.
 */
export function conforms(type: FieldType, value: unknown): boolean {
  switch (type.json) {
    case 'string':
      return typeof value === 'string' && value.length <= type.maxLength && (!type.pattern || type.pattern.test(value));
    case 'integer':
      return Number.isInteger(value) && (value as number) >= type.min && (value as number) <= type.max;
    case 'enum':
      return typeof value === 'string' && type.values.includes(value);
    default:
      return false;
  }
}

function schemaOf(schemas: ConnectionSchemas, connection: Record<string, unknown> | null | undefined): ConnectionSchema | undefined {
  const type = connection?.type;
  return typeof type === 'string' && Object.hasOwn(schemas.types, type) ? schemas.types[type] : undefined;
}

/**
 * What may be answered of a connection: `type` and the fields its type declares returned. Applied on
 * every read, so a connection stored before the allowlist (with secrets in its visible column) leaks nothing.
 */
export function returnedConnection(schemas: ConnectionSchemas, connection: Record<string, unknown>): Connection {
  const schema = schemaOf(schemas, connection);
  const returned: Connection = { type: String(connection.type) };
  if (!schema) return returned;
  for (const [field, spec] of Object.entries(schema.fields)) {
    if (spec.returned && connection[field] !== undefined) returned[field] = connection[field];
  }
  return returned;
}

/** Splits a connection into what is stored in clear and returned, and what is kept encrypted. */
export function splitConnection(schemas: ConnectionSchemas, connection: Connection): { returned: Connection; kept: Record<string, unknown> } {
  const schema = schemaOf(schemas, connection);
  const returned: Connection = { type: connection.type };
  const keptFields: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(schema?.fields ?? {})) {
    if (connection[field] !== undefined) (spec.returned ? returned : keptFields)[field] = connection[field];
  }
  return { returned, kept: keptFields };
}

/** A stored connection (clear part plus decrypted kept part) reduced to the fields its type declares; null when none or of an unknown type. */
export function storedConnection(schemas: ConnectionSchemas, clear: Record<string, unknown> | null, keptFields: Record<string, unknown>): Connection | null {
  if (!clear || !schemaOf(schemas, clear)) return null;
  const { returned, kept: keptPart } = splitConnection(schemas, { ...clear, ...keptFields, type: clear.type as string });
  return { ...returned, ...keptPart };
}

/**
 * The connection to store when `given` (validated, declared fields only) replaces `stored`.
 *
 * A client can only send back what GET returned, so when the type is unchanged and the connection
 * still points where it did, kept fields left out (password, keys, the hidden `user`) keep their
 * stored values. A kept field left out does not count as a change of destination: the hidden `user`
 * is unchanged when absent. When a destination field changed, nothing kept carries over: a stored
 * secret is only ever sent to where it was stored for (DESIGN §9).
 */
export function replaceConnection(schemas: ConnectionSchemas, given: Connection, stored: Connection | null): Connection {
  const schema = schemaOf(schemas, given);
  if (!schema || !stored || stored.type !== given.type) return given;
  const isKept = (field: string) => schema.fields[field]?.returned === false;
  const pointsElsewhere = schema.destination.some((field) => {
    const givenValue = given[field] === undefined && isKept(field) ? stored[field] : given[field];
    return !sameValue(givenValue, stored[field]);
  });
  if (pointsElsewhere) return given;
  const result: Connection = { ...given };
  for (const field of Object.keys(schema.fields)) {
    if (isKept(field) && result[field] === undefined && stored[field] !== undefined) result[field] = stored[field];
  }
  return result;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
