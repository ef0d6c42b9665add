import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import type { CreateTagDto, CreateTagResultDto, TagDto, UpdateTagDto, YamlTagDto } from './dto/tag.dto.js';
import { DELETE_ABSENT_YAML_TAGS_SQL, INSERT_YAML_TAGS_SQL, LOCK_YAML_TAGS_SQL, UPDATE_YAML_TAGS_SQL } from './tags.queries.js';

const TAG_NOT_FOUND = 'Tag not found';

/** Tags of a project. Names may repeat and colours are any text, as in Lightdash. */
@Injectable()
export class TagsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(access: ProjectAccess): Promise<TagDto[]> {
    return this.dataSource.query(
      `SELECT t.tag_uuid AS "tagUuid", $2::uuid AS "projectUuid", t.name, t.color, t.created_at AS "createdAt", t.yaml_reference AS "yamlReference",
              CASE WHEN u.user_id IS NULL THEN NULL
                   ELSE json_build_object('userUuid', u.user_uuid, 'firstName', u.first_name, 'lastName', u.last_name) END AS "createdBy"
       FROM tags t LEFT JOIN users u ON u.user_id = t.created_by_user_id
       WHERE t.project_id = $1
       ORDER BY lower(t.name), t.tag_id`,
      [access.projectId, access.projectUuid],
    );
  }

  async create(principal: Principal, access: ProjectAccess, dto: CreateTagDto): Promise<CreateTagResultDto> {
    return this.dataSource.transaction(async (manager) => {
      const [{ tagUuid }]: { tagUuid: string }[] = await manager.query(
        'INSERT INTO tags (project_id, name, color, created_by_user_id) VALUES ($1, $2, $3, $4) RETURNING tag_uuid AS "tagUuid"',
        [access.projectId, dto.name, dto.color, principal.userId],
      );
      await this.audit.record(manager, {
        action: 'tag.create',
        targetType: 'tag',
        targetUuid: tagUuid,
        details: { projectUuid: access.projectUuid, name: dto.name, color: dto.color },
      });
      return { tagUuid };
    });
  }

  async update(access: ProjectAccess, tagUuid: string, dto: UpdateTagDto): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const before = await this.lockTag(manager, access, tagUuid);
      await manager.query('UPDATE tags SET name = coalesce($2, name), color = coalesce($3, color) WHERE tag_id = $1', [
        before.tagId,
        dto.name ?? null,
        dto.color ?? null,
      ]);
      await this.audit.record(manager, {
        action: 'tag.update',
        targetType: 'tag',
        targetUuid: tagUuid,
        details: { projectUuid: access.projectUuid, from: { name: before.name, color: before.color }, to: dto },
      });
    });
  }

  async delete(access: ProjectAccess, tagUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const tag = await this.lockTag(manager, access, tagUuid);
      await manager.query('DELETE FROM tags WHERE tag_id = $1', [tag.tagId]);
      await this.audit.record(manager, { action: 'tag.delete', targetType: 'tag', targetUuid: tagUuid, details: { projectUuid: access.projectUuid, name: tag.name } });
    });
  }

  /**
   * Makes the project's YAML tags those given, keyed by `yamlReference`: new references are created,
   * changed names and colours updated, references no longer given deleted; tags made in the UI stay.
   * One transaction. Names may repeat, as anywhere else in the project's tags.
   */
  async replaceYamlTags(principal: Principal, access: ProjectAccess, tags: YamlTagDto[]): Promise<void> {
    const references = tags.map((tag) => tag.yamlReference);
    if (new Set(references).size !== references.length) throw new ParameterError('Each yamlReference may appear only once');
    const values = [access.projectId, references, tags.map((tag) => tag.name), tags.map((tag) => tag.color)];
    await this.dataSource.transaction(async (manager) => {
      await manager.query(LOCK_YAML_TAGS_SQL, [access.projectId]);
      const [, deleted] = await manager.query(DELETE_ABSENT_YAML_TAGS_SQL, values.slice(0, 2));
      const [, updated] = await manager.query(UPDATE_YAML_TAGS_SQL, values);
      const [, created] = await manager.query(INSERT_YAML_TAGS_SQL, [...values, principal.userId]);
      await this.audit.record(manager, {
        action: 'tag.yaml.replace',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { projectUuid: access.projectUuid, created, updated, deleted },
      });
    });
  }

  /** The tag, locked for the change; a tag of another project is not found. */
  private async lockTag(manager: EntityManager, access: ProjectAccess, tagUuid: string): Promise<{ tagId: string; name: string; color: string }> {
    const [tag] = await manager.query('SELECT tag_id::text AS "tagId", name, color FROM tags WHERE tag_uuid = $1 AND project_id = $2 FOR UPDATE', [
      tagUuid,
      access.projectId,
    ]);
    if (!tag) throw new NotFoundError(TAG_NOT_FOUND);
    return tag;
  }
}
