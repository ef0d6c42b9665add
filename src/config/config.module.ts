import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type ResolvedConfig } from './config.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ResolvedConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
