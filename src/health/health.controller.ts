import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { requestContextOf } from '../auth/request-context.js';
import { HealthStateDto } from './dto/health-state.dto.js';
import { HealthService } from './health.service.js';

@ApiTags('Server')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get('health')
  @ApiOperation({ summary: 'Server health and public settings', operationId: 'getHealth' })
  @ApiOkResponse({ type: HealthStateDto })
  getHealth(@Req() request: FastifyRequest): Promise<HealthStateDto> {
    return this.health.state(requestContextOf(request).principal !== undefined);
  }

  @Public()
  @Get('livez')
  @ApiOperation({ summary: 'Liveness: the process is up (no database check)', operationId: 'getLivez' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  livez(): void {}
}
