import type { EntityManager } from 'typeorm';
import type { TagDto } from './dto/tag.dto.js';

// The SQL of tags (table tags). Each function is one statement, run in the caller's transaction where
// there is one; TagsService holds the rules.

/** The project's tags by name; $2 (the project's uuid) is echoed in each. */
export function listTags(manager: EntityManager, projectId: string, projectUuid: string): Promise<TagDto[]> {
  return manager.query(
    `SELECT t.tag_uuid AS "tagUuid", $2::uuid AS "projectUuid", t.name, t.color, t.created_at AS "createdAt", t.yaml_reference AS "yamlReference",
              CASE WHEN u.user_id IS NULL THEN NULL
                   ELSE json_build_object('userUuid', u.user_uuid, 'firstName', u.first_name, 'lastName', u.last_name) END AS "createdBy"
       FROM tags t LEFT JOIN users u ON u.user_id = t.created_by_user_id
       WHERE t.project_id = $1
       ORDER BY lower(t.name), t.tag_id`,
    [projectId, projectUuid],
  );
}

/** Inserts a tag made in the UI; answers its uuid. */
export async function insertTag(manager: EntityManager, projectId: string, tag: { name: string; color: string }, userId: string): Promise<string> {
  const [{ tagUuid }]: { tagUuid: string }[] = await manager.query(
    'INSERT INTO tags (project_id, name, color, created_by_user_id) VALUES ($1, $2, $3, $4) RETURNING tag_uuid AS "tagUuid"',
    [projectId, tag.name, tag.color, userId],
  );
  return tagUuid;
}

export interface LockedTagRow {
  tagId: string;
  name: string;
  color: string;
}

/** The tag of the project, locked for a change; none when the project has no such tag. */
export async function lockTag(manager: EntityManager, projectId: string, tagUuid: string): Promise<LockedTagRow | undefined> {
  const [tag]: LockedTagRow[] = await manager.query('SELECT tag_id::text AS "tagId", name, color FROM tags WHERE tag_uuid = $1 AND project_id = $2 FOR UPDATE', [
    tagUuid,
    projectId,
  ]);
  return tag;
}

/** Changes the given fields (undefined: unchanged). */
export async function updateTag(manager: EntityManager, tagId: string, changes: { name?: string; color?: string }): Promise<void> {
  await manager.query('UPDATE tags SET name = coalesce($2, name), color = coalesce($3, color) WHERE tag_id = $1', [tagId, changes.name ?? null, changes.color ?? null]);
}

export async function deleteTag(manager: EntityManager, tagId: string): Promise<void> {
  await manager.query('DELETE FROM tags WHERE tag_id = $1', [tagId]);
}

// The statements of PUT /projects/{p}/tags/yaml, in the order they run: $1 is the project id; $2, $3,
// $4 the yaml references, names and colours of the tags the project's YAML defines, in the same
// order. TypeORM answers [rows, rowCount] for a DELETE, an UPDATE and an INSERT … SELECT.

/** A tag the project's YAML defines. */
export interface YamlTag {
  yamlReference: string;
  name: string;
  color: string;
}

const yamlTagValues = (tags: YamlTag[]) => [tags.map((tag) => tag.yamlReference), tags.map((tag) => tag.name), tags.map((tag) => tag.color)];

/** Serializes replacements of one project's YAML tags, so two concurrent ones cannot both insert a reference. */
export async function lockYamlTags(manager: EntityManager, projectId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('yaml-tags:' || $1::text, 0))`, [projectId]);
}

/** Deletes the YAML tags whose reference is no longer defined; tags made in the UI (no reference) are left alone. Answers how many went. */
export async function deleteAbsentYamlTags(manager: EntityManager, projectId: string, tags: YamlTag[]): Promise<number> {
  const [, deleted]: [unknown, number] = await manager.query(
    'DELETE FROM tags WHERE project_id = $1 AND yaml_reference IS NOT NULL AND yaml_reference <> ALL ($2::text[])',
    [projectId, ...yamlTagValues(tags).slice(0, 1)],
  );
  return deleted;
}

/** Writes the changed names and colours of the defined tags; answers how many changed. */
export async function updateYamlTags(manager: EntityManager, projectId: string, tags: YamlTag[]): Promise<number> {
  const [, updated]: [unknown, number] = await manager.query(
    `UPDATE tags t SET name = x.name, color = x.color
     FROM unnest($2::text[], $3::text[], $4::text[]) AS x(yaml_reference, name, color)
     WHERE t.project_id = $1 AND t.yaml_reference = x.yaml_reference AND (t.name <> x.name OR t.color <> x.color)`,
    [projectId, ...yamlTagValues(tags)],
  );
  return updated;
}

/** Inserts the tags whose reference the project does not have yet, in the given order, the user as their creator; answers how many. */
export async function insertNewYamlTags(manager: EntityManager, projectId: string, tags: YamlTag[], userId: string): Promise<number> {
  const [, created]: [unknown, number] = await manager.query(
    `INSERT INTO tags (project_id, name, color, yaml_reference, created_by_user_id)
     SELECT $1, x.name, x.color, x.yaml_reference, $5
     FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(yaml_reference, name, color, n)
     WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.project_id = $1 AND t.yaml_reference = x.yaml_reference)
     ORDER BY x.n`,
    [projectId, ...yamlTagValues(tags), userId],
  );
  return created;
}
