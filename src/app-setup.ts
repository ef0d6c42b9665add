import fastifyCookie from '@fastify/cookie';
import { RequestMethod } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { Duplex } from 'node:stream';
import { CredentialAuthenticator } from './auth/credential-authenticator.js';
import { PUBLIC_OPENAPI_EXTENSION } from './auth/public.decorator.js';
import { SESSION_COOKIE } from './auth/tokens.js';
import { toErrorEnvelope } from './common/error-envelope.filter.js';
import { truncate } from './common/bounded-echo.js';
import { AppError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidateError } from './common/errors.js';
import { jsonLimitExceeded, type JsonLimits } from './common/json-limits.js';
import { holdsNul, unstorableJsonText } from './common/storable-text.js';
import type { ResolvedConfig } from './config/config.js';
import { installResponseCache } from './response-cache/response-cache.hooks.js';
import { installViewCounting } from './content-views/content-views.hooks.js';
import { acceptScimJsonBodies, isScimRoute, SCIM_MEDIA_TYPE } from './scim/scim-http.js';
import { SERVER_VERSION } from './version.js';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT_BYTES = 5 * 1024 * 1024;
export const SWAGGER_TAGS: [string, string][] = [
  ['My Account', 'Your own account: registration, login, personal access tokens, warehouse credentials'],
  ['Organizations', 'Your organization, its members, invites, allowed email domains and groups'],
  ['User Groups', 'Groups of members, their membership and project access'],
  ['Projects', 'Projects, project access, tags, charts, dashboards and explores'],
  ['Spaces', 'Folders of charts and dashboards, with their own access lists'],
  ['Catalog', 'The data catalog: tables, fields and metrics of the uploaded explores'],
  ['SCIM', 'SCIM 2.0 provisioning of members and groups by an identity provider, and the SCIM tokens'],
  ['Server', 'Health and liveness'],
];

const REQUEST_ID = /^[\w.:\-]{1,128}$/;

/** node's default for headers is 60 s; a shorter request timeout bounds them too */
const HEADERS_TIMEOUT_MS = 60_000;

const CLIENT_ERRORS: Record<string, { statusCode: number; name: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { statusCode: 408, name: 'RequestTimeoutError', message: 'The request was not received in time' },
  HPE_HEADER_OVERFLOW: { statusCode: 431, name: 'ParameterError', message: 'The request headers are too large' },
};
const MALFORMED_REQUEST = { statusCode: 400, name: 'ParameterError', message: 'Malformed HTTP request' };

/**
 * What node reports on the socket before a request reaches fastify: a request not received within
 * the request timeout (a slowly sent body), oversized headers, a malformed request. Answered in the
 * error envelope, then the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const response = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    const { statusCode, name, message } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED_REQUEST;
    const body = JSON.stringify({ status: 'error', error: { statusCode, name, message, data: {} } });
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export function createAdapter(config: Pick<ResolvedConfig, 'trustProxy' | 'requestTimeoutMs'>): FastifyAdapter {
  return new FastifyAdapter({
    logger: false, // nestjs-pino writes the request logs
    bodyLimit: BODY_LIMIT_BYTES,
    // a client has this long to send the whole request, body included (then 408 and the connection
    // closes); node checks the connections for it once a second rather than its default 30 s
    requestTimeout: config.requestTimeoutMs,
    http: { headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.requestTimeoutMs), connectionsCheckingInterval: 1_000 },
    clientErrorHandler: answerClientError,
    trustProxy: config.trustProxy === false ? false : config.trustProxy,
    requestIdHeader: false,
    // errors fastify raises before routing (an over-long path parameter: 414, a malformed URL: 400)
    // get the error envelope like everything else
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const { envelope } = toErrorEnvelope(error);
      void reply.code(envelope.error.statusCode).header('x-request-id', request.id).send(envelope);
    },
    // one id for fastify, pino and the x-request-id response header; a sane incoming x-request-id is kept
    genReqId: (raw: IncomingMessage) => {
      const incoming = raw.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      (raw as IncomingMessage & { id: string }).id = id;
      return id;
    },
  });
}

const EXPLORES_UPLOAD_ROUTE = /\/projects\/:projectUuid\/explores$/;
const isExploresUpload = (method: string, url: string | undefined) => method === 'PUT' && !!url && EXPLORES_UPLOAD_ROUTE.test(url);
/** Bytes of the explores upload limit per key (and per array item) it may hold: compiled explores average ~32. */
const EXPLORES_BYTES_PER_KEY = 16;
/** Routes that also take a form body, as Lightdash does (Express's urlencoded parser). */
const FORM_ROUTES = new Set([`POST /${API_PREFIX}/login`]);

/**
 * Compiled explores of a large dbt project run to tens of MB, so their upload route takes up to
 * `limitBytes` instead of BODY_LIMIT_BYTES. Only from a caller with a live session or token: that is
 * checked before the body is read (the guards, which decide whether they may upload, run after it).
 */
function allowLargeExploresUploads(app: NestFastifyApplication, limitBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (![route.method].flat().some((method) => isExploresUpload(method, route.url))) return;
    route.bodyLimit = limitBytes;
    const requireCredential = async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        // the principal stays in the request's context: the guard does not look it up again
        await app.get(CredentialAuthenticator).authenticate(request, { allowCached: false });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        await reply.code(error.statusCode).send(toErrorEnvelope(error).envelope);
      }
    };
    route.onRequest = [...[route.onRequest ?? []].flat(), requireCredential];
  });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Lightdash-compatible access-control API')
    .setDescription(
      'Organizations, members, invites, groups, projects, spaces and the data catalog, with role-based access control. ' +
        "Authenticate with a session cookie (POST /api/v1/login) or a personal access token sent as 'ApiKey <token>' " +
        "(or 'Bearer <token>') in the Authorization header. Every response is an envelope: " +
        '{"status":"ok","results":…} or {"status":"error","error":{statusCode,name,message,data}}.',
    )
    .setVersion(SERVER_VERSION)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'Authorization', description: "Type 'ApiKey <your token>', prefix included" },
      'api_key',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'scim_<32 hex>', description: 'An organization SCIM token (scim_…), for the SCIM routes only' }, 'scim_token')
    .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, 'session_cookie')
    .addSecurityRequirements('session_cookie')
    .addSecurityRequirements('api_key');
  for (const [name, description] of SWAGGER_TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem) as Record<string, unknown>[]) {
      if (operation && typeof operation === 'object' && operation[PUBLIC_OPENAPI_EXTENSION]) {
        delete operation[PUBLIC_OPENAPI_EXTENSION];
        operation.security = [];
      }
    }
  }
  return document;
}

/** The bounds of a JSON body on the route `method url` (as registered, e.g. `/api/v1/projects/:projectUuid/explores`). */
export function jsonLimits(config: ResolvedConfig, method: string, url: string | undefined): JsonLimits {
  const depth = { max: config.jsonMaxDepth, setting: 'JSON_MAX_DEPTH' };
  if (isExploresUpload(method, url)) {
    const budget = Math.floor(config.exploresUploadLimitBytes / EXPLORES_BYTES_PER_KEY);
    const setting = `EXPLORES_UPLOAD_LIMIT_MB, one per ${EXPLORES_BYTES_PER_KEY} bytes`;
    return {
      depth,
      keys: { max: Math.max(config.jsonMaxKeys, budget), setting },
      arrayLength: { max: Math.max(config.jsonMaxArrayLength, budget), setting },
    };
  }
  return { depth, keys: { max: config.jsonMaxKeys, setting: 'JSON_MAX_KEYS' }, arrayLength: { max: config.jsonMaxArrayLength, setting: 'JSON_MAX_ARRAY_LENGTH' } };
}

function countOf(character: string, text: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at !== -1; at = text.indexOf(character, at + 1)) count++;
  return count;
}

const mediaType = (request: FastifyRequest) => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0';

/**
 * Bodies are JSON (a form on the routes of FORM_ROUTES), bounded in size and shape before they are
 * parsed: every other content type is refused before its body is read, and an empty body of any type
 * is "no body" (many clients send `Content-Type: application/json` on every DELETE). Strings
 * PostgreSQL cannot store are refused here, for every route.
 */
function installBodyParsers(app: NestFastifyApplication, config: ResolvedConfig): void {
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('preParsing', async (request, _reply, payload) => {
    // fastify never parses a GET or HEAD body, so there is nothing to refuse there
    if (request.is404 || request.method === 'GET' || request.method === 'HEAD' || !hasBody(request)) return payload;
    const type = mediaType(request);
    if (type === 'application/json') return payload;
    if (type === SCIM_MEDIA_TYPE && isScimRoute(request.routeOptions.url)) return payload;
    const takesForm = FORM_ROUTES.has(`${request.method} ${request.routeOptions.url}`);
    if (type === 'application/x-www-form-urlencoded' && takesForm) return payload;
    const accepted = takesForm ? 'application/json or application/x-www-form-urlencoded' : 'application/json';
    throw new UnsupportedMediaTypeError(`Unsupported Media Type: ${truncate(type || '(none)', 100)}; send the body as ${accepted}`);
  });

  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>('application/json', { bodyLimit: BODY_LIMIT_BYTES }, (req, body, done) => {
    const text = body.toString('utf8');
    if (text.trim().length === 0) return done(null, undefined);
    const overLimit = jsonLimitExceeded(text, jsonLimits(config, req.method, req.routeOptions.url));
    if (overLimit) return done(new PayloadTooLargeError(overLimit), undefined);
    const unstorable = unstorableJsonText(text);
    if (unstorable) return done(new ValidateError({ body: { message: unstorable } }), undefined);
    jsonParser(req, text, done);
  });

  app.useBodyParser<Server>('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT_BYTES }, (_req, body, done) => {
    const text = body.toString('utf8');
    if (countOf('&', text) >= config.jsonMaxKeys) {
      return done(new PayloadTooLargeError(`The request body has more than ${config.jsonMaxKeys} keys (JSON_MAX_KEYS)`), undefined);
    }
    const form = parseQueryString(text, '&', '=', { maxKeys: 0 });
    if (Object.values(form).some(holdsNul)) return done(new ValidateError({ body: { message: 'strings must not contain the NUL character' } }), undefined);
    done(null, form);
  });

  // only empty bodies get this far in another content type (see the preParsing hook)
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

/** Everything that hooks into fastify; shared by main.ts and the tests, and run before init()/listen(). */
export async function configureApp(app: NestFastifyApplication, config: ResolvedConfig): Promise<void> {
  app.useLogger(app.get(Logger));
  // Lightdash's v2 routes live beside v1: their controllers carry the whole path (`api/v2/...`)
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'api/v2/{*rest}', method: RequestMethod.ALL }] });
  const fastify = app.getHttpAdapter().getInstance();

  await app.register(fastifyCookie, { secret: config.secret });
  allowLargeExploresUploads(app, config.exploresUploadLimitBytes);

  installBodyParsers(app, config);
  acceptScimJsonBodies(app, BODY_LIMIT_BYTES, (text, method, url) => jsonLimitExceeded(text, jsonLimits(config, method, url)));

  installResponseCache(app);
  installViewCounting(app);

  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // during shutdown, ask keep-alive clients to go away so server.close() does not wait for their sockets
    if (closing) reply.header('connection', 'close');
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    raw: ['json'],
    customSiteTitle: 'Lightdash-compatible API',
    swaggerOptions: { persistAuthorization: true },
  });
}
