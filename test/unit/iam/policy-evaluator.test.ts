import { isAllowed, PolicyEvaluationError, type PolicyStatement } from '../../../local/runtime/iam/policy-evaluator';

const invoke = (resource: string, context = {}) => ({ action: 'execute-api:Invoke', resource, context });
const API = 'arn:aws:execute-api:eu-central-1:000000000000:abc123/v1';

describe('isAllowed: Allow, Deny and the implicit deny', () => {
  const allowRequests: PolicyStatement = { Sid: 'Requests', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${API}/POST/requests` };

  test('an Allow whose action and resource match allows, naming the statement', () => {
    expect(isAllowed([allowRequests], invoke(`${API}/POST/requests`))).toEqual({ allowed: true, matchedStatement: allowRequests, reason: 'allowed by statement Requests' });
  });

  test('nothing matching is an implicit deny', () => {
    const decision = isAllowed([allowRequests], invoke(`${API}/GET/requests`));
    expect(decision).toEqual({ allowed: false, reason: `no statement allows execute-api:Invoke on ${API}/GET/requests (implicit deny)` });
    expect(isAllowed([], invoke(`${API}/POST/requests`)).allowed).toBe(false);
  });

  test('an explicit Deny beats any Allow, whatever the order', () => {
    const deny: PolicyStatement = { Sid: 'NoRequests', Effect: 'Deny', Action: '*', Resource: '*' };
    expect(isAllowed([allowRequests, deny], invoke(`${API}/POST/requests`))).toMatchObject({ allowed: false, matchedStatement: deny, reason: 'explicitly denied by statement NoRequests' });
    expect(isAllowed([deny, allowRequests], invoke(`${API}/POST/requests`)).allowed).toBe(false);
  });
});

describe('Action, NotAction, Resource, NotResource', () => {
  test('actions match case-insensitively with * and ?', () => {
    const statement: PolicyStatement = { Effect: 'Allow', Action: ['dynamodb:Get*', 'sns:Publis?'], Resource: '*' };
    expect(isAllowed([statement], { action: 'DynamoDB:GetItem', resource: 'x' }).allowed).toBe(true);
    expect(isAllowed([statement], { action: 'sns:Publish', resource: 'x' }).allowed).toBe(true);
    expect(isAllowed([statement], { action: 'dynamodb:PutItem', resource: 'x' }).allowed).toBe(false);
    expect(isAllowed([statement], { action: 'sns:PublishBatch', resource: 'x' }).allowed).toBe(false);
  });

  test('resources match case-sensitively; * spans slashes and colons, ? one character', () => {
    const statement: PolicyStatement = { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${API}/GET/requests/*`, `${API}/POST/stores/S00?/stock`] };
    expect(isAllowed([statement], invoke(`${API}/GET/requests/r-1`)).allowed).toBe(true);
    expect(isAllowed([statement], invoke(`${API}/GET/requests/a/b:c`)).allowed).toBe(true);
    expect(isAllowed([statement], invoke(`${API}/GET/Requests/r-1`)).allowed).toBe(false);
    expect(isAllowed([statement], invoke(`${API}/POST/stores/S001/stock`)).allowed).toBe(true);
    expect(isAllowed([statement], invoke(`${API}/POST/stores/S0001/stock`)).allowed).toBe(false);
    // Regular-expression characters in a pattern are literal.
    expect(isAllowed([{ Effect: 'Allow', Action: '*', Resource: 'a.b' }], { action: 'x:Y', resource: 'aXb' }).allowed).toBe(false);
  });

  test('NotAction and NotResource match everything but what they name', () => {
    const allButDelete: PolicyStatement = { Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: '*' };
    expect(isAllowed([allButDelete], { action: 'dynamodb:GetItem', resource: 't' }).allowed).toBe(true);
    expect(isAllowed([allButDelete], { action: 'dynamodb:DeleteItem', resource: 't' }).allowed).toBe(false);
    const denyOutside: PolicyStatement = { Effect: 'Deny', Action: '*', NotResource: `${API}/*` };
    const allowAll: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };
    expect(isAllowed([allowAll, denyOutside], invoke(`${API}/GET/x`)).allowed).toBe(true);
    expect(isAllowed([allowAll, denyOutside], invoke('arn:aws:execute-api:eu-central-1:000000000000:other/v1/GET/x')).allowed).toBe(false);
  });

  test('a statement with both or neither of Action and NotAction is an error naming it', () => {
    expect(() => isAllowed([{ Sid: 'Both', Effect: 'Allow', Action: '*', NotAction: 'x:Y', Resource: '*' }], invoke('r'))).toThrow(new PolicyEvaluationError({ Sid: 'Both', Effect: 'Allow' }, 'needs exactly one of Action and NotAction'));
    expect(() => isAllowed([{ Effect: 'Allow', Action: '*' }], invoke('r'))).toThrow(/needs exactly one of Resource and NotResource/);
    expect(() => isAllowed([{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${aws:username}' }], invoke('r'))).toThrow(/policy variables are not supported/);
    expect(() => isAllowed([{ Effect: 'Maybe' as 'Allow', Action: '*', Resource: '*' }], invoke('r'))).toThrow(/Effect must be Allow or Deny/);
  });
});

describe('conditions', () => {
  const TABLE = 'arn:aws:dynamodb:eu-central-1:000000000000:table/Data';
  const leadingKeys: PolicyStatement = {
    Effect: 'Allow',
    Action: 'dynamodb:GetItem',
    Resource: TABLE,
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REQUEST#*', 'CUSTOMER#*'] } },
  };
  const get = (context: Record<string, string | boolean | string[]>) => isAllowed([leadingKeys], { action: 'dynamodb:GetItem', resource: TABLE, context });

  test('ForAllValues:StringLike: every value must match one pattern; a missing key holds vacuously', () => {
    expect(get({ 'dynamodb:LeadingKeys': ['REQUEST#r1'] }).allowed).toBe(true);
    expect(get({ 'dynamodb:LeadingKeys': ['REQUEST#r1', 'CUSTOMER#c1'] }).allowed).toBe(true);
    expect(get({ 'dynamodb:LeadingKeys': ['REQUEST#r1', 'STOCK#s1'] }).allowed).toBe(false);
    expect(get({}).allowed).toBe(true);
  });

  test('condition keys compare case-insensitively, values case-sensitively', () => {
    expect(get({ 'DynamoDB:leadingkeys': ['REQUEST#r1'] }).allowed).toBe(true);
    expect(get({ 'dynamodb:LeadingKeys': ['request#r1'] }).allowed).toBe(false);
  });

  test('StringEquals and StringLike: one of the values (OR); every key and operator must hold (AND); a missing key fails', () => {
    const statement: PolicyStatement = {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'], 'aws:PrincipalAccount': '000000000000' }, StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Store*' } },
    };
    const context = { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalAccount': '000000000000', 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/StoreSystems' };
    expect(isAllowed([statement], { action: 'a:B', resource: 'r', context }).allowed).toBe(true);
    expect(isAllowed([statement], { action: 'a:B', resource: 'r', context: { ...context, 'aws:RequestedRegion': 'us-east-1' } }).allowed).toBe(false);
    expect(isAllowed([statement], { action: 'a:B', resource: 'r', context: { ...context, 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/Admin' } }).allowed).toBe(false);
    const withoutAccount = Object.fromEntries(Object.entries(context).filter(([key]) => key !== 'aws:PrincipalAccount'));
    expect(isAllowed([statement], { action: 'a:B', resource: 'r', context: withoutAccount }).allowed).toBe(false);
  });

  test('ArnLike and ArnEquals compare the six ARN components, each with wildcards', () => {
    const statement = (operator: string): PolicyStatement => ({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { [operator]: { 'aws:SourceArn': 'arn:aws:execute-api:*:000000000000:abc123/*' } } });
    for (const operator of ['ArnLike', 'ArnEquals']) {
      expect(isAllowed([statement(operator)], { action: 'a:B', resource: 'r', context: { 'aws:SourceArn': `${API}/GET/x` } }).allowed).toBe(true);
      expect(isAllowed([statement(operator)], { action: 'a:B', resource: 'r', context: { 'aws:SourceArn': 'arn:aws:execute-api:eu-central-1:111111111111:abc123/v1/GET/x' } }).allowed).toBe(false);
      // A value that is no ARN never matches.
      expect(isAllowed([statement(operator)], { action: 'a:B', resource: 'r', context: { 'aws:SourceArn': 'not-an-arn' } }).allowed).toBe(false);
    }
  });

  test('Bool: "true" and "false" against a boolean or string context value', () => {
    const tlsOnly: PolicyStatement = { Effect: 'Deny', Action: 'sns:Publish', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const allow: PolicyStatement = { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' };
    expect(isAllowed([allow, tlsOnly], { action: 'sns:Publish', resource: 't', context: { 'aws:SecureTransport': false } }).allowed).toBe(false);
    expect(isAllowed([allow, tlsOnly], { action: 'sns:Publish', resource: 't', context: { 'aws:SecureTransport': 'true' } }).allowed).toBe(true);
  });

  test('negated operators hold when no value matches', () => {
    const statement: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } } };
    expect(isAllowed([statement], { action: 'a:B', resource: 'r', context: { 'aws:RequestedRegion': 'eu-central-1' } }).allowed).toBe(true);
    expect(isAllowed([statement], { action: 'a:B', resource: 'r', context: { 'aws:RequestedRegion': 'us-west-2' } }).allowed).toBe(false);
  });

  test('an unknown condition operator is an explicit error, not a silent mismatch', () => {
    const statement: PolicyStatement = { Sid: 'Numeric', Effect: 'Allow', Action: '*', Resource: '*', Condition: { NumericLessThan: { 's3:max-keys': '10' } } };
    expect(() => isAllowed([statement], { action: 'a:B', resource: 'r', context: { 's3:max-keys': '5' } })).toThrow(/statement Numeric: the condition operator NumericLessThan is not supported/);
  });
});
