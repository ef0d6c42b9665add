import { SelfOnly } from '../authorization/route-access.decorator.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { UpsertUserWarehouseCredentialsDto } from './dto/upsert-user-warehouse-credentials.dto.js';
import { UserWarehouseCredentialsDto } from './dto/user-warehouse-credentials.dto.js';
import { WarehouseCredentialsUuidParams } from './dto/warehouse-credentials-uuid.params.js';
import { WarehouseCredentialsService } from './warehouse-credentials.service.js';

@ApiTags('My Account')
@SelfOnly()
@Controller('user/warehouseCredentials')
export class WarehouseCredentialsController {
  constructor(private readonly warehouseCredentials: WarehouseCredentialsService) {}

  @Get()
  @ApiOperation({ operationId: 'GetUserWarehouseCredentials', summary: 'List your own warehouse credentials (without secrets)' })
  @ApiOkResponse({ type: UserWarehouseCredentialsDto, isArray: true })
  list(@CurrentPrincipal() principal: Principal): Promise<UserWarehouseCredentialsDto[]> {
    return this.warehouseCredentials.list(principal);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ operationId: 'CreateUserWarehouseCredentials', summary: 'Save warehouse credentials for yourself (encrypted at rest)' })
  @ApiBody({ type: UpsertUserWarehouseCredentialsDto })
  @ApiOkResponse({ type: UserWarehouseCredentialsDto })
  create(@CurrentPrincipal() principal: Principal, @Body() body: UpsertUserWarehouseCredentialsDto): Promise<UserWarehouseCredentialsDto> {
    return this.warehouseCredentials.create(principal, body);
  }

  @Patch(':uuid')
  @ApiOperation({ operationId: 'UpdateUserWarehouseCredentials', summary: 'Replace the name and credentials of one of your warehouse credentials' })
  @ApiBody({ type: UpsertUserWarehouseCredentialsDto })
  @ApiOkResponse({ type: UserWarehouseCredentialsDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: WarehouseCredentialsUuidParams,
    @Body() body: UpsertUserWarehouseCredentialsDto,
  ): Promise<UserWarehouseCredentialsDto> {
    return this.warehouseCredentials.update(principal, params.uuid, body);
  }

  @Delete(':uuid')
  @ApiOperation({ operationId: 'DeleteUserWarehouseCredentials', summary: 'Delete one of your warehouse credentials' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: WarehouseCredentialsUuidParams): Promise<void> {
    return this.warehouseCredentials.delete(principal, params.uuid);
  }
}
