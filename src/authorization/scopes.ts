import type { OrganizationRole, ProjectRole } from './roles.js';

/**
 * Lightdash's scopes (`action:Subject[@modifier]`, lightdash-roles-v2.md §1.4): the vocabulary of
 * custom roles, and what every system role is made of. `organizationOnly` scopes are keyed by the
 * organization, so a project-level role may not hold them.
 */
export type ScopeGroup = 'content' | 'project_management' | 'organization_management' | 'data' | 'ai' | 'spotlight';

interface ScopeDefinition {
  group: ScopeGroup;
  organizationOnly?: boolean;
}

const content = (): ScopeDefinition => ({ group: 'content' });
const projectManagement = (): ScopeDefinition => ({ group: 'project_management' });
const organizationManagement = (): ScopeDefinition => ({ group: 'organization_management', organizationOnly: true });
const data = (): ScopeDefinition => ({ group: 'data' });
const ai = (organizationOnly = false): ScopeDefinition => ({ group: 'ai', ...(organizationOnly ? { organizationOnly } : {}) });
const spotlight = (): ScopeDefinition => ({ group: 'spotlight' });

export const SCOPES = {
  'view:Dashboard': content(),
  'manage:Dashboard': content(),
  'manage:Dashboard@space': content(),
  'manage:Dashboard@self': content(),
  'view:SavedChart': content(),
  'manage:SavedChart': content(),
  'manage:SavedChart@space': content(),
  'manage:SavedChart@self': content(),
  'view:Space': content(),
  'create:Space': content(),
  'manage:Space': content(),
  'manage:Space@public': content(),
  'manage:Space@assigned': content(),
  'manage:Space@self': content(),
  'view:DashboardComments': content(),
  'create:DashboardComments': content(),
  'manage:DashboardComments': content(),
  'view:Tags': content(),
  'manage:Tags': content(),
  'view:PinnedItems': content(),
  'manage:PinnedItems': content(),
  'manage:ProjectHomepage': content(),
  'manage:DeletedContent': content(),
  'view:ContentVerification': content(),
  'manage:ContentVerification': content(),
  'promote:SavedChart': content(),
  'promote:SavedChart@space': content(),
  'promote:Dashboard': content(),
  'promote:Dashboard@space': content(),
  'view:ContentAsCode': content(),
  'create:ContentAsCode': content(),
  'manage:ContentAsCode': content(),
  'manage:ContentAsCode@self': content(),

  'view:Project': projectManagement(),
  'create:Project@preview': projectManagement(),
  'update:Project': projectManagement(),
  'update:Project@self': projectManagement(),
  'delete:Project': projectManagement(),
  'delete:Project@self': projectManagement(),
  'manage:Project': projectManagement(),
  'manage:CompileProject': projectManagement(),
  'manage:DeployProject': projectManagement(),
  'manage:DeployProject@self': projectManagement(),
  'manage:Validation': projectManagement(),
  'manage:ScheduledDeliveries@self': projectManagement(),
  'create:ScheduledDeliveries': projectManagement(),
  'manage:ScheduledDeliveries': projectManagement(),
  'manage:GoogleSheets': projectManagement(),
  'view:Analytics': projectManagement(),
  'create:Job': projectManagement(),
  'view:Job': projectManagement(),
  'view:Job@self': projectManagement(),
  'manage:Job': projectManagement(),
  'view:JobStatus': projectManagement(),
  'view:JobStatus@self': projectManagement(),

  'view:Organization': organizationManagement(),
  'manage:Organization': organizationManagement(),
  'view:Roadmap': organizationManagement(),
  'manage:OrganizationColorPalette': organizationManagement(),
  'view:OrganizationMemberProfile': organizationManagement(),
  'manage:OrganizationMemberProfile': organizationManagement(),
  'manage:InviteLink': organizationManagement(),
  'manage:Group': organizationManagement(),
  'manage:GitIntegration': organizationManagement(),
  'view:OrganizationWarehouseCredentials': organizationManagement(),
  'manage:OrganizationWarehouseCredentials': organizationManagement(),
  'manage:PersonalAccessToken': organizationManagement(),
  'impersonate:User': organizationManagement(),

  'view:UnderlyingData': data(),
  'view:SemanticViewer': data(),
  'manage:SemanticViewer': data(),
  'manage:SemanticViewer@space': data(),
  'manage:Explore': data(),
  'manage:Explore@self': data(),
  'manage:SqlRunner': data(),
  'manage:CustomSql': data(),
  'view:CompiledSql': data(),
  'manage:CustomFields': data(),
  'manage:CustomSqlTableCalculations': data(),
  'create:VirtualView': data(),
  'delete:VirtualView': data(),
  'manage:VirtualView': data(),
  'manage:PreAggregation': data(),
  'manage:ExportCsv': data(),
  'manage:ChangeCsvResults': data(),
  'view:SourceCode': data(),
  'manage:SourceCode': data(),

  'view:AiAgent': ai(),
  'manage:AiAgent': ai(),
  'view:OrganizationAiAgent': ai(true),
  'manage:OrganizationAiAgent': ai(true),
  'view:AiAgentDocument': ai(),
  'manage:AiAgentDocument': ai(),
  'view:AiAgentThread': ai(),
  'view:AiAgentThread@self': ai(),
  'create:AiAgentThread': ai(),
  'manage:AiAgentThread': ai(),
  'manage:AiAgentThread@self': ai(),
  'create:AiDeepResearch': ai(),
  'view:ExternalConnection': ai(),
  'manage:ExternalConnection': ai(),
  'view:DataApp': ai(),
  'manage:DataApp': ai(),
  'manage:DataAppDependency': ai(),
  'manage:DataApp@space': ai(),
  'create:DataApp': ai(),
  'create:DataApp@preview': ai(),
  'manage:DataApp@preview': ai(),
  'view:DataApp@self': ai(),
  'manage:DataApp@self': ai(),
  'view:OrganizationDesign': ai(true),
  'manage:OrganizationDesign': ai(true),

  'view:SpotlightTableConfig': spotlight(),
  'manage:SpotlightTableConfig': spotlight(),
  'view:MetricsTree': spotlight(),
  'manage:MetricsTree': spotlight(),
} as const satisfies Record<string, ScopeDefinition>;

export type Scope = keyof typeof SCOPES;
export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(name: string): name is Scope {
  return Object.hasOwn(SCOPES, name);
}

export function isOrganizationOnlyScope(scope: Scope): boolean {
  return (SCOPES[scope] as ScopeDefinition).organizationOnly === true;
}

/** What each project system role adds to the one below it (lightdash-roles-v2.md §1.5). */
const ADDED_BY_PROJECT_ROLE: Record<ProjectRole, readonly Scope[]> = {
  viewer: [
    'view:Dashboard', 'view:JobStatus@self', 'view:SavedChart', 'view:Space', 'view:Project', 'view:PinnedItems', 'view:DashboardComments',
    'view:Tags', 'manage:ExportCsv', 'view:Organization', 'view:OrganizationMemberProfile', 'view:MetricsTree', 'view:SpotlightTableConfig',
    'view:AiAgentThread@self', 'view:OrganizationDesign',
  ],
  interactive_viewer: [
    'view:UnderlyingData', 'view:SemanticViewer', 'manage:Explore', 'manage:ChangeCsvResults', 'create:ScheduledDeliveries',
    'manage:ScheduledDeliveries@self', 'create:DashboardComments', 'manage:GoogleSheets', 'create:Job', 'view:Job', 'view:Job@self',
    'manage:Dashboard@space', 'manage:SavedChart@space', 'manage:SemanticViewer@space', 'manage:DataApp@space', 'manage:Space@assigned',
    'view:AiAgent', 'view:OrganizationAiAgent', 'view:AiAgentDocument', 'create:AiAgentThread', 'view:DataApp', 'view:DataApp@self',
    'manage:DataApp@self', 'view:ExternalConnection', 'view:ContentVerification',
  ],
  editor: [
    'create:Space', 'manage:Space@public', 'manage:Job', 'manage:PinnedItems', 'manage:DashboardComments', 'manage:Tags', 'manage:SemanticViewer',
    'view:OrganizationWarehouseCredentials', 'manage:MetricsTree', 'manage:AiAgentThread@self', 'view:ContentAsCode', 'create:ContentAsCode',
    'create:DataApp',
  ],
  developer: [
    'manage:PreAggregation', 'manage:VirtualView', 'create:VirtualView', 'delete:VirtualView', 'manage:CustomSql', 'manage:CustomFields',
    'view:CompiledSql', 'manage:CustomSqlTableCalculations', 'manage:SqlRunner', 'manage:Validation', 'manage:CompileProject',
    'manage:DeployProject', 'manage:DeployProject@self', 'create:Project@preview', 'delete:Project@self', 'update:Project', 'update:Project@self',
    'manage:Dashboard@self', 'manage:SavedChart@self', 'manage:Space@self', 'manage:Explore@self', 'create:DataApp@preview',
    'manage:DataApp@preview', 'view:JobStatus', 'view:SourceCode', 'manage:SourceCode', 'promote:Dashboard', 'promote:Dashboard@space',
    'promote:SavedChart', 'promote:SavedChart@space', 'manage:SpotlightTableConfig', 'manage:ContentAsCode', 'manage:ContentAsCode@self',
    'manage:AiAgent', 'manage:OrganizationAiAgent', 'manage:AiAgentDocument', 'manage:ContentVerification', 'create:AiDeepResearch',
  ],
  admin: [
    'manage:DataApp', 'manage:DataAppDependency', 'manage:ExternalConnection', 'manage:OrganizationDesign', 'delete:Project', 'view:Analytics',
    'manage:Dashboard', 'manage:Space', 'manage:Project', 'manage:SavedChart', 'manage:DeletedContent', 'manage:ProjectHomepage',
    'view:AiAgentThread', 'manage:AiAgentThread', 'manage:ScheduledDeliveries', 'manage:OrganizationMemberProfile', 'manage:Group',
    'manage:InviteLink', 'manage:GitIntegration', 'manage:OrganizationWarehouseCredentials', 'manage:Organization',
    'manage:OrganizationColorPalette', 'view:Roadmap', 'impersonate:User', 'manage:PersonalAccessToken',
  ],
};

function cumulative(): Record<ProjectRole, readonly Scope[]> {
  const result = {} as Record<ProjectRole, readonly Scope[]>;
  let below: Scope[] = [];
  for (const role of ['viewer', 'interactive_viewer', 'editor', 'developer', 'admin'] as const) {
    below = [...below, ...ADDED_BY_PROJECT_ROLE[role]];
    result[role] = below;
  }
  return result;
}

/** The project system roles as scope sets, in Lightdash's order (the v2 roles API shows these). */
export const PROJECT_ROLE_SCOPES: Record<ProjectRole, readonly Scope[]> = cumulative();

/** An organization `member` sees the organization and its members, nothing of any project. */
const MEMBER_SCOPES: readonly Scope[] = ['view:OrganizationMemberProfile', 'view:JobStatus', 'view:PinnedItems'];

/** The organization system roles as scope sets: member its own, the others as the project role of the same name. */
export function organizationRoleScopes(role: OrganizationRole): readonly Scope[] {
  return role === 'member' ? MEMBER_SCOPES : PROJECT_ROLE_SCOPES[role];
}

const PARSE = /^([a-z]+):([A-Za-z]+)(?:@([a-z]+))?$/;

/**
 * Whether holding `held` grants `wanted`: the same subject, an equal action or `manage` (which covers
 * every action), and an equal modifier or none on the held side (an unmodified scope covers every modifier).
 */
export function covers(held: string, wanted: string): boolean {
  if (held === wanted) return true;
  const h = PARSE.exec(held);
  const w = PARSE.exec(wanted);
  if (!h || !w || h[2] !== w[2]) return false;
  const actionCovered = h[1] === w[1] || h[1] === 'manage';
  const modifierCovered = h[3] === undefined || h[3] === w[3];
  return actionCovered && modifierCovered;
}

/** Whether any of `held` covers `wanted`. */
export function holds(held: Iterable<string>, wanted: string): boolean {
  for (const scope of held) if (covers(scope, wanted)) return true;
  return false;
}
