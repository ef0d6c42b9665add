import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import {
  ColorPaletteDto,
  ColorPaletteParamsDto,
  ColorPaletteWithActiveDto,
  CreateColorPaletteDto,
  UpdateColorPaletteDto,
} from './dto/color-palette.dto.js';
import { ColorPalettesService } from './color-palettes.service.js';

@ApiTags('Organizations')
@Controller('org/color-palettes')
export class ColorPalettesController {
  constructor(private readonly palettes: ColorPalettesService) {}

  @Get()
  @RequirePermission('organization:view')
  @ApiOperation({ operationId: 'ListColorPalettes', summary: "The organization's colour palettes (six presets to start with), and which one is active" })
  @ApiOkResponse({ type: [ColorPaletteWithActiveDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ColorPaletteWithActiveDto[]> {
    return this.palettes.list(principal);
  }

  @Post()
  @HttpCode(201)
  @RequirePermission('organization:manage')
  @AuditAction('color-palette.create', 'color-palette')
  @ApiOperation({ operationId: 'CreateColorPalette', summary: 'Create a palette of exactly 20 colours' })
  @ApiCreatedResponse({ type: ColorPaletteDto })
  @ApiBadRequestResponse({ description: '`ParameterError` "Color palette must contain 20 colors"' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateColorPaletteDto): Promise<ColorPaletteDto> {
    return this.palettes.create(principal, body);
  }

  @Patch(':colorPaletteUuid')
  @RequirePermission('organization:manage')
  @AuditAction('color-palette.update', 'color-palette', 'colorPaletteUuid')
  @ApiOperation({ operationId: 'UpdateColorPalette', summary: 'Rename a palette or change its colours (still exactly 20)' })
  @ApiOkResponse({ type: ColorPaletteDto })
  @ApiBadRequestResponse({ description: '`ParameterError` "Color palette must contain 20 colors"' })
  update(@CurrentPrincipal() principal: Principal, @Param() params: ColorPaletteParamsDto, @Body() body: UpdateColorPaletteDto): Promise<ColorPaletteDto> {
    return this.palettes.update(principal, params.colorPaletteUuid, body);
  }

  @Delete(':colorPaletteUuid')
  @RequirePermission('organization:manage')
  @AuditAction('color-palette.delete', 'color-palette', 'colorPaletteUuid')
  @ApiOperation({ operationId: 'DeleteColorPalette', summary: 'Delete a palette (not the active one)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  @ApiBadRequestResponse({ description: '`ParameterError` "Cannot delete palette currently in use by organizations"' })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: ColorPaletteParamsDto): Promise<void> {
    return this.palettes.delete(principal, params.colorPaletteUuid);
  }

  @Post(':colorPaletteUuid/active')
  @HttpCode(200)
  @RequirePermission('organization:manage')
  @AuditAction('color-palette.activate', 'color-palette', 'colorPaletteUuid')
  @ApiOperation({ operationId: 'SetActiveColorPalette', summary: "Make a palette the organization's chart colours (GET /org shows it)" })
  @ApiOkResponse({ type: ColorPaletteDto })
  setActive(@CurrentPrincipal() principal: Principal, @Param() params: ColorPaletteParamsDto): Promise<ColorPaletteDto> {
    return this.palettes.setActive(principal, params.colorPaletteUuid);
  }
}
