import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Public } from '../../src/auth/public.decorator.js';
import { ForbiddenError } from '../../src/common/errors.js';
import { createTestApp, type TestApp } from '../support/app.js';

class ProbeMetaDto {
  @IsString()
  color: string;
}

class ProbeItemDto {
  @IsInt()
  n: number;
}

class ProbeBodyDto {
  @IsString()
  @IsNotEmpty()
  name: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ProbeMetaDto)
  meta?: ProbeMetaDto;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProbeItemDto)
  items?: ProbeItemDto[];

  @IsOptional()
  @IsString()
  @MaxLength(10)
  code?: string;
}

/** The own keys of a value and of every object in it, by path: what a service would see. */
function ownKeysByPath(value: unknown, path = 'body', out: Record<string, string[]> = {}): Record<string, string[]> {
  if (typeof value !== 'object' || value === null) return out;
  out[path] = Reflect.ownKeys(value).map(String);
  for (const key of Reflect.ownKeys(value)) ownKeysByPath((value as Record<PropertyKey, unknown>)[key], `${path}.${String(key)}`, out);
  return out;
}

class ProbeQueryDto {
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  page?: number;
}

/** Test-only routes that exercise the global pipe, filter and interceptor. */
@Public()
@Controller('probe')
class ProbeController {
  @Post()
  @HttpCode(201)
  create(@Body() body: ProbeBodyDto) {
    return { name: body.name, isDto: body instanceof ProbeBodyDto };
  }

  @Post('keys')
  keys(@Body() body: ProbeBodyDto) {
    return {
      keys: ownKeysByPath(body),
      classes: [body.constructor === ProbeBodyDto, body.meta?.constructor === ProbeMetaDto, body.items?.every((item) => item.constructor === ProbeItemDto)],
      prototypes: [Object.getPrototypeOf(body) === ProbeBodyDto.prototype, typeof body.toString, typeof body.hasOwnProperty, typeof body.valueOf],
    };
  }

  @Get('query')
  query(@Query() query: ProbeQueryDto) {
    return { page: query.page ?? null, type: typeof query.page };
  }

  @Get('named/:name')
  named(@Param('name') name: string) {
    return { name };
  }

  @Get('empty')
  empty(): void {}

  @Delete()
  @HttpCode(204)
  remove() {
    return { ignored: true };
  }

  @Get('forbidden')
  forbidden() {
    throw new ForbiddenError();
  }

  @Get('crash')
  crash() {
    throw new Error('relation "secret_table" does not exist at /srv/app/secret.js:42');
  }
}

@Controller('private-probe')
class PrivateProbeController {
  @Get()
  get() {
    return 'should not be reached';
  }
}

describe('API conventions: envelopes, validation and error mapping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ controllers: [ProbeController, PrivateProbeController] });
  });
  afterAll(async () => t.close());

  it('wraps results in the success envelope, with 201 where declared', async () => {
    const res = await t.http().post('/api/v1/probe').send({ name: 'a' }).expect(201);
    expect(res.body).toEqual({ status: 'ok', results: { name: 'a', isDto: true } });
  });

  it('omits results for empty successes and sends no body with 204', async () => {
    const empty = await t.http().get('/api/v1/probe/empty').expect(200);
    expect(empty.body).toEqual({ status: 'ok' });
    const deleted = await t.http().delete('/api/v1/probe').expect(204);
    expect(deleted.text).toBe('');
  });

  it('accepts an empty body with content-type application/json', async () => {
    await t.http().delete('/api/v1/probe').set('content-type', 'application/json').expect(204);
  });

  it('answers 422 ValidateError with a field map for missing fields', async () => {
    const res = await t.http().post('/api/v1/probe').send({}).expect(422);
    expect(res.body).toEqual({
      status: 'error',
      error: { statusCode: 422, name: 'ValidateError', message: '', data: { 'body.name': { message: "'name' is required" } } },
    });
  });

  it('drops unknown body properties at every level, and still refuses wrong types', async () => {
    const res = await t.http().post('/api/v1/probe').send({ name: 5, foo: 1, meta: { color: 3, extra: true } }).expect(422);
    expect(res.body.error.name).toBe('ValidateError');
    expect(res.body.error.data).toEqual({
      'body.name': { message: 'name must be a string', value: 5 },
      'body.meta.color': { message: 'color must be a string', value: 3 },
    });

    const ok = await t
      .http()
      .post('/api/v1/probe/keys')
      .send({ name: 'a', foo: 1, meta: { color: 'red', extra: true }, items: [{ n: 1, extra: 'x' }, { n: 2 }] })
      .expect(201);
    expect(ok.body.results.keys).toEqual({
      body: ['name', 'meta', 'items'],
      'body.meta': ['color'],
      'body.items': ['0', '1', 'length'],
      'body.items.0': ['n'],
      'body.items.1': ['n'],
    });
  });

  it('drops keys named like prototype members at every level, as any unknown key: they never reach the handler', async () => {
    const hostile = '"prototype":{"polluted":true},"constructor":"x","toString":"x","hasOwnProperty":1,"valueOf":{"a":1},"isPrototypeOf":null,"unknown":1';
    const raw = `{${hostile},"name":"a","meta":{${hostile},"color":"red"},"items":[{${hostile},"n":1},{"n":2,${hostile}}]}`;
    const res = await t.http().post('/api/v1/probe/keys').set('content-type', 'application/json').send(raw).expect(201);
    expect(res.body.results).toEqual({
      keys: {
        body: ['name', 'meta', 'items'],
        'body.meta': ['color'],
        'body.items': ['0', '1', 'length'],
        'body.items.0': ['n'],
        'body.items.1': ['n'],
      },
      classes: [true, true, true],
      prototypes: [true, 'function', 'function', 'function'],
    });
  });

  it('never echoes more than a bounded part of a value in a validation error', async () => {
    const longString = await t.http().post('/api/v1/probe').send({ name: 'a', code: 'x'.repeat(300_000) }).expect(422);
    expect(longString.body.error.data['body.code']).toEqual({ message: 'code must be shorter than or equal to 10 characters', value: `${'x'.repeat(200)}…` });
    const bigArray = await t.http().post('/api/v1/probe').send({ name: Array.from({ length: 5000 }, () => 'abcdefgh') }).expect(422);
    expect(bigArray.body.error.data['body.name']).toEqual({ message: 'name must be a string', value: '(an array of 5000 items)' });
    const bigObject = await t.http().post('/api/v1/probe').send({ name: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v'])) }).expect(422);
    expect(bigObject.body.error.data['body.name'].value).toBe('(an object with 500 keys)');
    const small = await t.http().post('/api/v1/probe').send({ name: { a: [1, 2] } }).expect(422);
    expect(small.body.error.data['body.name'].value).toEqual({ a: [1, 2] });
    for (const res of [longString, bigArray, bigObject]) expect(res.text.length).toBeLessThan(1000);
    // a body that is not an object is echoed bounded too
    const text = await t.http().post('/api/v1/probe').set('content-type', 'application/json').send(JSON.stringify('y'.repeat(100_000))).expect(422);
    expect(text.body.error.data.body.value).toBe(`${'y'.repeat(200)}…`);
  });

  it('rejects a body that is not a JSON object with 422', async () => {
    for (const body of ['[1,2]', '"text"', '42']) {
      const res = await t.http().post('/api/v1/probe').set('content-type', 'application/json').send(body).expect(422);
      expect(res.body.error.name).toBe('ValidateError');
    }
  });

  it('validates and coerces query parameters, using bare names as keys', async () => {
    const ok = await t.http().get('/api/v1/probe/query?page=3&cacheBuster=1').expect(200);
    expect(ok.body.results).toEqual({ page: 3, type: 'number' });
    const bad = await t.http().get('/api/v1/probe/query?page=0').expect(422);
    expect(Object.keys(bad.body.error.data)).toEqual(['page']);
    const notNumber = await t.http().get('/api/v1/probe/query?page=abc').expect(422);
    expect(notNumber.body.error.data.page.message).toMatch(/integer/);
  });

  it('refuses with 422 the strings PostgreSQL cannot store: NUL anywhere, half a surrogate pair in a body', async () => {
    const body = (raw: string) => t.http().post('/api/v1/probe').set('content-type', 'application/json').send(raw);
    for (const [raw, message] of [
      ['{"name":"a\\u0000b"}', 'strings must not contain the NUL character'],
      ['{"name":"ok","meta":{"color":"\\\\\\u0000"}}', 'strings must not contain the NUL character'],
      ['{"name":"a\\ud83d"}', 'strings must not contain half a UTF-16 surrogate pair'],
      ['{"name":"a\\ud83dx"}', 'strings must not contain half a UTF-16 surrogate pair'],
      ['{"name":"\\ude00a"}', 'strings must not contain half a UTF-16 surrogate pair'],
    ]) {
      const res = await body(raw);
      expect({ raw, status: res.status, data: res.body.error?.data }).toEqual({ raw, status: 422, data: { body: { message } } });
    }
    // an escaped backslash followed by "u0000" is text, and a whole surrogate pair is one character
    expect((await body('{"name":"a\\\\u0000"}').expect(201)).body.results.name).toBe('a\\u0000');
    expect((await body('{"name":"\\ud83d\\ude00"}').expect(201)).body.results.name).toBe('😀');

    const query = await t.http().get('/api/v1/probe/query?name=a%00b').expect(422);
    expect(query.body.error.data).toEqual({ name: { message: 'name must not contain the NUL character', value: 'a\u0000b' } });
    const param = await t.http().get('/api/v1/probe/named/a%00b').expect(422);
    expect(param.body.error.data).toEqual({ name: { message: 'name must not contain the NUL character', value: 'a\u0000b' } });
    expect((await t.http().get('/api/v1/probe/named/ab').expect(200)).body.results).toEqual({ name: 'ab' });
  });

  it('answers malformed JSON with 400 ParameterError', async () => {
    const res = await t.http().post('/api/v1/probe').set('content-type', 'application/json').send('{"name":').expect(400);
    expect(res.body.status).toBe('error');
    expect(res.body.error).toMatchObject({ statusCode: 400, name: 'ParameterError', data: {} });
  });

  it('refuses __proto__ keys and unsupported media types', async () => {
    await t.http().post('/api/v1/probe').set('content-type', 'application/json').send('{"__proto__":{"x":1},"name":"a"}').expect(400);
    const res = await t.http().post('/api/v1/probe').set('content-type', 'application/xml').send('<a/>').expect(415);
    expect(res.body.error.statusCode).toBe(415);
  });

  it('answers an oversized body with 413 in the envelope', async () => {
    const res = await t.http().post('/api/v1/probe').send({ name: 'x'.repeat(6 * 1024 * 1024) }).expect(413);
    expect(res.body.error.statusCode).toBe(413);
  });

  it('answers an over-long path parameter (414) and a malformed URL (400) in the envelope, with a request id', async () => {
    const long = await t.http().get(`/api/v1/saved/${'a'.repeat(150)}`).expect(414);
    expect(long.body).toMatchObject({ status: 'error', error: { statusCode: 414, name: 'ParameterError', data: {} } });
    expect(long.headers['x-request-id']).toBeDefined();
    const malformed = await t.http().get('/api/v1/saved/%E0%A4%A').expect(400);
    expect(malformed.body).toMatchObject({ status: 'error', error: { statusCode: 400, name: 'ParameterError', data: {} } });
  });

  it('answers unknown routes with a JSON 404 NotFoundError for every method', async () => {
    for (const method of ['get', 'post', 'put', 'patch', 'delete', 'options'] as const) {
      const res = await t.http()[method]('/api/v1/no-such-route').expect(404);
      expect(res.body).toMatchObject({ status: 'error', error: { statusCode: 404, name: 'NotFoundError', data: {} } });
    }
    const outside = await t.http().get('/not-api').expect(404);
    expect(outside.body.error.name).toBe('NotFoundError');
  });

  it('maps our error classes to their status and name', async () => {
    const res = await t.http().get('/api/v1/probe/forbidden').expect(403);
    expect(res.body).toEqual({
      status: 'error',
      error: { statusCode: 403, name: 'ForbiddenError', message: "You don't have access to this resource or action", data: {} },
    });
  });

  it('hides the details of unexpected errors behind a generic 500', async () => {
    const res = await t.http().get('/api/v1/probe/crash').expect(500);
    expect(res.body).toEqual({
      status: 'error',
      error: { statusCode: 500, name: 'UnexpectedServerError', message: 'Something went wrong.', data: {} },
    });
    expect(res.text).not.toMatch(/secret|relation|\.js/);
  });

  it('denies by default: a route without @Public() needs authentication', async () => {
    const res = await t.http().get('/api/v1/private-probe').expect(401);
    expect(res.body.error).toMatchObject({ statusCode: 401, name: 'AuthorizationError' });
  });

  it('returns a request id on every response and honours a sane incoming one', async () => {
    const generated = await t.http().get('/api/v1/livez').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.http().get('/api/v1/livez').set('x-request-id', 'trace-123').expect(200);
    expect(given.headers['x-request-id']).toBe('trace-123');
    const hostile = await t.http().get('/api/v1/livez').set('x-request-id', 'bad id\twith spaces').expect(200);
    expect(hostile.headers['x-request-id']).not.toContain(' ');
  });
});
