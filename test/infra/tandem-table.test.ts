import { Match } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { devCdkOut, devTemplate, prodSynthesis as prod, readValidationReport, type ValidationReport } from '../support/infra-template';

describe('TandemTable', () => {
  // The dev app, synthesized once for the infra project by test/infra/global-setup.ts.
  const dev = devTemplate();
  const table = () =>
    Object.values(dev.findResources('AWS::DynamoDB::GlobalTable'))[0] as {
      DeletionPolicy: string;
      Properties: { GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown; Projection: unknown }[] };
    };

  test('is one on-demand table keyed by pk and sk', () => {
    dev.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  test('is encrypted with a KMS key and has point-in-time recovery', () => {
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('streams new and old images and expires items by the expiresAt attribute', () => {
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test('has the three overloaded indexes the access patterns use, projecting all attributes', () => {
    const indexes = table().Properties.GlobalSecondaryIndexes;
    expect(indexes.map((i) => i.IndexName)).toEqual(['gsi1', 'gsi2', 'gsi3']);
    for (const index of indexes) {
      expect(index.KeySchema).toEqual([
        { AttributeName: `${index.IndexName}pk`, KeyType: 'HASH' },
        { AttributeName: `${index.IndexName}sk`, KeyType: 'RANGE' },
      ]);
      expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
  });

  test('dev can be torn down: no deletion protection, deleted with the stack', () => {
    expect(table().DeletionPolicy).toBe('Delete');
    dev.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
  });

  test('prod keeps its data: deletion protection on and the table retained', () => {
    const prodTemplate = prod().template;
    const prodTable = Object.values(prodTemplate.findResources('AWS::DynamoDB::GlobalTable'))[0] as Record<string, unknown>;
    expect(prodTable.DeletionPolicy).toBe('Retain');
    expect(prodTable.UpdateReplacePolicy).toBe('Retain');
    prodTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
  });
});

describe('CDK app', () => {
  test('an unknown stage is refused with a message naming the allowed ones', () => {
    expect(() => buildApp({ context: { stage: 'qa' } })).toThrow(/stage.*dev, prod.*"qa"/);
  });

  // "Validation failed" on any unacknowledged finding: for dev the infra global setup synthesized the app (and
  // would have stopped the run), here its report is read; prod is synthesized by prod() above.
  const reports: Record<string, () => ValidationReport> = { dev: () => readValidationReport(devCdkOut()), prod: () => prod().report };
  test.each(['dev', 'prod'])('%s synthesizes with no cdk-nag or template-validation finding', (stage) => {
    const violations = reports[stage]!().pluginReports.flatMap((r) => r.violations ?? []);
    expect(violations).toEqual([]);
  });
});
