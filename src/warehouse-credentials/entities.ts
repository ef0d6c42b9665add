import { UserWarehouseCredentials } from './user-warehouse-credentials.entity.js';

// The TypeORM entities of this module (gathered in src/database/entities.ts).
export const warehouseCredentialsEntities: Function[] = [UserWarehouseCredentials];
