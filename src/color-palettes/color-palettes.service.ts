import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import {
  deletePalette,
  findPalette,
  insertPalette,
  listPalettes,
  lockActivePalette,
  type PaletteChanges,
  setActivePalette,
  updatePalette,
} from './color-palettes.queries.js';
import {
  type ColorPaletteDto,
  type ColorPaletteWithActiveDto,
  type CreateColorPaletteDto,
  PALETTE_SIZE,
  type UpdateColorPaletteDto,
} from './dto/color-palette.dto.js';

function assertPaletteSize(colors: string[] | undefined): void {
  if (colors !== undefined && colors.length !== PALETTE_SIZE) throw new ParameterError(`Color palette must contain ${PALETTE_SIZE} colors`);
}

function paletteNotFound(colorPaletteUuid: string): NotFoundError {
  return new NotFoundError(`Color palette not found: ${colorPaletteUuid}`);
}

/**
 * The organization's colour palettes. Every change locks the organization row first, so "the active
 * palette cannot be deleted" holds against a concurrent activation (the foreign key from
 * organizations.color_palette_uuid backs it up).
 */
@Injectable()
export class ColorPalettesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(principal: Principal): Promise<ColorPaletteWithActiveDto[]> {
    return listPalettes(this.dataSource.manager, principal.organizationId!);
  }

  async create(principal: Principal, dto: CreateColorPaletteDto): Promise<ColorPaletteDto> {
    assertPaletteSize(dto.colors);
    return this.dataSource.transaction(async (manager) => {
      await lockActivePalette(manager, principal.organizationId!);
      const palette = await insertPalette(manager, principal.organizationId!, { name: dto.name, colors: dto.colors, darkColors: dto.darkColors ?? null });
      await this.record(manager, 'color-palette.create', palette.colorPaletteUuid, { name: palette.name });
      return palette;
    });
  }

  async update(principal: Principal, colorPaletteUuid: string, dto: UpdateColorPaletteDto): Promise<ColorPaletteDto> {
    assertPaletteSize(dto.colors);
    const changes: PaletteChanges = { name: dto.name, colors: dto.colors, darkColors: dto.darkColors };
    return this.dataSource.transaction(async (manager) => {
      await lockActivePalette(manager, principal.organizationId!);
      await this.lockPalette(manager, principal, colorPaletteUuid);
      await updatePalette(manager, principal.organizationId!, colorPaletteUuid, changes);
      await this.record(manager, 'color-palette.update', colorPaletteUuid, {
        fields: Object.keys(changes).filter((key) => changes[key as keyof PaletteChanges] !== undefined),
      });
      return (await findPalette(manager, principal.organizationId!, colorPaletteUuid))!;
    });
  }

  async delete(principal: Principal, colorPaletteUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const active = await lockActivePalette(manager, principal.organizationId!);
      const palette = await this.lockPalette(manager, principal, colorPaletteUuid);
      if (active === colorPaletteUuid) throw new ParameterError('Cannot delete palette currently in use by organizations');
      await deletePalette(manager, principal.organizationId!, colorPaletteUuid);
      await this.record(manager, 'color-palette.delete', colorPaletteUuid, { name: palette.name });
    });
  }

  async setActive(principal: Principal, colorPaletteUuid: string): Promise<ColorPaletteDto> {
    return this.dataSource.transaction(async (manager) => {
      const previous = await lockActivePalette(manager, principal.organizationId!);
      const palette = await this.lockPalette(manager, principal, colorPaletteUuid);
      await setActivePalette(manager, principal.organizationId!, colorPaletteUuid);
      await this.record(manager, 'color-palette.activate', colorPaletteUuid, { name: palette.name, previous });
      return palette;
    });
  }

  /** The palette of the caller's organization, locked; another organization's palette, or none, is not found. */
  private async lockPalette(manager: EntityManager, principal: Principal, colorPaletteUuid: string): Promise<ColorPaletteDto> {
    const palette = await findPalette(manager, principal.organizationId!, colorPaletteUuid, true);
    if (!palette) throw paletteNotFound(colorPaletteUuid);
    return palette;
  }

  private record(manager: EntityManager, action: string, colorPaletteUuid: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record(manager, { action, targetType: 'color-palette', targetUuid: colorPaletteUuid, details });
  }
}
