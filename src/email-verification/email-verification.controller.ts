import { SelfOnly } from '../authorization/route-access.decorator.js';
import { requestContextOf } from '../auth/request-context.js';
import { Controller, Get, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RateLimited } from '../auth/rate-limit.js';
import { SessionOnly } from '../auth/session-only.decorator.js';
import { EmailStatusDto, EmailStatusQueryDto } from './dto/email-status.dto.js';
import { EmailVerificationService } from './email-verification.service.js';

@ApiTags('My Account')
@SelfOnly()
@Controller('user/me/email')
export class EmailVerificationController {
  constructor(private readonly emailVerification: EmailVerificationService) {}

  @Put('otp')
  @SessionOnly()
  @RateLimited('email-otp', (request) => requestContextOf(request).principal?.userUuid)
  @ApiOperation({
    operationId: 'CreateEmailOneTimePasscode',
    summary: 'Email a 6-digit passcode to your address (replaces any pending one)',
  })
  @ApiOkResponse({ type: EmailStatusDto })
  createPasscode(@CurrentPrincipal() principal: Principal): Promise<EmailStatusDto> {
    return this.emailVerification.sendPasscode(principal);
  }

  @Get('status')
  @SessionOnly()
  @RateLimited('email-status', (request) => requestContextOf(request).principal?.userUuid)
  @ApiOperation({
    operationId: 'GetEmailVerificationStatus',
    summary: 'Your email verification status; with `passcode`, verify your email (a wrong one counts an attempt, still 200)',
  })
  @ApiOkResponse({ type: EmailStatusDto })
  getStatus(@CurrentPrincipal() principal: Principal, @Query() query: EmailStatusQueryDto): Promise<EmailStatusDto> {
    return query.passcode === undefined
      ? this.emailVerification.status(principal)
      : this.emailVerification.checkPasscode(principal, query.passcode);
  }
}
