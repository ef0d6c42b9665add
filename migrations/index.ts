// Every migration, in order. Listed explicitly so the app, the CLI and the tests load the same set
// without globbing compiled files.
import { RoleEnums1763800000000 } from './1763800000000-RoleEnums.js';
import { Identity1763800100000 } from './1763800100000-Identity.js';
import { Organizations1763800200000 } from './1763800200000-Organizations.js';
import { ProjectsAndSpaces1763800300000 } from './1763800300000-ProjectsAndSpaces.js';
import { Catalog1763800400000 } from './1763800400000-Catalog.js';
import { CatalogSearch1763800500000 } from './1763800500000-CatalogSearch.js';
import { SpaceAncestry1763800600000 } from './1763800600000-SpaceAncestry.js';
import { OpenSpacesIndex1763800700000 } from './1763800700000-OpenSpacesIndex.js';
import { BoundedSearchVector1763800800000 } from './1763800800000-BoundedSearchVector.js';
import { DataChanges1763800900000 } from './1763800900000-DataChanges.js';
import { ColorPalettes1763801000000 } from './1763801000000-ColorPalettes.js';
import { ProjectSchedulerAndUpstream1763801100000 } from './1763801100000-ProjectSchedulerAndUpstream.js';
import { EmailDomainOwners1763801300000 } from './1763801300000-EmailDomainOwners.js';
import { InviteesShareEmails1763801400000 } from './1763801400000-InviteesShareEmails.js';
import { RateLimitCounters1763801500000 } from './1763801500000-RateLimitCounters.js';
import { Scim1763802000000 } from './1763802000000-Scim.js';
import { AsyncQueries1763803000000 } from './1763803000000-AsyncQueries.js';
import { DemoWarehouse1763804000000 } from './1763804000000-DemoWarehouse.js';
import { Validations1763804100000 } from './1763804100000-Validations.js';
import { ContentTrash1763805000000 } from './1763805000000-ContentTrash.js';
import { OpenIdIdentities1763806000000 } from './1763806000000-OpenIdIdentities.js';
import { CustomRoles1764300000000 } from './1764300000000-CustomRoles.js';
import { CustomRoleSets1764300100000 } from './1764300100000-CustomRoleSets.js';
import { OrganizationDataChanges1764600000000 } from './1764600000000-OrganizationDataChanges.js';
import { SemanticLayerConnection1764700000000 } from './1764700000000-SemanticLayerConnection.js';
import { TagNamesNotUnique1764800000000 } from './1764800000000-TagNamesNotUnique.js';
import { CatalogSearchSpeed1764950000000 } from './1764950000000-CatalogSearchSpeed.js';
import { CustomScopesFunction1765120000000 } from './1765120000000-CustomScopesFunction.js';
import { CatalogSearchRankKeys1765150000000 } from './1765150000000-CatalogSearchRankKeys.js';
import { SpaceListItems1765210000000 } from './1765210000000-SpaceListItems.js';
import { SpaceUserAccessByUser1765240000000 } from './1765240000000-SpaceUserAccessByUser.js';
import { SpaceListItemCounts1765300000000 } from './1765300000000-SpaceListItemCounts.js';

export const migrations = [RoleEnums1763800000000, Identity1763800100000, Organizations1763800200000, ProjectsAndSpaces1763800300000, Catalog1763800400000, CatalogSearch1763800500000, SpaceAncestry1763800600000, OpenSpacesIndex1763800700000, BoundedSearchVector1763800800000, DataChanges1763800900000, ColorPalettes1763801000000, ProjectSchedulerAndUpstream1763801100000, EmailDomainOwners1763801300000, InviteesShareEmails1763801400000, RateLimitCounters1763801500000, Scim1763802000000, AsyncQueries1763803000000, DemoWarehouse1763804000000, Validations1763804100000, ContentTrash1763805000000, OpenIdIdentities1763806000000, CustomRoles1764300000000, CustomRoleSets1764300100000, OrganizationDataChanges1764600000000, SemanticLayerConnection1764700000000, TagNamesNotUnique1764800000000, CatalogSearchSpeed1764950000000, CustomScopesFunction1765120000000, CatalogSearchRankKeys1765150000000, SpaceListItems1765210000000, SpaceUserAccessByUser1765240000000, SpaceListItemCounts1765300000000];
