import { describe, expect, it } from '@jest/globals';
import { ORGANIZATION_ROLES } from '../../src/authorization/roles.js';
import { abilityRules } from '../../src/users/ability-rules.js';

const ORG = '6ad2b5a4-0d7c-4c39-9a5c-6a2cf5d1b7a8';
const USER = '3675b69e-8324-4110-bdca-059031aa8da3';
const key = (rule: { action: string; subject: string; conditions?: unknown }) => JSON.stringify(rule);

describe('abilityRules (GET /user)', () => {
  it('has none before the user joins an organization', () => {
    expect(abilityRules(null, null, USER)).toEqual([]);
    expect(abilityRules('admin', null, USER)).toEqual([]);
  });

  it('gives each role every rule of the roles below it, and more', () => {
    for (let i = 1; i < ORGANIZATION_ROLES.length; i++) {
      const lower = abilityRules(ORGANIZATION_ROLES[i - 1], ORG, USER).map(key);
      const higher = abilityRules(ORGANIZATION_ROLES[i], ORG, USER).map(key);
      expect(higher.length).toBeGreaterThan(lower.length);
      expect(lower.filter((rule) => !higher.includes(rule))).toEqual([]);
    }
  });

  it('keys organization rules by organizationUuid and personal ones by the user', () => {
    const rules = abilityRules('viewer', ORG, USER);
    expect(rules).toContainEqual({ action: 'view', subject: 'Project', conditions: { organizationUuid: ORG } });
    expect(rules).toContainEqual({ action: 'view', subject: 'Space', conditions: { organizationUuid: ORG, access: { $elemMatch: { userUuid: USER } } } });
    expect(rules).toContainEqual({ action: 'view', subject: 'JobStatus', conditions: { createdByUserUuid: USER } });
    expect(rules.some((rule) => rule.action === 'manage' && rule.subject === 'Organization')).toBe(false);
    expect(abilityRules('admin', ORG, USER)).toContainEqual({ action: 'manage', subject: 'Organization', conditions: { organizationUuid: ORG } });
  });
});
