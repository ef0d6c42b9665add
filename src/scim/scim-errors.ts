import { AppError } from '../common/errors.js';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12 detail error keywords. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue';

/** An error of the SCIM protocol itself, with the `scimType` the SCIM error body carries. */
export class ScimError extends AppError {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly scimType?: ScimType,
  ) {
    super('ScimError', message);
  }
}

export const invalidFilter = (message: string) => new ScimError(400, message, 'invalidFilter');
export const invalidValue = (message: string) => new ScimError(400, message, 'invalidValue');
export const invalidSyntax = (message: string) => new ScimError(400, message, 'invalidSyntax');
