import { Module } from '@nestjs/common';
import { AllowedEmailDomainsController } from './allowed-email-domains.controller.js';
import { EmailDomainsService } from './email-domains.service.js';
import { MyAllowedOrganizationsController } from './my-allowed-organizations.controller.js';

@Module({
  controllers: [AllowedEmailDomainsController, MyAllowedOrganizationsController],
  providers: [EmailDomainsService],
})
export class EmailDomainsModule {}
