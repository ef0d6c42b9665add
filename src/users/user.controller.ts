import { SelfOnly } from '../authorization/route-access.decorator.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { Public } from '../auth/public.decorator.js';
import { emailFromBody, RateLimited } from '../auth/rate-limit.js';
import { SessionOnly } from '../auth/session-only.decorator.js';
import { LightdashUserDto, RegisteredUserDto, SessionUserDto } from './dto/lightdash-user.dto.js';
import { RegisterUserDto } from './dto/register-user.dto.js';
import { UpdateMeDto } from './dto/update-me.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('My Account')
@SelfOnly()
@Controller('user')
export class UserController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ operationId: 'GetAuthenticatedUser', summary: 'Get the authenticated user' })
  @ApiOkResponse({ type: SessionUserDto })
  getAuthenticatedUser(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): SessionUserDto {
    return this.users.me(principal, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
  }

  @Public()
  @Post()
  @HttpCode(200)
  @RateLimited('register', emailFromBody)
  @ApiOperation({ operationId: 'RegisterUser', summary: 'Register a user and log them in (sets the session cookie)' })
  @ApiOkResponse({ type: RegisteredUserDto })
  register(@Body() body: RegisterUserDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<RegisteredUserDto> {
    return this.users.register(body, reply);
  }

  @Patch('me')
  @ApiOperation({ operationId: 'UpdateMe', summary: 'Update your own name and preferences' })
  @ApiOkResponse({ type: LightdashUserDto })
  updateMe(@CurrentPrincipal() principal: Principal, @Body() body: UpdateMeDto): Promise<LightdashUserDto> {
    return this.users.updateMe(principal, body);
  }

  @Delete('me')
  @SessionOnly()
  @ApiOperation({ operationId: 'DeleteMe', summary: 'Delete your own user and end the session' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  deleteMe(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.users.deleteMe(principal, reply);
  }
}
