/**
 * The statements of PUT /projects/{p}/tags/yaml. $1 is the project id; $2, $3, $4 the yaml
 * references, names and colours of the tags the project's YAML defines, in the same order.
 */

/** Serializes replacements of one project's YAML tags, so two concurrent ones cannot both insert a reference. */
export const LOCK_YAML_TAGS_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('yaml-tags:' || $1::text, 0))`;

/** YAML tags whose reference is no longer defined; tags made in the UI (no reference) are left alone. */
export const DELETE_ABSENT_YAML_TAGS_SQL = `
  DELETE FROM tags WHERE project_id = $1 AND yaml_reference IS NOT NULL AND yaml_reference <> ALL ($2::text[])`;

export const UPDATE_YAML_TAGS_SQL = `
  UPDATE tags t SET name = x.name, color = x.color
  FROM unnest($2::text[], $3::text[], $4::text[]) AS x(yaml_reference, name, color)
  WHERE t.project_id = $1 AND t.yaml_reference = x.yaml_reference AND (t.name <> x.name OR t.color <> x.color)`;

/** $5: the caller, recorded as the creator. */
export const INSERT_YAML_TAGS_SQL = `
  INSERT INTO tags (project_id, name, color, yaml_reference, created_by_user_id)
  SELECT $1, x.name, x.color, x.yaml_reference, $5
  FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(yaml_reference, name, color, n)
  WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.project_id = $1 AND t.yaml_reference = x.yaml_reference)
  ORDER BY x.n`;
