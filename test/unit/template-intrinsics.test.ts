import { IntrinsicResolver, TemplateResolutionError, type Template } from '../../local/template/intrinsics';

const template: Template = {
  Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/version' } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'AWS::StackName' }, 'App-prod'] },
    IsNotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
  },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::GlobalTable', Properties: {} },
    NamedTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders' } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
    Widget: { Type: 'AWS::Custom::Widget', Properties: {} },
  },
};
const resolver = new IntrinsicResolver(template, 'App-dev');

describe('IntrinsicResolver', () => {
  test('Ref gives each resource type the value CloudFormation gives: names for tables and functions, ARNs for topics and state machines', () => {
    expect(resolver.resolve({ Ref: 'Table' }, 'x')).toBe('App-dev-Table');
    expect(resolver.resolve({ Ref: 'NamedTable' }, 'x')).toBe('orders');
    expect(resolver.resolve({ Ref: 'Fn' }, 'x')).toBe('App-dev-Fn');
    expect(resolver.resolve({ Ref: 'Topic' }, 'x')).toBe('arn:aws:sns:eu-central-1:000000000000:App-dev-Topic');
    expect(resolver.resolve({ Ref: 'Machine' }, 'x')).toBe('arn:aws:states:eu-central-1:000000000000:stateMachine:App-dev-Machine');
  });

  test('pseudo-parameters and parameter defaults resolve to the local account and region', () => {
    expect(resolver.resolve([{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Partition' }], 'x')).toEqual([
      'eu-central-1',
      '000000000000',
      'aws',
    ]);
    expect(resolver.resolve({ Ref: 'BootstrapVersion' }, 'x')).toBe('/cdk-bootstrap/version');
  });

  test('Fn::GetAtt Arn and StreamArn follow the ARN formats of each service', () => {
    expect(resolver.resolve({ 'Fn::GetAtt': ['Table', 'Arn'] }, 'x')).toBe('arn:aws:dynamodb:eu-central-1:000000000000:table/App-dev-Table');
    expect(resolver.resolve({ 'Fn::GetAtt': ['Table', 'StreamArn'] }, 'x')).toMatch(/table\/App-dev-Table\/stream\//);
    expect(resolver.resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'x')).toBe('arn:aws:lambda:eu-central-1:000000000000:function:App-dev-Fn');
    expect(resolver.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] }, 'x')).toBe('arn:aws:iam::000000000000:role/App-dev-Role');
  });

  test('Fn::Join, Fn::Sub (with variables, attributes and escapes), Fn::Select and Fn::Split compose', () => {
    expect(resolver.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x']] }, 'x')).toBe('arn:aws:x');
    expect(resolver.resolve({ 'Fn::Sub': 'cdk-${AWS::AccountId}-${AWS::Region}' }, 'x')).toBe('cdk-000000000000-eu-central-1');
    expect(resolver.resolve({ 'Fn::Sub': ['${Name}/${Fn.Arn}/${!Literal}', { Name: { Ref: 'Fn' } }] }, 'x')).toBe(
      'App-dev-Fn/arn:aws:lambda:eu-central-1:000000000000:function:App-dev-Fn/${Literal}',
    );
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, 'x')).toBe('b');
  });

  test('Fn::If evaluates the template conditions', () => {
    expect(resolver.resolve({ 'Fn::If': ['IsProd', 'retain', 'delete'] }, 'x')).toBe('delete');
    expect(resolver.resolve({ 'Fn::If': ['IsNotProd', 'retain', 'delete'] }, 'x')).toBe('retain');
  });

  test('what cannot be resolved is an error naming the resource and property', () => {
    expect(() => resolver.resolve({ Ref: 'Missing' }, 'Fn.Environment.Variables.TABLE')).toThrow(
      /Fn\.Environment\.Variables\.TABLE: refers to Missing, which the template does not declare/,
    );
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Widget', 'Endpoint'] }, 'Queue.Url')).toThrow(TemplateResolutionError);
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'shared' }, 'Fn.Environment')).toThrow(
      /Fn\.Environment: Fn::ImportValue is not supported by the local runtime/,
    );
  });
});
