import { Match } from 'aws-cdk-lib/assertions';
import { stageConfig } from '../../lib/stage-config';
import { devTemplate } from '../support/infra-template';

// The dev app, synthesized once for the infra project by test/infra/global-setup.ts.
const template = devTemplate();

describe('StoreApi', () => {
  test('every store-system and admin method requires IAM; only the decision link routes are open, their reference being the credential; all validate', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as { Properties: Record<string, unknown> }[];
    // At least: requests (POST, GET), stock feed, decision link (GET, POST), tandem directory (PUT, GET, POST provisioning), customers (GET).
    expect(methods.length).toBeGreaterThanOrEqual(9);
    const open = methods.filter((m) => m.Properties.AuthorizationType !== 'AWS_IAM');
    expect(open.map((m) => m.Properties.HttpMethod).sort()).toEqual(['GET', 'POST']);
    for (const method of open) expect(method.Properties).toMatchObject({ AuthorizationType: 'NONE', RequestParameters: { 'method.request.path.ref': true } });
    for (const method of methods) expect(method.Properties.RequestValidatorId).toBeDefined();
  });

  test("the stage is throttled, traced, and writes JSON access logs to a log group with the stage's retention", () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, MetricsEnabled: true })],
    });
    const [accessLogs] = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) => id.startsWith('StoreApiAccessLogs'));
    expect(accessLogs?.[1]).toMatchObject({ Properties: { RetentionInDays: stageConfig('dev').operations.auditLogRetention } });
  });

  test('the stack owns no account-wide API Gateway CloudWatch role', () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('CustomerRequestService', () => {
  test('GET /requests/{id} runs a function that may only read items and query the table itself', () => {
    const fn = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('CustomerRequestsGetRequest'));
    expect(fn).toBeDefined();
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('CustomerRequestsGetRequest'));
    const statements = policies.flatMap(([, p]) => (p.Properties as { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } }).PolicyDocument.Statement);
    const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataTable/), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REQUEST#*'] } },
      }),
    ]);
  });

  test('its environment names the table and the service', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^GET /requests'),
      Environment: { Variables: { TABLE_NAME: { Ref: Match.stringLikeRegexp('^DataTable') }, POWERTOOLS_SERVICE_NAME: 'customer-request', POWERTOOLS_LOG_LEVEL: 'INFO' } },
    });
  });

  test('the stock feed may only touch stock, catalogue and, to announce arrivals, the waiting requests, their tandem and a deputy holding the decision', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('CustomerRequestsStockFeed'));
    const statements = policies.flatMap(([, p]) => (p.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } }).PolicyDocument.Statement);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'))).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataTable/), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#*', 'PRODUCT#*', 'REQUEST#*', 'DECISIONREF#*', 'CUSTOMER#*', 'TERRITORY#*', 'PERSON#*'] } },
      }),
    ]);
  });

  test('the routes are the ones the OpenAPI document publishes, each behind IAM', () => {
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const parts = Object.values(resources).map((r) => (r.Properties as { PathPart: string }).PathPart);
    expect(parts).toEqual(expect.arrayContaining(['requests', '{id}', 'stores', '{storeId}', 'stock']));
  });
});
