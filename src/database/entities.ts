// Every TypeORM entity of the app, gathered from the domain modules (used by the app and by migration:generate).
export const entities: Function[] = [];
