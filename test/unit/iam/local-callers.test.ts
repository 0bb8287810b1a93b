import { LOCAL_AWS } from '../../../local/runtime/contracts';
import { LOCAL_ADMINISTRATOR, LocalCallers } from '../../../local/runtime/iam/local-callers';
import type { TemplateRole } from '../../../local/runtime/iam/template-roles';

const account = `arn:aws:iam::${LOCAL_AWS.accountId}:root`;
const role = (logicalId: string, principal: Record<string, string>): TemplateRole => ({
  logicalId,
  roleName: `Stack-${logicalId}`,
  arn: `arn:aws:iam::${LOCAL_AWS.accountId}:role/Stack-${logicalId}`,
  statements: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:api/v1/GET/x' }],
  trust: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal }],
  externalManagedPolicyArns: [],
});

describe('LocalCallers', () => {
  const roles = [role('StoreSystemsRoleABC', { AWS: account }), role('FunctionRoleDEF', { Service: 'lambda.amazonaws.com' })];

  test('the default local key is the account administrator; a key nobody issued is unknown', () => {
    const callers = new LocalCallers(() => roles);
    expect(callers.principal(LOCAL_AWS.credentials.accessKeyId)).toBe(LOCAL_ADMINISTRATOR);
    expect(LOCAL_ADMINISTRATOR.policy).toBe('administrator');
    expect(callers.principal('ASIAUNKNOWN')).toBeUndefined();
  });

  test('a role the account may assume gets a fresh session each time, its key mapping to the role and its statements', () => {
    const callers = new LocalCallers(() => roles);
    const first = callers.credentialsFor('StoreSystemsRole', 'store-S001');
    const second = callers.credentialsFor('StoreSystemsRole');
    expect(first.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(first.accessKeyId).not.toBe(second.accessKeyId);
    expect(first.principalArn).toBe(`arn:aws:sts::${LOCAL_AWS.accountId}:assumed-role/Stack-StoreSystemsRoleABC/store-S001`);
    expect(callers.principal(first.accessKeyId)).toMatchObject({ secretAccessKey: first.secretAccessKey, arn: first.principalArn, policy: roles[0]!.statements });
  });

  test("a function's execution role, or a prefix that names no single role, gets no credentials", () => {
    const callers = new LocalCallers(() => roles);
    expect(() => callers.credentialsFor('FunctionRole')).toThrow(/cannot be assumed by the account's principals/);
    expect(() => callers.credentialsFor('Nothing')).toThrow(/no role\(s\) of the template have a logical id starting with 'Nothing'/);
  });
});
