/**
 * Role sessions of the stack's own compute: each function runs with
 * credentials of its execution role, as Lambda gives a function temporary
 * credentials of its role (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN). One session per function, kept for the life of the local
 * cloud; a call signed with it is evaluated against the role's identity
 * policies (local/runtime/iam/dynamodb-authorizer.ts).
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_AWS } from '../contracts';
import { newSessionCredentials, type LocalPrincipal } from './local-callers';
import type { TemplateRole } from './template-roles';

export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export class ServiceSessions {
  private readonly byKey = new Map<string, LocalPrincipal>();
  private readonly bySession = new Map<string, SessionCredentials>();

  constructor(private readonly roles: () => readonly TemplateRole[]) {}

  /** The credentials of `sessionName`'s session of the role with this ARN (the same ones on every call). */
  credentials(roleArn: string, sessionName: string): SessionCredentials {
    const key = `${roleArn}|${sessionName}`;
    const existing = this.bySession.get(key);
    if (existing) return existing;
    const role = this.roles().find((r) => r.arn === roleArn);
    if (!role) throw new Error(`no role of the template has the ARN ${roleArn}`);
    const credentials = { ...newSessionCredentials(), sessionToken: randomBytes(32).toString('base64') };
    this.byKey.set(credentials.accessKeyId, {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      arn: `arn:${LOCAL_AWS.partition}:sts::${LOCAL_AWS.accountId}:assumed-role/${role.roleName}/${sessionName}`,
      userId: `${role.logicalId}:${sessionName}`,
      policy: role.statements,
    });
    this.bySession.set(key, credentials);
    return credentials;
  }

  /** The principal behind a session's access key id, or undefined for a key this registry did not issue. */
  principal(accessKeyId: string): LocalPrincipal | undefined {
    return this.byKey.get(accessKeyId);
  }
}
