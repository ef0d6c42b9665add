import type { EntityManager } from 'typeorm';
import type { ColorPaletteDto, ColorPaletteWithActiveDto } from './dto/color-palette.dto.js';

// The SQL of colour palettes (table organization_color_palettes, and organizations.color_palette_uuid).

const PALETTE_COLUMNS = `
  cp.color_palette_uuid AS "colorPaletteUuid", o.organization_uuid AS "organizationUuid", cp.name,
  cp.colors, cp.dark_colors AS "darkColors", cp.created_at AS "createdAt"`;
const PALETTE_FROM = `FROM organization_color_palettes cp JOIN organizations o ON o.organization_id = cp.organization_id`;

export interface PaletteChanges {
  name?: string;
  colors?: string[];
  /** undefined: unchanged; null: cleared */
  darkColors?: string[] | null;
}

/** The six preset palettes, inserted for a new organization inside the transaction that creates it (see the ColorPalettes migration). */
export async function seedPresetPalettes(manager: EntityManager, organizationId: string): Promise<void> {
  await manager.query('SELECT seed_color_palettes($1)', [organizationId]);
}

export async function listPalettes(manager: EntityManager, organizationId: string): Promise<ColorPaletteWithActiveDto[]> {
  return manager.query(
    `SELECT ${PALETTE_COLUMNS}, cp.color_palette_uuid IS NOT DISTINCT FROM o.color_palette_uuid AS "isActive"
     ${PALETTE_FROM} WHERE cp.organization_id = $1 ORDER BY cp.created_at, cp.color_palette_id`,
    [organizationId],
  );
}

export async function insertPalette(manager: EntityManager, organizationId: string, palette: Required<PaletteChanges>): Promise<ColorPaletteDto> {
  const [{ colorPaletteUuid }] = await manager.query(
    `INSERT INTO organization_color_palettes (organization_id, name, colors, dark_colors) VALUES ($1, $2, $3, $4)
     RETURNING color_palette_uuid AS "colorPaletteUuid"`,
    [organizationId, palette.name, palette.colors, palette.darkColors],
  );
  return (await findPalette(manager, organizationId, colorPaletteUuid))!;
}

/** The palette of this organization, or undefined (another organization's palette is not found). */
export async function findPalette(manager: EntityManager, organizationId: string, colorPaletteUuid: string, lock = false): Promise<ColorPaletteDto | undefined> {
  const [row] = await manager.query(
    `SELECT ${PALETTE_COLUMNS} ${PALETTE_FROM} WHERE cp.organization_id = $1 AND cp.color_palette_uuid = $2${lock ? ' FOR UPDATE OF cp' : ''}`,
    [organizationId, colorPaletteUuid],
  );
  return row;
}

export async function updatePalette(manager: EntityManager, organizationId: string, colorPaletteUuid: string, changes: PaletteChanges): Promise<void> {
  await manager.query(
    `UPDATE organization_color_palettes
     SET name = coalesce($3, name), colors = coalesce($4, colors), dark_colors = CASE WHEN $5 THEN $6 ELSE dark_colors END
     WHERE organization_id = $1 AND color_palette_uuid = $2`,
    [organizationId, colorPaletteUuid, changes.name ?? null, changes.colors ?? null, changes.darkColors !== undefined, changes.darkColors ?? null],
  );
}

export async function deletePalette(manager: EntityManager, organizationId: string, colorPaletteUuid: string): Promise<void> {
  await manager.query('DELETE FROM organization_color_palettes WHERE organization_id = $1 AND color_palette_uuid = $2', [organizationId, colorPaletteUuid]);
}

/** Locks the organization row (palette changes are serialized per organization) and reads its active palette. */
export async function lockActivePalette(manager: EntityManager, organizationId: string): Promise<string | null> {
  const [row] = await manager.query('SELECT color_palette_uuid AS "colorPaletteUuid" FROM organizations WHERE organization_id = $1 FOR UPDATE', [
    organizationId,
  ]);
  return row?.colorPaletteUuid ?? null;
}

export async function setActivePalette(manager: EntityManager, organizationId: string, colorPaletteUuid: string): Promise<void> {
  await manager.query('UPDATE organizations SET color_palette_uuid = $2, updated_at = now() WHERE organization_id = $1', [organizationId, colorPaletteUuid]);
}
