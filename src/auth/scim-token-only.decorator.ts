import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

export const SCIM_TOKEN_ONLY = 'scimTokenOnly';

/**
 * The route authenticates with an organization's SCIM token (`Authorization: Bearer scim_…`) and
 * nothing else: sessions and personal access tokens get 401 there, as SCIM tokens do everywhere else.
 */
export const ScimTokenOnly = () => applyDecorators(SetMetadata(SCIM_TOKEN_ONLY, true), ApiSecurity('scim_token'));
