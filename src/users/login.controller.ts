import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LightdashUserDto } from './dto/lightdash-user.dto.js';
import { LoginOptionsDto, LoginOptionsQueryDto } from './dto/login-options.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { LoginService } from './login.service.js';
import { Public } from '../auth/public.decorator.js';
import { requestContextOf } from '../auth/request-context.js';
import { emailFromBody, RateLimited } from '../auth/rate-limit.js';

@ApiTags('My Account')
@Controller()
export class LoginController {
  constructor(private readonly login: LoginService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @RateLimited('login', emailFromBody, { failuresOnly: true })
  @ApiOperation({ operationId: 'Login', summary: 'Log in with email and password; sets the session cookie connect.sid' })
  @ApiOkResponse({ type: LightdashUserDto })
  @ApiUnauthorizedResponse({ description: 'Email and password not recognized' })
  logIn(@Body() body: LoginDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<LightdashUserDto> {
    return this.login.login(body.email, body.password, reply);
  }

  @Public()
  @Get('logout')
  @ApiOperation({ operationId: 'Logout', summary: 'End the current session (clears the cookie)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  logOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.login.logout(requestContextOf(request).principal, reply);
  }

  @Public()
  @Get('user/login-options')
  @ApiOperation({ operationId: 'getLoginOptions', summary: 'Which login methods to offer for an email' })
  @ApiOkResponse({ type: LoginOptionsDto })
  loginOptions(@Query() _query: LoginOptionsQueryDto): LoginOptionsDto {
    // the same answer for every email: it must not reveal which addresses have accounts
    return this.login.options();
  }
}
