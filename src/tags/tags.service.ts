import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import type { CreateTagDto, CreateTagResultDto, TagDto, UpdateTagDto, YamlTagDto } from './dto/tag.dto.js';
import {
  deleteAbsentYamlTags,
  deleteTag,
  insertNewYamlTags,
  insertTag,
  listTags,
  type LockedTagRow,
  lockTag,
  lockYamlTags,
  updateTag,
  updateYamlTags,
} from './tags.queries.js';

const TAG_NOT_FOUND = 'Tag not found';

/** Tags of a project. Names may repeat and colours are any text, as in Lightdash. */
@Injectable()
export class TagsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(access: ProjectAccess): Promise<TagDto[]> {
    return listTags(this.dataSource.manager, access.projectId, access.projectUuid);
  }

  async create(principal: Principal, access: ProjectAccess, dto: CreateTagDto): Promise<CreateTagResultDto> {
    return this.dataSource.transaction(async (manager) => {
      const tagUuid = await insertTag(manager, access.projectId, dto, principal.userId);
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
      await updateTag(manager, before.tagId, dto);
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
      await deleteTag(manager, tag.tagId);
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
    await this.dataSource.transaction(async (manager) => {
      await lockYamlTags(manager, access.projectId);
      const deleted = await deleteAbsentYamlTags(manager, access.projectId, tags);
      const updated = await updateYamlTags(manager, access.projectId, tags);
      const created = await insertNewYamlTags(manager, access.projectId, tags, principal.userId);
      await this.audit.record(manager, {
        action: 'tag.yaml.replace',
        targetType: 'project',
        targetUuid: access.projectUuid,
        details: { projectUuid: access.projectUuid, created, updated, deleted },
      });
    });
  }

  /** The tag, locked for the change; a tag of another project is not found. */
  private async lockTag(manager: EntityManager, access: ProjectAccess, tagUuid: string): Promise<LockedTagRow> {
    const tag = await lockTag(manager, access.projectId, tagUuid);
    if (!tag) throw new NotFoundError(TAG_NOT_FOUND);
    return tag;
  }
}
