import { PersonalAccessToken } from './personal-access-token.entity.js';

// The TypeORM entities of this module (gathered in src/database/entities.ts).
export const personalAccessTokenEntities: Function[] = [PersonalAccessToken];
