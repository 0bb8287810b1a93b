import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LOCAL_AWS } from '../../local/runtime/contracts';

/** Debian's AWS CLI v2 (scripts/install-system-packages.sh installs it before the tests). */
export const AWS_CLI = '/usr/bin/aws';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real AWS CLI against a local endpoint, with the local credentials and region. */
export function awsCli(endpoint: string, args: readonly string[]): Promise<CliResult> {
  if (!existsSync(AWS_CLI)) {
    throw new Error(`${AWS_CLI} is missing: run scripts/install-system-packages.sh (installs Debian's awscli)`);
  }
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ['--endpoint-url', endpoint, '--output', 'json', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          AWS_REGION: LOCAL_AWS.region,
          AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
          AWS_PAGER: '',
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
