// Every TypeORM entity of the app, gathered from the domain modules: given to the data source by the app and by migration:generate (the database module knows no domain).
import { emailVerificationEntities } from './email-verification/entities.js';
import { groupEntities } from './groups/entities.js';
import { organizationEntities } from './organizations/entities.js';
import { personalAccessTokenEntities } from './personal-access-tokens/entities.js';
import { User } from './users/user.entity.js';
import { warehouseCredentialsEntities } from './warehouse-credentials/entities.js';

export const entities: Function[] = [User, ...personalAccessTokenEntities, ...warehouseCredentialsEntities, ...emailVerificationEntities, ...organizationEntities, ...groupEntities];
