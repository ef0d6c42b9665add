import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsUUID, ValidateBy } from 'class-validator';
import { isPlainObject } from '../../common/plain-object.js';
import { ProjectParamsDto } from '../../projects/dto/project.dto.js';

/** Longest `unicode` icon, in UTF-16 code units: room for the longest emoji ZWJ sequences. */
export const MAX_ICON_UNICODE_LENGTH = 32;
/** Longest `url` icon. */
export const MAX_ICON_URL_LENGTH = 2048;

/** Whitespace and control characters (NUL and half surrogate pairs never get past the JSON parser). */
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

export type CatalogItemIcon = { unicode: string } | { url: string };

function unicodeProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'icon.unicode must be a string';
  if (value.length === 0) return 'icon.unicode must not be empty';
  if (value.length > MAX_ICON_UNICODE_LENGTH) return `icon.unicode must be at most ${MAX_ICON_UNICODE_LENGTH} characters`;
  if (WHITESPACE_OR_CONTROL.test(value)) return 'icon.unicode must be an emoji, without whitespace or control characters';
  return undefined;
}

function urlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'icon.url must be a string';
  if (value.length > MAX_ICON_URL_LENGTH) return `icon.url must be at most ${MAX_ICON_URL_LENGTH} characters`;
  const message = 'icon.url must be an http or https URL';
  if (WHITESPACE_OR_CONTROL.test(value)) return message;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return message;
  } catch {
    return message;
  }
  return undefined;
}

/** Why a value is not a catalog icon (`null`, `{unicode}` or `{url}`, exactly one key), or undefined when it is one. */
export function catalogIconProblem(value: unknown): string | undefined {
  if (value === undefined) return "'icon' is required";
  if (value === null) return undefined;
  if (!isPlainObject(value)) return 'icon must be null, {unicode} or {url}';
  const keys = Object.keys(value);
  if (keys.length !== 1) return 'icon must have exactly one of unicode or url';
  return keys[0] === 'unicode' ? unicodeProblem(value.unicode) : urlProblem(value.url);
}

/** The icon with only its known keys: others are dropped, like unknown properties of every body. */
const IconKeys = () =>
  Transform(({ value }: { value: unknown }) =>
    isPlainObject(value) ? Object.fromEntries(Object.entries(value).filter(([key]) => key === 'unicode' || key === 'url')) : value,
  );

/** `null`, `{unicode}` or `{url}`; the key itself is required. */
function IsCatalogItemIcon() {
  return ValidateBy({
    name: 'isCatalogItemIcon',
    validator: {
      validate: (value: unknown) => catalogIconProblem(value) === undefined,
      defaultMessage: (args) => catalogIconProblem(args?.value) ?? 'icon is invalid',
    },
  });
}

export class CatalogItemParamsDto extends ProjectParamsDto {
  @ApiProperty({ format: 'uuid', description: 'The catalogSearchUuid of a table or field of the catalog' })
  @IsUUID()
  catalogSearchUuid: string;
}

export class CatalogCategoryParamsDto extends CatalogItemParamsDto {
  @ApiProperty({ format: 'uuid', description: 'A tag of the project' })
  @IsUUID()
  tagUuid: string;
}

export class AddCatalogCategoryDto {
  @ApiProperty({ format: 'uuid', description: 'A tag of the same project (400 ParameterError otherwise)' })
  @IsUUID()
  tagUuid: string;
}

export class EmojiIconDto {
  @ApiProperty({ example: '📈', minLength: 1, maxLength: MAX_ICON_UNICODE_LENGTH, description: 'An emoji (no whitespace or control characters)' })
  unicode: string;
}

export class CustomIconDto {
  @ApiProperty({ example: 'https://cdn.example.com/icons/revenue.svg', maxLength: MAX_ICON_URL_LENGTH, description: 'An http or https URL' })
  url: string;
}

@ApiExtraModels(EmojiIconDto, CustomIconDto)
export class UpdateCatalogItemIconDto {
  @ApiProperty({
    description: 'Exactly one of `{unicode}` or `{url}`, or `null` to clear the icon. The key is required.',
    oneOf: [{ $ref: getSchemaPath(EmojiIconDto) }, { $ref: getSchemaPath(CustomIconDto) }],
    nullable: true,
    example: { unicode: '📈' },
  })
  @IconKeys()
  @IsCatalogItemIcon()
  icon: CatalogItemIcon | null;
}
