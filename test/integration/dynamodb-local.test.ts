import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_JAR,
  DYNAMODB_LOCAL_PACKAGE_VERSION,
  assertJava,
  createDynamoDbClient,
  ensureDynamoDbLocal,
  startDynamoDbLocal,
  verifySha256,
  type DynamoDbLocal,
} from '../../local/dynamodb-local';

const START_TIMEOUT_MS = 60_000;
const PROJECT_ROOT = join(__dirname, '..', '..');

/**
 * Live processes in a process group, from `ps` (the watchdog shell leads the group).
 * Zombies are left out: they have exited and only wait for init to reap them.
 */
function processesInGroup(pgid: number): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, state]) => Number(group) === pgid && !state?.startsWith('Z'))
    .map((fields) => fields.join(' '));
}

/** Runs a Node process (tsx for TypeScript) that starts DynamoDB Local and prints its pid. */
function startInChildNode(): Promise<{ nodePid: number; pgid: number }> {
  const script =
    "require('./local/dynamodb-local.ts').startDynamoDbLocal({ mode: 'memory' })" +
    '.then((db) => { console.log(JSON.stringify({ pgid: db.pid })); setInterval(() => {}, 1000); })';
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /\{"pgid":(\d+)\}/.exec(out);
      if (match?.[1] && child.pid !== undefined) resolve({ nodePid: child.pid, pgid: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`child node exited (${code}) before DynamoDB Local was ready: ${out}`)));
  });
}

function listenOn(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return address.port;
}

async function createTodoTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

describe('DynamoDB Local in memory', () => {
  let db: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    db = await startDynamoDbLocal({ mode: 'memory' });
    client = createDynamoDbClient(db.endpoint);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    client?.destroy();
    await db?.stop();
  });

  it('starts on a loopback endpoint and answers ListTables', async () => {
    expect(db.endpoint).toBe(`http://127.0.0.1:${db.port}`);
    const result = await client.send(new ListTablesCommand({}));
    expect(result.TableNames).toEqual([]);
  });

  it('reads back an item written to a newly created table', async () => {
    await createTodoTable(client, 'Customers');
    await client.send(
      new PutItemCommand({ TableName: 'Customers', Item: { pk: { S: 'c-1' }, name: { S: 'Gasthaus Zur Gans' } } }),
    );
    const result = await client.send(new GetItemCommand({ TableName: 'Customers', Key: { pk: { S: 'c-1' } } }));
    expect(result.Item).toEqual({ pk: { S: 'c-1' }, name: { S: 'Gasthaus Zur Gans' } });
  });
});

describe('DynamoDB Local lifecycle', () => {
  it('stop() leaves no java process behind and is harmless when called twice', async () => {
    const db = await startDynamoDbLocal({ mode: 'memory' });
    const running = processesInGroup(db.pid);
    expect(running.some((args) => args.includes(DYNAMODB_LOCAL_JAR))).toBe(true);

    await db.stop();
    await db.stop();

    expect(processesInGroup(db.pid)).toEqual([]);
  }, START_TIMEOUT_MS);

  it('leaves no java process behind when the Node process that started it is killed with SIGKILL', async () => {
    const { nodePid, pgid } = await startInChildNode();
    expect(processesInGroup(pgid).some((args) => args.includes(DYNAMODB_LOCAL_JAR))).toBe(true);

    process.kill(nodePid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(processesInGroup(pgid)).toEqual([]);
  }, START_TIMEOUT_MS);

  it('keeps data across a restart in disk mode', async () => {
    const dbPath = await mkdtemp(join(tmpdir(), 'ddb-local-disk-'));
    try {
      const first = await startDynamoDbLocal({ mode: 'disk', dbPath });
      const firstClient = createDynamoDbClient(first.endpoint);
      await createTodoTable(firstClient, 'Tandems');
      await firstClient.send(new PutItemCommand({ TableName: 'Tandems', Item: { pk: { S: 't-7' } } }));
      firstClient.destroy();
      await first.stop();

      const second = await startDynamoDbLocal({ mode: 'disk', dbPath });
      const secondClient = createDynamoDbClient(second.endpoint);
      try {
        const result = await secondClient.send(new GetItemCommand({ TableName: 'Tandems', Key: { pk: { S: 't-7' } } }));
        expect(result.Item).toEqual({ pk: { S: 't-7' } });
      } finally {
        secondClient.destroy();
        await second.stop();
      }
    } finally {
      await rm(dbPath, { recursive: true, force: true });
    }
  }, 2 * START_TIMEOUT_MS);

  it('rejects a port that is already taken with an error naming the port', async () => {
    const blocker = await listenOn(0, '127.0.0.1');
    const port = portOf(blocker);
    try {
      await expect(startDynamoDbLocal({ mode: 'memory' }, { port })).rejects.toThrow(`Port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  }, START_TIMEOUT_MS);
});

describe('Java check', () => {
  it('explains in one line what to install when java is not on PATH', () => {
    const originalPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => assertJava()).toThrow(
        new Error(
          "DynamoDB Local needs Java 17 or later, but no 'java' was found on PATH. " +
            'Install it with: apt-get install -y openjdk-17-jre-headless',
        ),
      );
    } finally {
      process.env.PATH = originalPath;
    }
  });

  it('rejects a Java older than 17 in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fake-java-'));
    const fakeJava = join(dir, 'java');
    await writeFile(fakeJava, '#!/bin/sh\necho \'java version "1.8.0_292"\' >&2\n');
    await chmod(fakeJava, 0o755);
    try {
      expect(() => assertJava({ javaCommand: fakeJava })).toThrow(/^DynamoDB Local needs Java 17 or later, but '.*' is Java 8\. Install it with: .*$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts the installed Java 17 or later', () => {
    expect(assertJava()).toBeGreaterThanOrEqual(17);
  });
});

describe('ensureDynamoDbLocal', () => {
  it('refuses a download whose sha256 does not match the pinned one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ddb-local-sha-'));
    const file = join(dir, 'tampered.tgz');
    await writeFile(file, 'not the real tarball');
    try {
      await expect(verifySha256(file, '0'.repeat(64))).rejects.toThrow(/Checksum mismatch .* Nothing was cached\./);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets two concurrent callers on an empty cache both succeed with one complete folder', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'ddb-local-cache-'));
    try {
      const [a, b] = await Promise.all([ensureDynamoDbLocal({ cacheDir }), ensureDynamoDbLocal({ cacheDir })]);

      const expected = join(cacheDir, DYNAMODB_LOCAL_PACKAGE_VERSION);
      expect(a).toBe(expected);
      expect(b).toBe(expected);
      expect(await readdir(cacheDir)).toEqual([DYNAMODB_LOCAL_PACKAGE_VERSION]);
      expect(existsSync(join(expected, DYNAMODB_LOCAL_JAR))).toBe(true);
      expect(existsSync(join(expected, 'DynamoDBLocal_lib', 'libsqlite4java-linux-amd64.so'))).toBe(true);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  }, 180_000);
});
