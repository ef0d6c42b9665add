import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthorizationError } from '../common/errors.js';
import { IS_PUBLIC } from './public.decorator.js';

/** Deny by default: every route needs an authenticated principal unless it is marked @Public(). */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<{ user?: unknown }>();
    if (!request.user) throw new AuthorizationError('Failed to authorize user');
    return true;
  }
}
