import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { requestContextOf } from '../auth/request-context.js';
import { catchError, from, type Observable, switchMap, throwError } from 'rxjs';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/errors.js';
import { holdsNul } from '../common/storable-text.js';
import { AuditService } from './audit.service.js';

export const AUDIT_ACTION = 'auditAction';

export interface AuditActionMetadata {
  action: string;
  targetType: string;
  /** route parameter naming the target, when there is one */
  targetParam?: string;
}

/** Names the audited change a route makes; its refusals (403, 400, 404, 409, 422…) are recorded too. */
export const AuditAction = (action: string, targetType: string, targetParam?: string) =>
  SetMetadata(AUDIT_ACTION, { action, targetType, targetParam } satisfies AuditActionMetadata);

/** Records a refused attempt at an audited change (the change itself rolled back, so on its own). */
@Injectable()
export class AuditRefusals {
  constructor(
    private readonly audit: AuditService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async record(metadata: AuditActionMetadata, request: FastifyRequest, error: AppError): Promise<void> {
    const params = request.params as Record<string, string> | undefined;
    const target = metadata.targetParam ? params?.[metadata.targetParam] : undefined;
    await this.audit.record(
      this.dataSource.manager,
      {
        action: metadata.action,
        targetType: metadata.targetType,
        // the refused request's own parameter, as sent: not stored when PostgreSQL's text cannot hold it
        targetUuid: target === undefined || holdsNul(target) ? null : target,
        details: { reason: error.message },
      },
      error.statusCode === 403 ? 'denied' : 'failed',
      error.statusCode,
      requestContextOf(request),
    );
  }
}

@Injectable()
export class AuditRefusalsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly refusals: AuditRefusals,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = this.reflector.get<AuditActionMetadata | undefined>(AUDIT_ACTION, context.getHandler());
    if (!metadata) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return next.handle().pipe(
      catchError((error: unknown) =>
        error instanceof AppError && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 401
          ? from(this.refusals.record(metadata, request, error)).pipe(switchMap(() => throwError(() => error)))
          : throwError(() => error),
      ),
    );
  }
}
