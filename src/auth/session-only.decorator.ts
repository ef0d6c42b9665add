import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

export const SESSION_ONLY = 'sessionOnly';

/** The route refuses personal access tokens (401): creating or deleting tokens, passcodes, deleting yourself. */
export const SessionOnly = () => applyDecorators(SetMetadata(SESSION_ONLY, true), ApiSecurity('session_cookie'));
