import { ORGANIZATION_ROLES, type OrganizationRole } from '../authorization/roles.js';

/**
 * The CASL rules Lightdash's frontend reads from `GET /user` (`abilityRules`). They describe what the
 * organization role allows, in Lightdash's subjects and actions, as Lightdash builds them (each role
 * adds to the one below; org-role rules are keyed by organizationUuid, per-user ones by userUuid).
 * They are informative for clients: this server decides every request with its own permission
 * table (src/authorization/permissions.ts), never with these rules.
 */
export interface AbilityRule {
  action: 'view' | 'create' | 'update' | 'delete' | 'manage';
  subject: string;
  conditions?: Record<string, unknown>;
}

type RuleBuilder = (organizationUuid: string, userUuid: string) => AbilityRule[];

const inOrganization = (organizationUuid: string) => ({ organizationUuid });
const publicOrShared = (organizationUuid: string, userUuid: string, action: AbilityRule['action'], subjects: string[]): AbilityRule[] =>
  subjects.flatMap((subject) => [
    { action, subject, conditions: { organizationUuid, inheritsFromOrgOrProject: true } },
    { action, subject, conditions: { organizationUuid, access: { $elemMatch: { userUuid } } } },
  ]);

/** What each role adds to the role below it. */
const ADDED_BY_ROLE: Record<OrganizationRole, RuleBuilder> = {
  member: (organizationUuid, userUuid) => [
    { action: 'view', subject: 'OrganizationMemberProfile', conditions: inOrganization(organizationUuid) },
    { action: 'view', subject: 'JobStatus', conditions: { createdByUserUuid: userUuid } },
    { action: 'view', subject: 'PinnedItems', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'PersonalAccessToken', conditions: { userUuid } },
  ],
  viewer: (organizationUuid, userUuid) => [
    { action: 'view', subject: 'Organization', conditions: inOrganization(organizationUuid) },
    { action: 'view', subject: 'Project', conditions: inOrganization(organizationUuid) },
    ...publicOrShared(organizationUuid, userUuid, 'view', ['Space', 'SavedChart', 'Dashboard']),
    { action: 'manage', subject: 'ExportCsv', conditions: inOrganization(organizationUuid) },
    { action: 'view', subject: 'Tags', conditions: inOrganization(organizationUuid) },
    { action: 'view', subject: 'MetricsTree', conditions: inOrganization(organizationUuid) },
    { action: 'view', subject: 'SpotlightTableConfig', conditions: inOrganization(organizationUuid) },
  ],
  interactive_viewer: (organizationUuid, userUuid) => [
    { action: 'manage', subject: 'Explore', conditions: inOrganization(organizationUuid) },
    { action: 'view', subject: 'UnderlyingData', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'ChangeCsvResults', conditions: inOrganization(organizationUuid) },
    { action: 'create', subject: 'ScheduledDeliveries', conditions: inOrganization(organizationUuid) },
    { action: 'create', subject: 'Job' },
    ...publicOrShared(organizationUuid, userUuid, 'manage', ['SavedChart', 'Dashboard']).filter((rule) => 'access' in (rule.conditions ?? {})),
  ],
  editor: (organizationUuid, userUuid) => [
    { action: 'create', subject: 'Space', conditions: inOrganization(organizationUuid) },
    ...publicOrShared(organizationUuid, userUuid, 'manage', ['Space', 'SavedChart', 'Dashboard']),
    { action: 'manage', subject: 'Tags', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'MetricsTree', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'PinnedItems', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'Job' },
  ],
  developer: (organizationUuid) => [
    { action: 'update', subject: 'Project', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'SqlRunner', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'CustomSql', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'Validation', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'CompileProject', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'SpotlightTableConfig', conditions: inOrganization(organizationUuid) },
  ],
  admin: (organizationUuid) => [
    { action: 'manage', subject: 'Project', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'Organization', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'InviteLink', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'OrganizationMemberProfile', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'Group', conditions: inOrganization(organizationUuid) },
    { action: 'view', subject: 'Analytics', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'Space', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'SavedChart', conditions: inOrganization(organizationUuid) },
    { action: 'manage', subject: 'Dashboard', conditions: inOrganization(organizationUuid) },
  ],
};

/** The rules of an organization role, the lower roles' included; none before the user joins an organization. */
export function abilityRules(role: OrganizationRole | null, organizationUuid: string | null, userUuid: string): AbilityRule[] {
  if (!role || !organizationUuid) return [];
  const upTo = ORGANIZATION_ROLES.slice(0, ORGANIZATION_ROLES.indexOf(role) + 1);
  return upTo.flatMap((tier) => ADDED_BY_ROLE[tier](organizationUuid, userUuid));
}

/**
 * Lightdash's registration answer (`POST /user`) carries the session user's CASL `Ability` object as
 * JSON.stringify leaves it: the instance fields of @casl/ability 6's minified build, functions dropped.
 * `M` holds the rules (the same as `abilityRules`); the rest are CASL's defaults for an ability built
 * without options, as Lightdash builds it: `h` no per-field rules, `l` the rule index (a Map, so `{}`),
 * `p` the rule options (functions only, so `{}`), `$` the any-action ("manage"), `A` the any-subject
 * ("all"), `m` no custom subject-type detection. It carries nothing but the user's own rules.
 */
export interface SerializedAbility {
  h: false;
  l: Record<string, never>;
  p: Record<string, never>;
  $: 'manage';
  A: 'all';
  M: AbilityRule[];
  m: false;
}

export function serializedAbility(rules: AbilityRule[]): SerializedAbility {
  return { h: false, l: {}, p: {}, $: 'manage', A: 'all', M: rules, m: false };
}
