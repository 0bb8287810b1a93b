/**
 * The directory of tandems: who is in which tandem, with their channels,
 * language, quiet hours, absences and opt-out state. A tandem item holds both
 * people; a person item (`PERSON#<id>`) says which tandem a person is in, so a
 * deputy from another territory is found by id and nobody is in two tandems.
 *
 * A change replaces the tandem item and moves the person items in one
 * transaction: either the whole new state is stored, or the previous one stays.
 * The table's stream then drives provisioning (functions/notifications).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError, type FieldProblem } from '../domain/errors';
import type { Person, Role, Tandem } from '../domain/model';
import { batchGetAll, type TableContext } from './document-client';
import { fromItem, key, personItems, tandemItem, type PersonPlacement } from './table-layout';
import { DynamoTerritoryDirectory } from './territory-directory';

/** A person with the tandem they belong to. */
export interface DirectoryPerson {
  readonly person: Person;
  readonly territoryId: string;
  readonly role: Role;
}

const ROLE_FIELDS = [
  ['fieldManager', 'field'],
  ['insideManager', 'inside'],
] as const;

export class DynamoTandemDirectory {
  private readonly territories: DynamoTerritoryDirectory;

  constructor(private readonly ctx: TableContext) {
    this.territories = new DynamoTerritoryDirectory(ctx);
  }

  getTandem(territoryId: string): Promise<Tandem | undefined> {
    return this.territories.getTandem(territoryId);
  }

  /** Where each of the people is placed; people not in any tandem are left out. */
  async placements(personIds: readonly string[]): Promise<PersonPlacement[]> {
    const unique = [...new Set(personIds)];
    const items = await batchGetAll(this.ctx, unique.map((id) => key.person(id)));
    return items.map((item) => fromItem<PersonPlacement>(item));
  }

  /** People by id with their tandem (e.g. deputies), read from their tandems. */
  async people(personIds: readonly string[]): Promise<DirectoryPerson[]> {
    const placements = await this.placements(personIds);
    const territoryIds = [...new Set(placements.map((p) => p.territoryId))];
    const tandems = (await batchGetAll(this.ctx, territoryIds.map((id) => key.tandem(id)))).map((item) => fromItem<Tandem>(item));
    return placements.flatMap((placement) => {
      const tandem = tandems.find((t) => t.territoryId === placement.territoryId);
      const person = tandem && (placement.role === 'field' ? tandem.fieldManager : tandem.insideManager);
      return person?.personId === placement.personId ? [{ person, territoryId: placement.territoryId, role: placement.role }] : [];
    });
  }

  /** A person by id: one of `tandem` without a read, anyone else (e.g. a deputy) from the directory. */
  async personOf(tandem: Tandem, personId: string): Promise<DirectoryPerson | undefined> {
    if (tandem.fieldManager.personId === personId) return { person: tandem.fieldManager, territoryId: tandem.territoryId, role: 'field' };
    if (tandem.insideManager.personId === personId) return { person: tandem.insideManager, territoryId: tandem.territoryId, role: 'inside' };
    return (await this.people([personId]))[0];
  }

  /**
   * Stores a tandem's new state. Checks first, writes nothing if any fails:
   * the territory exists, each person is in no other tandem, and every deputy
   * is a person of a tandem (this one's partner included). Answers whether the
   * tandem is new.
   */
  async replaceTandem(tandem: Tandem): Promise<{ created: boolean; previous?: Tandem }> {
    const item = tandemItem(tandem);
    const [territory, previous] = await Promise.all([this.territories.getTerritory(tandem.territoryId), this.getTandem(tandem.territoryId)]);
    if (!territory) throw new ValidationError(`tandem ${tandem.territoryId}`, [{ field: 'territoryId', problem: `territory ${tandem.territoryId} does not exist` }]);

    const members = [tandem.fieldManager, tandem.insideManager];
    const deputyIds = members.flatMap((p) => (p.absences ?? []).map((a) => a.deputyId));
    const placements = await this.placements([...members.map((p) => p.personId), ...deputyIds]);
    const problems: FieldProblem[] = [];
    for (const [field, role] of ROLE_FIELDS) {
      const person = tandem[field];
      const elsewhere = placements.find((p) => p.personId === person.personId && p.territoryId !== tandem.territoryId);
      if (elsewhere) problems.push({ field: `${field}.personId`, problem: `${person.personId} is already in the tandem of ${elsewhere.territoryId}; remove them there first` });
      for (const [i, absence] of (person.absences ?? []).entries()) {
        // The partner, or a person of another tandem (someone leaving this one does not count).
        const partnerId = (role === 'field' ? tandem.insideManager : tandem.fieldManager).personId;
        const known = absence.deputyId === partnerId || placements.some((p) => p.personId === absence.deputyId && p.territoryId !== tandem.territoryId);
        if (!known) problems.push({ field: `${field}.absences.${i}.deputyId`, problem: `${absence.deputyId} is not a person of any tandem` });
      }
    }
    if (problems.length > 0) throw new ValidationError(`tandem ${tandem.territoryId}`, problems);

    const departed = (previous ? [previous.fieldManager, previous.insideManager] : []).filter((p) => !members.some((m) => m.personId === p.personId));
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.ctx.tableName, Item: item } },
            // A person joins this tandem only if no other tandem claimed them in the meantime.
            ...personItems(tandem).map((person) => ({
              Put: {
                TableName: this.ctx.tableName,
                Item: person,
                ConditionExpression: 'attribute_not_exists(pk) OR territoryId = :territory',
                ExpressionAttributeValues: { ':territory': tandem.territoryId },
              },
            })),
            ...departed.map((person) => ({
              Delete: {
                TableName: this.ctx.tableName,
                Key: key.person(person.personId),
                ConditionExpression: 'attribute_not_exists(pk) OR territoryId = :territory',
                ExpressionAttributeValues: { ':territory': tandem.territoryId },
              },
            })),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new ConflictError(`tandem ${tandem.territoryId} changed at the same time, or one of its people joined another tandem; read it again and retry`);
      }
      throw error;
    }
    return previous ? { created: false, previous } : { created: true };
  }
}
