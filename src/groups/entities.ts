// The TypeORM entities of this module (gathered in src/database/entities.ts).
import { GroupMembership } from './group-membership.entity.js';
import { Group } from './group.entity.js';

export const groupEntities: Function[] = [Group, GroupMembership];
