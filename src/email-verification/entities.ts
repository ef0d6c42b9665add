// The TypeORM entities of this module (gathered in src/database/entities.ts).
import { EmailOneTimePasscode } from './email-one-time-passcode.entity.js';

export const emailVerificationEntities: Function[] = [EmailOneTimePasscode];
