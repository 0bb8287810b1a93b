/**
 * The EMF lines the handlers write: CloudWatch turns each into metrics by
 * its `_aws` block, so names, units, namespace and dimensions must be exact.
 */
import { businessMetrics } from '../../../functions/shared/business-metrics';
import { METRICS_NAMESPACE, OUTCOME_METRICS, outcomeMetric, type ConcludedStatus } from '../../../functions/shared/metric-catalogue';
import { metrics } from '../../../functions/shared/powertools';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/** The EMF lines written to stdout while `run` runs. */
function emfLinesOf(run: () => void): EmfLine[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return written.flatMap((text) => text.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as EmfLine);
}

describe('business metrics as CloudWatch embedded metrics', () => {
  test('every concluded status has its own metric; an unknown status is refused by name', () => {
    expect((Object.keys(OUTCOME_METRICS) as ConcludedStatus[]).map(outcomeMetric)).toEqual(['RequestsReserved', 'RequestsPartial', 'RequestsSourced', 'RequestsUnfulfilled']);
    expect(() => outcomeMetric('FAILED' as ConcludedStatus)).toThrow(/no outcome metric for status FAILED/);
  });

  test('a concluded request: its outcome, the seconds since receipt and an SLA breach, in the Tandem360 namespace with the stage alone as dimension', () => {
    const [line, ...more] = emfLinesOf(() => {
      businessMetrics.requestConcluded('UNFULFILLED', '2026-11-27T10:00:00.000Z', new Date('2026-11-27T11:00:30.000Z'), true);
      metrics.publishStoredMetrics();
    });
    expect(more).toEqual([]);
    expect(line!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['Stage']],
        Metrics: [
          { Name: 'RequestsUnfulfilled', Unit: 'Count' },
          { Name: 'TimeToResolution', Unit: 'Seconds' },
          { Name: 'SlaBreaches', Unit: 'Count' },
        ],
      },
    ]);
    expect(line).toMatchObject({ Stage: 'local', RequestsUnfulfilled: 1, TimeToResolution: 3630, SlaBreaches: 1 });
    expect(line).not.toHaveProperty('service');
  });

  test('a request concluded within its SLA counts no breach', () => {
    const [line] = emfLinesOf(() => {
      businessMetrics.requestConcluded('RESERVED', '2026-11-27T10:00:00.000Z', new Date('2026-11-27T10:00:02.000Z'), false);
      metrics.publishStoredMetrics();
    });
    expect(line!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toEqual(['RequestsReserved', 'TimeToResolution']);
  });

  test('a notification is counted at once in a line of its own, with its channel as a second dimension', () => {
    const lines = emfLinesOf(() => businessMetrics.notificationSent('sms'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [['Stage', 'Channel']], Metrics: [{ Name: 'NotificationsSent', Unit: 'Count' }] });
    expect(lines[0]).toMatchObject({ Stage: 'local', Channel: 'sms', NotificationsSent: 1 });
    expect(lines[0]).not.toHaveProperty('service');
  });
});
