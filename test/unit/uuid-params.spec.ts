import { describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID } from 'class-validator';
import { uuidParamsInstance } from '../../src/common/uuid-params.js';
import { AppValidationPipe } from '../../src/common/validation.pipe.js';
import { ChartParamsDto } from '../../src/charts/dto/chart.dto.js';
import { SpaceUserParamsDto } from '../../src/spaces/dto/space.dto.js';

const A = '3f1c2b7e-8d4a-4c1e-9b2f-0a1b2c3d4e5f';
const B = '0e6a4b1c-2d3e-4f50-8a9b-1c2d3e4f5a6b';
const C = 'ABCDEF01-2345-4789-8bcd-ef0123456789';

class OptionalUuidParams {
  @IsOptional()
  @IsUUID()
  id?: string;
}

class NameParams {
  @IsString()
  name: string;
}

class TrimmedUuidParams {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsUUID()
  id: string;
}

class V4Params {
  @IsUUID('4')
  id: string;
}

/** What Nest's own pipe makes of the same path parameters (whitelisted, transformed). */
async function generic(dtoClass: Function, value: Record<string, unknown>): Promise<unknown> {
  return new ValidationPipe({ whitelist: true, transform: true }).transform(value, { type: 'param', metatype: dtoClass as never });
}

describe('path parameters of uuids only', () => {
  it('makes the instance the generic pipe makes: the DTO class, its declared properties only, in the order given', async () => {
    const value = { projectUuid: A, spaceUuid: B, userUuid: C };
    const fast = uuidParamsInstance(SpaceUserParamsDto, value);
    expect(fast).toBeInstanceOf(SpaceUserParamsDto);
    expect(fast).toEqual(await generic(SpaceUserParamsDto, value));
    expect(Object.keys(fast!)).toEqual(['projectUuid', 'spaceUuid', 'userUuid']);
    const withExtra = uuidParamsInstance(ChartParamsDto, { chartUuid: A, other: 'x', constructor: 'y' });
    expect(withExtra).toEqual(Object.assign(new ChartParamsDto(), { chartUuid: A }));
    expect(Object.keys(withExtra!)).toEqual(['chartUuid']);
  });

  it('leaves a missing or malformed uuid to the generic path (its error message)', () => {
    expect(uuidParamsInstance(ChartParamsDto, {})).toBeUndefined();
    expect(uuidParamsInstance(ChartParamsDto, { chartUuid: `${A}x` })).toBeUndefined();
    expect(uuidParamsInstance(ChartParamsDto, { chartUuid: `${A}\u0000` })).toBeUndefined();
    expect(uuidParamsInstance(ChartParamsDto, { chartUuid: ['a'] })).toBeUndefined();
    expect(uuidParamsInstance(SpaceUserParamsDto, { projectUuid: A, spaceUuid: B, userUuid: 'me' })).toBeUndefined();
    expect(uuidParamsInstance(ChartParamsDto, null)).toBeUndefined();
  });

  it('honours the version an @IsUUID() asks for', () => {
    expect(uuidParamsInstance(V4Params, { id: A })).toEqual(Object.assign(new V4Params(), { id: A }));
    expect(uuidParamsInstance(V4Params, { id: '3f1c2b7e-8d4a-1c1e-9b2f-0a1b2c3d4e5f' })).toBeUndefined();
  });

  it('does not apply to DTOs with anything but unconditional @IsUUID() checks, or with transforms', () => {
    expect(uuidParamsInstance(OptionalUuidParams, { id: A })).toBeUndefined();
    expect(uuidParamsInstance(NameParams, { name: 'x' })).toBeUndefined();
    expect(uuidParamsInstance(TrimmedUuidParams, { id: A })).toBeUndefined();
  });

  it('gives the same answers and the same 422 through the application pipe', async () => {
    const pipe = new AppValidationPipe();
    const metadata = { type: 'param', metatype: SpaceUserParamsDto } as const;
    const value = { projectUuid: A, spaceUuid: B, userUuid: C };
    expect(await pipe.transform({ ...value }, metadata)).toEqual(await generic(SpaceUserParamsDto, value));
    await expect(pipe.transform({ ...value, userUuid: 'me' }, metadata)).rejects.toMatchObject({
      statusCode: 422,
      data: { userUuid: { message: 'userUuid must be a UUID', value: 'me' } },
    });
  });
});
