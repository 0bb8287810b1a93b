/**
 * The one schema of `PUT /tandems/{territoryId}`: the whole new state of a
 * tandem — both people with channels, language, quiet hours, absences and
 * opt-out. Rules that need no other record are checked here; the directory
 * repository checks the rest (territory exists, a person in one tandem only,
 * deputies are people of a tandem).
 */
import { z } from 'zod';
import { personSchema, territoryIdSchema, type Tandem } from '../../domain/model';
import { validate } from '../../domain/validate';
import { ValidationError } from '../../domain/errors';

export const tandemChangeSchema = z
  .strictObject(
    {
      territoryId: territoryIdSchema.optional().describe('If given, must equal the path parameter.'),
      fieldManager: personSchema.describe('Visits restaurants and wins customers.'),
      insideManager: personSchema.describe('Knows the assortment; first to decide escalated requests.'),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: a tandem has territoryId, fieldManager, insideManager`;
        return issue.code === 'invalid_type' ? 'must be a JSON object (a tandem)' : undefined;
      },
    },
  )
  .describe('The new state of a tandem; it replaces the previous one as a whole.');

export function parseTandemChange(pathTerritoryId: unknown, body: unknown): Tandem {
  const territoryId = validate(territoryIdSchema, pathTerritoryId, 'path parameter territoryId');
  const change = validate(tandemChangeSchema, body, `tandem ${territoryId}`);
  if (change.territoryId !== undefined && change.territoryId !== territoryId) {
    throw new ValidationError(`tandem ${territoryId}`, [{ field: 'territoryId', problem: `must equal the territory in the path (${territoryId})` }]);
  }
  if (change.fieldManager.personId === change.insideManager.personId) {
    throw new ValidationError(`tandem ${territoryId}`, [{ field: 'insideManager.personId', problem: 'must be a different person from the field manager' }]);
  }
  return { territoryId, fieldManager: change.fieldManager, insideManager: change.insideManager };
}
