/**
 * Names the person behind a phone number or email address in the local
 * outbox page, from the tandem directory in the table. The page asks once per
 * recipient, so the directory is read once and kept for a few seconds:
 * directory changes still show on the next page load.
 */
import type { TableContext } from '../../functions/repository/document-client';
import { DynamoTerritoryDirectory } from '../../functions/repository/territory-directory';

const FRESH_FOR_MS = 5_000;
type Person = { personId: string; name: string };

export function directoryRecipients(ctx: TableContext): (channel: string, endpoint: string) => Promise<Person | undefined> {
  let cached: { at: number; byEndpoint: Promise<Map<string, Person>> } | undefined;
  const load = async (): Promise<Map<string, Person>> => {
    const directory = new DynamoTerritoryDirectory(ctx);
    const territoryIds = [...new Set((await directory.listPostcodeRanges()).map((r) => r.territoryId))];
    const { tandems } = await directory.getTerritoriesWithTandems(territoryIds);
    const byEndpoint = new Map<string, Person>();
    for (const p of tandems.flatMap((t) => [t.fieldManager, t.insideManager])) {
      const person = { personId: p.personId, name: p.name };
      byEndpoint.set(p.mobile, person).set(p.email, person);
    }
    return byEndpoint;
  };
  return async (_channel, endpoint) => {
    if (!cached || Date.now() - cached.at > FRESH_FOR_MS) {
      cached = { at: Date.now(), byEndpoint: load() };
      cached.byEndpoint.catch(() => (cached = undefined));
    }
    return (await cached.byEndpoint).get(endpoint);
  };
}
