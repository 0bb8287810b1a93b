import { parseReassignment, planRangeMove, type RoutedRange } from '../../../functions/customer-lifecycle/domain/reassignment';
import { refusedFields } from '../../support/validation';

const routing: RoutedRange[] = [
  { from: '40000', to: '40199', territoryId: 'T001' },
  { from: '40200', to: '40499', territoryId: 'T002' },
  { from: '40500', to: '40999', territoryId: 'T003' },
];

describe('planRangeMove', () => {
  test('a range inside one routing range cuts it in three: the middle goes to the target, both ends stay', () => {
    expect(planRangeMove({ from: '40250', to: '40299' }, routing, 'T009')).toEqual({
      routing: [
        { from: '40200', to: '40249', territoryId: 'T002' },
        { from: '40250', to: '40299', territoryId: 'T009' },
        { from: '40300', to: '40499', territoryId: 'T002' },
      ],
      moved: [{ from: '40250', to: '40299', fromTerritoryId: 'T002' }],
    });
  });

  test('a range across two routing ranges moves the part of each, from each territory', () => {
    const move = planRangeMove({ from: '40100', to: '40299' }, routing, 'T009');
    expect(move.moved).toEqual([
      { from: '40100', to: '40199', fromTerritoryId: 'T001' },
      { from: '40200', to: '40299', fromTerritoryId: 'T002' },
    ]);
    expect(move.routing).toEqual([
      { from: '40000', to: '40099', territoryId: 'T001' },
      { from: '40100', to: '40199', territoryId: 'T009' },
      { from: '40200', to: '40299', territoryId: 'T009' },
      { from: '40300', to: '40499', territoryId: 'T002' },
    ]);
  });

  test('a whole routing range moves as it is; the target keeps what it already routes', () => {
    expect(planRangeMove({ from: '40200', to: '40999' }, routing, 'T003')).toEqual({
      routing: [{ from: '40200', to: '40499', territoryId: 'T003' }],
      moved: [{ from: '40200', to: '40499', fromTerritoryId: 'T002' }],
    });
  });

  test('a range no routing range covers is refused, naming postcodes', () => {
    expect(refusedFields(() => planRangeMove({ from: '41000', to: '41099' }, routing, 'T009'))).toEqual(['postcodes']);
  });
});

describe('parseReassignment', () => {
  const body = { reassignmentId: 'r-1', toTerritoryId: 'T002', reason: 'territory split' };

  test('refuses a postcode range with a field it does not have, naming it (it was dropped silently: found by the bad-input proof)', () => {
    expect(() => parseReassignment({ ...body, postcodes: { from: '40200', to: '40299', too: '40399' } })).toThrow(
      'reassignment is invalid: postcodes: unknown field "too": a postcode range has only from, to',
    );
  });

  test('takes named customers or a postcode range', () => {
    expect(parseReassignment({ ...body, customerIds: ['C000001'] }).customerIds).toEqual(['C000001']);
    expect(parseReassignment({ ...body, postcodes: { from: '40200', to: '40299' } }).postcodes).toEqual({ from: '40200', to: '40299' });
  });

  test('refuses neither or both, a customer named twice, a range across regions, and a missing reason, naming the field', () => {
    expect(refusedFields(() => parseReassignment(body))).toEqual(['customerIds']);
    expect(refusedFields(() => parseReassignment({ ...body, customerIds: ['C000001'], postcodes: { from: '40200', to: '40299' } }))).toEqual(['customerIds']);
    expect(refusedFields(() => parseReassignment({ ...body, customerIds: ['C000001', 'C000001'] }))).toEqual(['customerIds']);
    expect(refusedFields(() => parseReassignment({ ...body, postcodes: { from: '40200', to: '41299' } }))).toEqual(['postcodes.to']);
    expect(refusedFields(() => parseReassignment({ ...body, reason: undefined, customerIds: ['C000001'] }))).toEqual(['reason']);
  });
});
