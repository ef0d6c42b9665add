import { SelfOnly } from '../authorization/route-access.decorator.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { SessionOnly } from '../auth/session-only.decorator.js';
import { CreatePersonalAccessTokenDto } from './dto/create-personal-access-token.dto.js';
import { PersonalAccessTokenDto, PersonalAccessTokenWithTokenDto } from './dto/personal-access-token.dto.js';
import { PersonalAccessTokenParamsDto } from './dto/personal-access-token-params.dto.js';
import { RotatePersonalAccessTokenDto } from './dto/rotate-personal-access-token.dto.js';
import { PersonalAccessTokensService } from './personal-access-tokens.service.js';

// Lightdash's operation ids for these routes are these literal phrases, spaces included.
@ApiTags('My Account')
@SelfOnly()
@Controller('user/me/personal-access-tokens')
export class PersonalAccessTokensController {
  constructor(private readonly tokens: PersonalAccessTokensService) {}

  @Get()
  @ApiOperation({ operationId: 'Get personal access tokens', summary: 'List your personal access tokens (never their values)' })
  @ApiOkResponse({ type: PersonalAccessTokenDto, isArray: true })
  list(@CurrentPrincipal() principal: Principal): Promise<PersonalAccessTokenDto[]> {
    return this.tokens.list(principal);
  }

  @Post()
  @HttpCode(200)
  @SessionOnly()
  @ApiOperation({ operationId: 'Create personal access token', summary: 'Create a personal access token; its value is shown only in this answer' })
  @ApiOkResponse({ type: PersonalAccessTokenWithTokenDto })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreatePersonalAccessTokenDto): Promise<PersonalAccessTokenWithTokenDto> {
    return this.tokens.create(principal, body);
  }

  @Delete(':personalAccessTokenUuid')
  @SessionOnly()
  @ApiOperation({ operationId: 'Delete personal access token', summary: 'Delete one of your personal access tokens' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: PersonalAccessTokenParamsDto): Promise<void> {
    return this.tokens.delete(principal, params.personalAccessTokenUuid);
  }

  @Patch(':personalAccessTokenUuid/rotate')
  @ApiOperation({
    operationId: 'Rotate personal access token',
    summary: 'Replace the value of an expiring token (at most once an hour); the old value stops working at once',
  })
  @ApiOkResponse({ type: PersonalAccessTokenWithTokenDto })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param() params: PersonalAccessTokenParamsDto,
    @Body() body: RotatePersonalAccessTokenDto,
  ): Promise<PersonalAccessTokenWithTokenDto> {
    return this.tokens.rotate(principal, params.personalAccessTokenUuid, body);
  }
}
