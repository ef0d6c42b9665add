import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'isPublic';
/** Marks the extension the Swagger setup turns into `security: []` (no authentication needed). */
export const PUBLIC_OPENAPI_EXTENSION = 'x-public';

/** Opts a route out of the global authentication requirement. Everything else needs a principal. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_OPENAPI_EXTENSION, true));
