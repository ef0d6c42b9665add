/**
 * The recursive step of a walk UP the space tree, from the rows of `chain` to their parents, as the
 * space `s`: one primary-key lookup per level. As a plain join the planner cannot size the work
 * table and hashes a scan of every space of every project at each level (1 ms at 1,000 spaces);
 * the LIMIT keeps it from flattening the lookup back into that join.
 */
export function parentSpaceStep(chain: string): string {
  return `CROSS JOIN LATERAL (SELECT * FROM spaces WHERE space_id = ${chain}.parent_space_id LIMIT 1) s`;
}
