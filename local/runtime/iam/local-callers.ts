/**
 * Who calls the local cloud's IAM-authorized APIs. The default local
 * credentials (LOCAL_AWS.credentials) are the account's administrator — allowed
 * everything, as a developer's admin user is. For each role of the template
 * that the account may assume (its trust policy names the account), the local
 * cloud issues credentials on request, as STS AssumeRole would; a call signed
 * with them is evaluated against that role's identity policies.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LOCAL_AWS } from '../contracts';
import type { PolicyStatement } from './policy-evaluator';
import { templateRole, type TemplateRole } from './template-roles';

export interface LocalPrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The caller as AWS names it in an AccessDenied message: `arn:aws:iam::<account>:user/<name>` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** The caller's unique id as API Gateway's event gives it (`AROA…:<session>` for a role session). */
  readonly userId: string;
  /** `administrator`: allowed everything; otherwise the identity policies of the assumed role. */
  readonly policy: 'administrator' | readonly PolicyStatement[];
}

/** Temporary credentials as Lambda puts them in a function's environment. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The role session's ARN, as an AccessDenied message names the caller. */
  readonly principalArn: string;
}

/** The account's administrator behind the default local credentials. */
export const LOCAL_ADMINISTRATOR: LocalPrincipal = {
  ...LOCAL_AWS.credentials,
  arn: `arn:${LOCAL_AWS.partition}:iam::${LOCAL_AWS.accountId}:user/${LOCAL_AWS.credentials.accessKeyId}`,
  userId: LOCAL_AWS.credentials.accessKeyId,
  policy: 'administrator',
};

/** A fresh temporary key pair like STS gives: `ASIA` + 16 characters, and a 40-character secret of 240 random bits. */
export function newSessionCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: `ASIA${base32(randomBytes(10))}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

export class LocalCallers {
  private readonly issued = new Map<string, LocalPrincipal>();
  /** The stack's own role sessions (a function's execution role), one per role and session name. */
  private readonly serviceSessions = new Map<string, SessionCredentials>();
  private sessions = 0;

  /** `roles`: the template's roles, read when first needed (local/runtime/iam/template-roles.ts). */
  constructor(private readonly roles: () => readonly TemplateRole[]) {}

  /** The principal behind an access key id, or undefined for a key nobody issued. */
  principal(accessKeyId: string): LocalPrincipal | undefined {
    if (accessKeyId === LOCAL_ADMINISTRATOR.accessKeyId) return LOCAL_ADMINISTRATOR;
    return this.issued.get(accessKeyId);
  }

  /** Credentials of a new session of the role whose logical id starts with the prefix; the role must trust the account. */
  credentialsFor(roleLogicalIdPrefix: string, sessionName = `local-session-${++this.sessions}`): IssuedCredentials {
    const role = templateRole(this.roles(), roleLogicalIdPrefix);
    if (!trustsAccount(role)) {
      throw new Error(`${role.logicalId} cannot be assumed by the account's principals: its trust policy allows ${JSON.stringify(role.trust.map((s) => s.Principal))}`);
    }
    const principal = this.issue(role, sessionName);
    return { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey, principalArn: principal.arn };
  }

  /**
   * The session a service (Lambda) holds of one of the stack's roles for `sessionName` (e.g. the function's
   * name), as Lambda gives a function temporary credentials of its execution role: the same ones on every call.
   */
  serviceSession(roleArn: string, sessionName: string): SessionCredentials {
    const key = `${roleArn}|${sessionName}`;
    const existing = this.serviceSessions.get(key);
    if (existing) return existing;
    const role = this.roles().find((r) => r.arn === roleArn);
    if (!role) throw new Error(`no role of the template has the ARN ${roleArn}`);
    const principal = this.issue(role, sessionName);
    const credentials = { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey, sessionToken: randomBytes(32).toString('base64') };
    this.serviceSessions.set(key, credentials);
    return credentials;
  }

  private issue(role: TemplateRole, sessionName: string): LocalPrincipal {
    const keys = newSessionCredentials();
    const roleId = `AROA${createHash('sha256').update(role.arn).digest('hex').slice(0, 17).toUpperCase()}`;
    const principal: LocalPrincipal = {
      ...keys,
      arn: `arn:${LOCAL_AWS.partition}:sts::${LOCAL_AWS.accountId}:assumed-role/${role.roleName}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      policy: role.statements,
    };
    this.issued.set(keys.accessKeyId, principal);
    return principal;
  }
}

/** An Allow of sts:AssumeRole to the account (its root ARN or its id), as AccountRootPrincipal writes it. */
function trustsAccount(role: TemplateRole): boolean {
  const account = [`arn:${LOCAL_AWS.partition}:iam::${LOCAL_AWS.accountId}:root`, LOCAL_AWS.accountId];
  return role.trust.some((statement) => {
    if (statement.Effect !== 'Allow' || statement.Principal === undefined || statement.Principal === '*') return false;
    const actions = [statement.Action ?? []].flat();
    const principals = [statement.Principal.AWS ?? []].flat();
    return actions.includes('sts:AssumeRole') && principals.some((p) => account.includes(p));
  });
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
