/**
 * When, in which database snapshot and on which PostgreSQL server (its start time: a promoted
 * standby or a restored database is another one, whose transaction ids may repeat) a statement was
 * answered. The access check reports it; the response cache keys an answer's validity on it.
 */
export interface ReadAt {
  snapshot: string;
  checkedAt: string;
  serverStartedAt: string;
}
