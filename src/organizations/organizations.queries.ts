import type { EntityManager } from 'typeorm';

// The SQL of organizations (table organizations, with the palette and projects an organization's
// answer reads). Each function is one statement; OrganizationsService holds the rules.

export interface OrganizationRow {
  organizationUuid: string;
  name: string;
  createdAt: Date;
  defaultProjectUuid: string | null;
  chartColors: string[] | null;
  chartDarkColors: string[] | null;
  colorPaletteUuid: string | null;
  needsProject: boolean;
}

/** The organization with its chart colours (the active palette's, else its own) and whether it has no project yet. */
export async function selectOrganization(manager: EntityManager, organizationId: string): Promise<OrganizationRow | undefined> {
  const [organization]: OrganizationRow[] = await manager.query(
    `SELECT o.organization_uuid AS "organizationUuid", o.name, o.created_at AS "createdAt", o.default_project_uuid AS "defaultProjectUuid",
            coalesce(cp.colors, o.chart_colors) AS "chartColors", cp.dark_colors AS "chartDarkColors", cp.color_palette_uuid AS "colorPaletteUuid",
            NOT EXISTS (SELECT 1 FROM projects p WHERE p.organization_id = o.organization_id) AS "needsProject"
     FROM organizations o LEFT JOIN organization_color_palettes cp ON cp.color_palette_uuid = o.color_palette_uuid
     WHERE o.organization_id = $1`,
    [organizationId],
  );
  return organization;
}

/** Locks the user row for the rest of the transaction. */
export async function lockUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE', [userId]);
}

export async function userHasMembership(manager: EntityManager, userId: string): Promise<boolean> {
  const memberships: unknown[] = await manager.query('SELECT 1 FROM organization_memberships WHERE user_id = $1', [userId]);
  return memberships.length > 0;
}

/** The user ids of the organization's members and invitees. */
export async function selectMemberUserIds(manager: EntityManager, organizationId: string): Promise<string[]> {
  const members: { userId: string }[] = await manager.query('SELECT user_id::text AS "userId" FROM organization_memberships WHERE organization_id = $1', [
    organizationId,
  ]);
  return members.map((member) => member.userId);
}

export async function deleteUsers(manager: EntityManager, userIds: string[]): Promise<void> {
  await manager.query('DELETE FROM users WHERE user_id = ANY($1::bigint[])', [userIds]);
}
