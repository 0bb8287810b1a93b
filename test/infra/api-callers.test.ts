/**
 * The Store API's callers are IAM roles of the account: the store systems'
 * role may invoke the store routes only, the directory admin role the admin
 * routes (tandem directory, reassignments) only — read from the synthesized
 * template and evaluated with the local IAM evaluator against every route.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_AWS } from '../../local/runtime/contracts';
import { isAllowed } from '../../local/runtime/iam/policy-evaluator';
import { loadTemplateRoles, templateRole } from '../../local/runtime/iam/template-roles';
import { executeApiArn } from '../../local/runtime/iam/execute-api';
import { loadStackModel } from '../../local/template/stack-model';
import type { Template } from '../../local/template/intrinsics';
import { devCdkOut, devTemplate } from '../support/infra-template';

const stackName = 'Tandem360-dev';
const raw = JSON.parse(readFileSync(join(devCdkOut(), `${stackName}.template.json`), 'utf8')) as Template;
const roles = loadTemplateRoles(raw, stackName);
const model = loadStackModel(devCdkOut(), stackName);
const [api] = model.apis;
const isAdminPath = (path: string) => path.startsWith('/tandems/') || path === '/reassignments';

describe('Store API callers', () => {
  test('two caller roles, each trusted by the account only, their ARNs in the outputs', () => {
    for (const prefix of ['StoreApiStoreSystemsRole', 'StoreApiDirectoryAdminRole']) {
      const role = templateRole(roles, prefix);
      expect(role.trust).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: `arn:${LOCAL_AWS.partition}:iam::${LOCAL_AWS.accountId}:root` } },
      ]);
    }
    const outputs = devTemplate().toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.StoreSystemsRoleArn?.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StoreApiStoreSystemsRole/), 'Arn'] });
    expect(outputs.DirectoryAdminRoleArn?.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StoreApiDirectoryAdminRole/), 'Arn'] });
  });

  test('the store systems may invoke every store route and no admin route; the admins every admin route and no store route; nobody needs a grant for the open decision links', () => {
    const store = templateRole(roles, 'StoreApiStoreSystemsRole');
    const admin = templateRole(roles, 'StoreApiDirectoryAdminRole');
    const signed = api!.routes.filter((route) => route.authorization === 'AWS_IAM');
    expect(signed.filter((route) => isAdminPath(route.path)).length).toBeGreaterThanOrEqual(4);
    const table = signed.map((route) => {
      // A concrete request path: every path parameter filled in.
      const resource = executeApiArn(api!, route.method, route.path.replace(/\{[^}]+\}/g, 'X1'));
      return {
        route: `${route.method} ${route.path}`,
        store: isAllowed(store.statements, { action: 'execute-api:Invoke', resource }).allowed,
        admin: isAllowed(admin.statements, { action: 'execute-api:Invoke', resource }).allowed,
      };
    });
    expect(table).toEqual(signed.map((route) => ({ route: `${route.method} ${route.path}`, store: !isAdminPath(route.path), admin: isAdminPath(route.path) })));
    // Only execute-api:Invoke, on this API's own stage.
    for (const role of [store, admin]) {
      for (const statement of role.statements) {
        expect(statement).toMatchObject({ Effect: 'Allow', Action: 'execute-api:Invoke' });
        expect(String(statement.Resource)).toMatch(new RegExp(`^arn:aws:execute-api:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:${api!.restApiId}/${api!.stageName}/`));
      }
    }
  });
});
