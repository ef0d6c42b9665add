import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ScimPrincipal } from '../auth/principal.js';
import { NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { type GroupActor, GroupsService } from '../groups/groups.service.js';
import { groupPatchToChange, parseScimGroup, type ScimGroup, toScimGroup } from './dto/scim-group.dto.js';
import { listResponse, type ScimListQueryDto, type ScimListResponse, scimPage } from './dto/scim-list.dto.js';
import { ScimError } from './scim-errors.js';
import { parseScimFilter } from './scim-filter.js';
import { parsePatchRequest } from './scim-patch.js';
import * as queries from './scim-groups.queries.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const groupNotFound = (groupUuid: string) => new ScimError(404, `Group with UUID ${groupUuid} not found`, 'noTarget');

/** The SCIM token acts for its organization and is no user: groups it writes have no creator or updater. */
const actorOf = (scim: ScimPrincipal): GroupActor => ({ organizationId: scim.organizationId, userId: null });

/**
 * SCIM Groups are the organization's groups (the ones /api/v1/groups shows): every write goes through
 * the groups domain, which owns the rules (unique names, members of the organization only, one change
 * at a time per group, the audit entry).
 */
@Injectable()
export class ScimGroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly groups: GroupsService,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  async list(scim: ScimPrincipal, query: ScimListQueryDto): Promise<ScimListResponse<ScimGroup>> {
    const page = scimPage(query);
    const filter = query.filter?.trim() ? parseScimFilter(query.filter) : undefined;
    const { rows, total } = await queries.listGroups(this.dataSource.manager, scim.organizationId, filter, page.startIndex - 1, page.count);
    return listResponse(
      rows.map((row) => toScimGroup(row, this.config.siteUrl)),
      total,
      page,
    );
  }

  async get(scim: ScimPrincipal, groupUuid: string): Promise<ScimGroup> {
    const row = UUID.test(groupUuid) ? await queries.findGroup(this.dataSource.manager, scim.organizationId, groupUuid.toLowerCase()) : undefined;
    if (!row) throw groupNotFound(groupUuid);
    return toScimGroup(row, this.config.siteUrl);
  }

  async create(scim: ScimPrincipal, body: unknown): Promise<ScimGroup> {
    const input = parseScimGroup(body);
    const created = await this.groups.create(actorOf(scim), {
      name: input.displayName,
      members: (input.members ?? []).map((userUuid) => ({ userUuid })),
    });
    return this.get(scim, created.uuid);
  }

  /** PUT: the name, and the whole member list when `members` is sent. */
  async replace(scim: ScimPrincipal, groupUuid: string, body: unknown): Promise<ScimGroup> {
    const input = parseScimGroup(body);
    await this.onGroup(groupUuid, () =>
      this.groups.update(actorOf(scim), groupUuid, {
        name: input.displayName,
        ...(input.members ? { members: input.members.map((userUuid) => ({ userUuid })) } : {}),
      }),
    );
    return this.get(scim, groupUuid);
  }

  async patch(scim: ScimPrincipal, groupUuid: string, body: unknown): Promise<ScimGroup> {
    const change = groupPatchToChange(parsePatchRequest(body));
    await this.onGroup(groupUuid, () => this.groups.changeMembership(actorOf(scim), groupUuid, change));
    return this.get(scim, groupUuid);
  }

  async delete(scim: ScimPrincipal, groupUuid: string): Promise<void> {
    await this.onGroup(groupUuid, () => this.groups.delete(actorOf(scim), groupUuid));
  }

  /** A change to one group; a group that is not the organization's (or no uuid at all) is 404 `noTarget`. */
  private async onGroup<T>(groupUuid: string, change: () => Promise<T>): Promise<T> {
    if (!UUID.test(groupUuid)) throw groupNotFound(groupUuid);
    try {
      return await change();
    } catch (error) {
      if (error instanceof NotFoundError) throw groupNotFound(groupUuid);
      throw error;
    }
  }
}
