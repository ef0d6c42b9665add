import { Module } from '@nestjs/common';
import { ViewCounter } from './view-counter.service.js';

@Module({ providers: [ViewCounter], exports: [ViewCounter] })
export class ContentViewsModule {}
