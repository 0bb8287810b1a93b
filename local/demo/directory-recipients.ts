/**
 * Names the person behind a phone number or email address in the local
 * outbox page, from the tandem directory in the table (read when the page is
 * opened, so directory changes show at once).
 */
import type { Tandem } from '../../functions/domain/model';
import type { TableContext } from '../../functions/repository/document-client';
import { DynamoTerritoryDirectory } from '../../functions/repository/territory-directory';

export function directoryRecipients(ctx: TableContext): (channel: string, endpoint: string) => Promise<{ personId: string; name: string } | undefined> {
  return async (_channel, endpoint) => {
    const directory = new DynamoTerritoryDirectory(ctx);
    const territoryIds = [...new Set((await directory.listPostcodeRanges()).map((r) => r.territoryId))];
    const { tandems } = await directory.getTerritoriesWithTandems(territoryIds);
    const person = tandems.flatMap((t: Tandem) => [t.fieldManager, t.insideManager]).find((p) => p.mobile === endpoint || p.email === endpoint);
    return person ? { personId: person.personId, name: person.name } : undefined;
  };
}
