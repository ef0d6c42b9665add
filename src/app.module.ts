import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AuthModule } from './auth/auth.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { AuditRefusalsInterceptor } from './audit/audit-action.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthorizationModule } from './authorization/authorization.module.js';
import { ChartsModule } from './charts/charts.module.js';
import { ContentModule } from './content/content.module.js';
import { ContentAsCodeModule } from './content-as-code/content-as-code.module.js';
import { ContentViewsModule } from './content-views/content-views.module.js';
import { ColorPalettesModule } from './color-palettes/color-palettes.module.js';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter.js';
import { redactRequestForLog } from './common/redact-url.js';
import { RequestContextInterceptor } from './auth/request-context.js';
import { SuccessEnvelopeInterceptor } from './common/success-envelope.interceptor.js';
import { AppValidationPipe } from './common/validation.pipe.js';
import type { ResolvedConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DashboardsModule } from './dashboards/dashboards.module.js';
import { DemoModule } from './demo/demo.module.js';
import { appConnectionLimits, dataSourceOptions } from './database/data-source-options.js';
import { entities } from './entities.js';
import { EmailModule } from './email/email.module.js';
import { EmailDomainsModule } from './email-domains/email-domains.module.js';
import { EmailVerificationModule } from './email-verification/email-verification.module.js';
import { ExploresModule } from './explores/explores.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { HealthModule } from './health/health.module.js';
import { PersonalAccessTokensModule } from './personal-access-tokens/personal-access-tokens.module.js';
import { OidcModule } from './oidc/oidc.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { QueriesModule } from './queries/queries.module.js';
import { RequestPipelineGuard } from './request-pipeline/request-pipeline.guard.js';
import { ResponseCacheModule } from './response-cache/response-cache.module.js';
import { RolesModule } from './roles/roles.module.js';
import { ScimModule } from './scim/scim.module.js';
import { SpacesModule } from './spaces/spaces.module.js';
import { TagsModule } from './tags/tags.module.js';
import { UsersModule } from './users/users.module.js';
import { ValidationModule } from './validation/validation.module.js';
import { WarehouseCredentialsModule } from './warehouse-credentials/warehouse-credentials.module.js';

@Module({})
export class AppModule {
  static forRoot(config: ResolvedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
            // the per-request child logger carries only the request id; serializing (and redacting) the
            // whole request for every request cost more than a database round trip
            quietReqLogger: true,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            // query strings (passcodes) and invite codes never reach the log
            serializers: { req: redactRequestForLog },
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          },
          // platform-fastify 12 matches no request with nestjs-pino's default '{/*splat}' route
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl, appConnectionLimits(config), entities), logging: false }),
        AuthModule,
        AuthorizationModule,
        ResponseCacheModule,
        AuditModule,
        HealthModule,
        UsersModule,
        OidcModule,
        OrganizationsModule,
        ColorPalettesModule,
        ProjectsModule,
        SpacesModule,
        ChartsModule,
        ContentModule,
        ContentViewsModule,
        DashboardsModule,
        ContentAsCodeModule,
        TagsModule,
        ExploresModule,
        CatalogModule,
        GroupsModule,
        EmailDomainsModule,
        PersonalAccessTokensModule,
        WarehouseCredentialsModule,
        QueriesModule,
        DemoModule,
        ValidationModule,
        EmailModule,
        EmailVerificationModule,
        ScimModule,
        RolesModule,
      ],
      providers: [
        // guards and interceptors run in the order listed
        // authentication, then authorization (see docs/development.md#the-request-pipeline)
        { provide: APP_GUARD, useClass: RequestPipelineGuard },
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
        { provide: APP_INTERCEPTOR, useClass: SuccessEnvelopeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: AuditRefusalsInterceptor },
      ],
    };
  }
}
