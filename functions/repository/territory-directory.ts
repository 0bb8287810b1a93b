import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { postcodeSchema, type Tandem, type Territory } from '../domain/model';
import type { TerritoryDirectory } from '../domain/ports';
import { validate } from '../domain/validate';
import type { RoutedRange } from '../domain/postcode-routing';
import { batchGetAll, queryAll, type TableContext } from './document-client';
import { fromItem, key } from './table-layout';

export class DynamoTerritoryDirectory implements TerritoryDirectory {
  constructor(private readonly ctx: TableContext) {}

  /** The range that starts at or before the postcode, if it also ends at or after it. */
  async territoryForPostcode(postcode: string): Promise<Territory | undefined> {
    const pc = validate(postcodeSchema, postcode, 'postcode lookup');
    const [range] = await queryAll(
      this.ctx,
      {
        KeyConditionExpression: 'pk = :region AND sk <= :upper',
        ExpressionAttributeValues: { ':region': key.postcodeRegion(pc), ':upper': `RANGE#${pc}` },
        ScanIndexForward: false,
        Limit: 1,
      },
      1,
    );
    if (!range || typeof range.to !== 'string' || range.to < pc) return undefined;
    return this.getTerritory(String(range.territoryId));
  }

  async getTerritory(territoryId: string): Promise<Territory | undefined> {
    return this.get<Territory>(key.territory(territoryId));
  }

  async getTandem(territoryId: string): Promise<Tandem | undefined> {
    return this.get<Tandem>(key.tandem(territoryId));
  }

  /** The whole routing table: one query per two-digit postcode region (01–99). */
  async listPostcodeRanges(): Promise<RoutedRange[]> {
    const regions = Array.from({ length: 99 }, (_, i) => String(i + 1).padStart(2, '0'));
    const pages = await Promise.all(
      regions.map((region) =>
        queryAll(this.ctx, {
          KeyConditionExpression: 'pk = :region AND begins_with(sk, :range)',
          ExpressionAttributeValues: { ':region': key.postcodeRegion(region), ':range': 'RANGE#' },
        }),
      ),
    );
    return pages.flat().map((item) => ({
      from: String(item.from),
      to: String(item.to),
      territoryId: String(item.territoryId),
    }));
  }

  /** Territories and tandems for many ids at once (batched reads). */
  async getTerritoriesWithTandems(territoryIds: readonly string[]): Promise<{ territories: Territory[]; tandems: Tandem[] }> {
    const items = await batchGetAll(
      this.ctx,
      territoryIds.flatMap((id) => [key.territory(id), key.tandem(id)]),
    );
    return {
      territories: items.filter((i) => i.entity === 'Territory').map((i) => fromItem<Territory>(i)),
      tandems: items.filter((i) => i.entity === 'Tandem').map((i) => fromItem<Tandem>(i)),
    };
  }

  private async get<T>(k: { pk: string; sk: string }): Promise<T | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: k }));
    return out.Item ? fromItem<T>(out.Item) : undefined;
  }
}
