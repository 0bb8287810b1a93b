/**
 * The only IAM actions this stack may grant on `Resource: "*"`: actions that
 * have no resource type in the Service Authorization Reference, so no ARN can
 * narrow them. Each carries the reason it is granted at all. The least-privilege
 * proof (test/infra/proof-least-privilege.test.ts) fails on any other action
 * granted on "*".
 */
export const ACTIONS_WITHOUT_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'Active tracing on every function and state machine sends its segments to X-Ray.',
  'xray:PutTelemetryRecords': 'Active tracing: the X-Ray SDK in Lambda and Step Functions reports its telemetry.',
  'xray:GetSamplingRules': 'Step Functions tracing reads the sampling rules before it samples an execution.',
  'xray:GetSamplingTargets': 'Step Functions tracing reports its sampling statistics and reads its quota.',
  'sns:CheckIfPhoneNumberIsOptedOut': 'Functions that send SMS check the opt-out list first, so an opted-out partner gets email instead.',
  'logs:CreateLogDelivery': 'Step Functions logging to CloudWatch Logs (vended log delivery) creates its delivery.',
  'logs:GetLogDelivery': 'Step Functions logging: reads its log delivery.',
  'logs:UpdateLogDelivery': 'Step Functions logging: updates its log delivery.',
  'logs:DeleteLogDelivery': 'Step Functions logging: removes its log delivery when logging changes.',
  'logs:ListLogDeliveries': 'Step Functions logging: lists its log deliveries.',
  'logs:PutResourcePolicy': 'Step Functions logging: lets the delivery write to the log group (a resource policy of the account).',
  'logs:DescribeResourcePolicies': 'Step Functions logging: reads the account\'s log resource policies before it adds one.',
  'logs:DescribeLogGroups': 'Step Functions logging: finds the log group it delivers to.',
};
