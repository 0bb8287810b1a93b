/**
 * DynamoDB Local harness: fetches AWS's DynamoDB Local (once, cached, checksum
 * verified), checks Java, starts it in memory or on disk, and guarantees that
 * no Java process outlives us — not even when Node is killed with SIGKILL.
 *
 * Why this shape: the project must run on a fresh machine with `npm ci && npm
 * test`, without Docker or AWS. The jar ships inside the npm package
 * `amplify-dynamodb-simulator` (folder `package/emulator/`); we take only that
 * folder, not the package's amplify dependencies.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** npm package that carries DynamoDB Local 1.25.1 in `package/emulator/`. */
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator';
export const DYNAMODB_LOCAL_PACKAGE_VERSION = '2.9.30';
/** sha256 of the tarball `npm pack amplify-dynamodb-simulator@2.9.30` yields. */
export const DYNAMODB_LOCAL_PACKAGE_SHA256 =
  '3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9';
export const DYNAMODB_LOCAL_JAR = 'DynamoDBLocal.jar';

/** Region and credentials every local client uses; with -sharedDb any would do. */
export const LOCAL_REGION = 'eu-central-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export const MIN_JAVA_MAJOR = 17;
const JAVA_INSTALL_HINT = 'apt-get install -y openjdk-17-jre-headless';

const READY_POLL_INTERVAL_MS = 100;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
const OUTPUT_TAIL_CHARS = 4_000;
/** Auto-picked ports can be grabbed by someone else between probe and bind. */
const AUTO_PORT_ATTEMPTS = 3;

type Log = (line: string) => void;
const silent: Log = () => undefined;

// ---------------------------------------------------------------------------
// 1. Fetch and cache the jar
// ---------------------------------------------------------------------------

export interface EnsureOptions {
  /** Base cache folder; the version is appended. Default `<project>/.cache/dynamodb-local`. */
  cacheDir?: string;
  log?: Log;
}

/** The folder holding package.json, found by walking up from this file. */
export function findProjectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json found above ${start}`);
    dir = parent;
  }
}

export function defaultCacheDir(): string {
  return join(findProjectRoot(), '.cache', 'dynamodb-local');
}

/**
 * Returns the directory holding DynamoDBLocal.jar, downloading it on first use.
 * Safe to call concurrently from several processes: each works in its own temp
 * folder and the finished folder appears by one atomic rename.
 */
export async function ensureDynamoDbLocal(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? silent;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const target = join(cacheDir, DYNAMODB_LOCAL_PACKAGE_VERSION);
  if (isInstalled(target)) return target;

  await mkdir(cacheDir, { recursive: true });
  // The temp folder sits inside cacheDir so the final rename stays on one filesystem.
  const work = await mkdtemp(join(cacheDir, `.tmp-${DYNAMODB_LOCAL_PACKAGE_VERSION}-`));
  try {
    log(`Fetching DynamoDB Local (${DYNAMODB_LOCAL_PACKAGE}@${DYNAMODB_LOCAL_PACKAGE_VERSION}) into ${target}`);
    const tarball = await npmPack(work);
    await verifySha256(tarball, DYNAMODB_LOCAL_PACKAGE_SHA256);
    const extracted = join(work, 'emulator');
    await extractEmulator(tarball, extracted);
    await moveIntoPlace(extracted, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function isInstalled(dir: string): boolean {
  // The folder only ever appears complete (atomic rename), so the jar's presence is enough.
  return existsSync(join(dir, DYNAMODB_LOCAL_JAR));
}

/** `npm pack` downloads the registry tarball without installing its dependencies. */
async function npmPack(destination: string): Promise<string> {
  const spec = `${DYNAMODB_LOCAL_PACKAGE}@${DYNAMODB_LOCAL_PACKAGE_VERSION}`;
  await run('npm', ['pack', spec, '--pack-destination', destination, '--ignore-scripts', '--silent'], findProjectRoot());
  const tarballs = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
  const [tarball] = tarballs;
  if (tarballs.length !== 1 || tarball === undefined) {
    throw new Error(`npm pack ${spec} produced ${tarballs.length} tarballs in ${destination}, expected 1`);
  }
  return join(destination, tarball);
}

export async function verifySha256(file: string, expected: string): Promise<void> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual !== expected) {
    throw new Error(
      `Checksum mismatch for ${DYNAMODB_LOCAL_PACKAGE}@${DYNAMODB_LOCAL_PACKAGE_VERSION}: ` +
        `expected sha256 ${expected}, got ${actual}. Nothing was cached.`,
    );
  }
}

/** Only `package/emulator/` is needed: the jar, its libs and native sqlite bindings. */
async function extractEmulator(tarball: string, destination: string): Promise<void> {
  await mkdir(destination);
  await run('tar', ['-xzf', tarball, '-C', destination, '--strip-components=2', 'package/emulator'], destination);
  if (!existsSync(join(destination, DYNAMODB_LOCAL_JAR))) {
    throw new Error(`${tarball} has no package/emulator/${DYNAMODB_LOCAL_JAR}`);
  }
}

/** rename() is atomic; if another caller won the race its folder is just as good. */
async function moveIntoPlace(source: string, target: string): Promise<void> {
  try {
    await rename(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const lostRace = (code === 'EEXIST' || code === 'ENOTEMPTY') && isInstalled(target);
    if (!lostRace) throw error;
  }
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = tail(stderr + chunk.toString());
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

// ---------------------------------------------------------------------------
// 2. Java
// ---------------------------------------------------------------------------

export interface AssertJavaOptions {
  /** Command to run; default `java` from PATH. Injectable for tests. */
  javaCommand?: string;
}

/** Throws one clear line if Java is missing or older than 17; returns the major version. */
export function assertJava(options: AssertJavaOptions = {}): number {
  const java = options.javaCommand ?? 'java';
  // env passed explicitly so PATH is read from this module's view of process.env (jest sandboxes it).
  const result = spawnSync(java, ['-version'], { encoding: 'utf8', env: process.env });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `no '${java}' was found on PATH` : `'${java} -version' failed (${code ?? result.error.message})`;
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or later, but ${why}. Install it with: ${JAVA_INSTALL_HINT}`);
  }
  const major = parseJavaMajor(`${result.stderr}\n${result.stdout}`);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    const found = major === undefined ? 'an unrecognised version' : `Java ${major}`;
    throw new Error(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or later, but '${java}' is ${found}. Install it with: ${JAVA_INSTALL_HINT}`,
    );
  }
  return major;
}

/** `openjdk version "17.0.15"` → 17; old style `java version "1.8.0_292"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

// ---------------------------------------------------------------------------
// 3. Start / stop
// ---------------------------------------------------------------------------

export type DynamoDbLocalMode = { mode: 'memory' } | { mode: 'disk'; dbPath: string };

export interface StartOptions {
  /** Fixed port; default: a free one picked by the OS. */
  port?: number;
  /** Host used in the endpoint URL and for the port probe. Default 127.0.0.1. */
  host?: string;
  log?: Log;
  cacheDir?: string;
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** pid of the watchdog shell; it leads the process group that also holds Java. */
  pid: number;
  stop(): Promise<void>;
}

export function createDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export async function startDynamoDbLocal(mode: DynamoDbLocalMode, extra: StartOptions = {}): Promise<DynamoDbLocal> {
  const log = extra.log ?? silent;
  const host = extra.host ?? '127.0.0.1';
  assertJava();
  const jarDir = await ensureDynamoDbLocal({ log, ...(extra.cacheDir !== undefined && { cacheDir: extra.cacheDir }) });
  if (mode.mode === 'disk') await mkdir(mode.dbPath, { recursive: true });

  const attempts = extra.port === undefined ? AUTO_PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = extra.port ?? (await pickFreePort());
    try {
      await assertPortFree(port);
      return await launch({ jarDir, mode, port, host, log, timeoutMs: extra.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= attempts) throw error;
      log(`Port ${port} was taken while DynamoDB Local started; retrying on another port`);
    }
  }
}

class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `Port ${port} is already in use, so DynamoDB Local cannot listen on it. ` +
        'Stop whatever uses it, or pass another port (or none, to pick a free one).',
    );
  }
}

/** Let the OS choose: listen on port 0, read the port, close. */
function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    // Probe the wildcard address, because that is what DynamoDB Local binds.
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not determine a free port'));
      });
    });
  });
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortInUseError(port) : error);
    });
    server.listen(port, '0.0.0.0', () => server.close(() => resolve()));
  });
}

/**
 * The watchdog shell. Java runs in the background with stdin from /dev/null; a
 * second background job blocks on `read` from our pipe (saved as fd 3, since
 * background jobs get /dev/null as stdin). When Node closes the pipe — stop(),
 * normal exit, or dying by SIGKILL — `read` returns and Java gets SIGTERM. When
 * Java exits on its own, the shell exits with its code so we notice.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'child=$!',
  '{ read _ <&3; kill $child 2>/dev/null; } &',
  'watcher=$!',
  'exec 3<&-',
  'wait $child',
  'code=$?',
  'kill $watcher 2>/dev/null; wait $watcher 2>/dev/null',
  'exit $code',
].join('\n');

interface LaunchOptions {
  jarDir: string;
  mode: DynamoDbLocalMode;
  port: number;
  host: string;
  log: Log;
  timeoutMs: number;
}

function javaArgs(jarDir: string, mode: DynamoDbLocalMode, port: number): string[] {
  const storage = mode.mode === 'memory' ? ['-inMemory'] : ['-dbPath', mode.dbPath];
  // DynamoDB Local 1.25.1 has no host/bind flag (`-help` lists only -port, -inMemory,
  // -dbPath, -sharedDb, -cors, ...): it always listens on all interfaces.
  // -sharedDb: one database for every access key and region.
  return [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, DYNAMODB_LOCAL_JAR),
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
}

async function launch(options: LaunchOptions): Promise<DynamoDbLocal> {
  const { jarDir, mode, port, host, log } = options;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // detached: own process group, so stop() and the exit hook can kill shell and Java together.
  const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'sh', 'java', ...javaArgs(jarDir, mode, port)], {
    cwd: jarDir,
    env: process.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not spawn the DynamoDB Local watchdog shell: ${(await spawnFailed).message}`);
  const output = captureOutput(child, log);
  const instance = trackProcessGroup(child, pid);
  // A running instance does not keep Node alive by itself: a forgotten stop() must not
  // hang jest, and the watchdog kills Java when Node exits anyway. stop() re-refs.
  setKeepsNodeAlive(child, false);

  const started = Date.now();
  try {
    await waitUntilReady({ child, endpoint, port, output, timeoutMs: options.timeoutMs });
  } catch (error) {
    await instance.stop();
    throw error;
  }
  log(`DynamoDB Local (${mode.mode}) ready at ${endpoint} after ${Date.now() - started} ms`);
  return { endpoint, port, pid, stop: instance.stop };
}

interface OutputTail {
  text(): string;
}

/** Keep draining Java's output (a full pipe would block it) and remember the tail. */
function captureOutput(child: ChildProcess, log: Log): OutputTail {
  let text = '';
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const s = chunk.toString();
    text = tail(text + s);
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') log(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { text: () => text };
}

interface ReadyOptions {
  child: ChildProcess;
  endpoint: string;
  port: number;
  output: OutputTail;
  timeoutMs: number;
}

/**
 * Poll a real ListTables until it answers, Java dies, or time runs out.
 * Residual race, accepted: if another DynamoDB Local grabs the port between our
 * probe and Java's bind, the first poll could reach that one before our Java
 * reports its bind failure. The port probe right before spawning keeps the
 * window to Java's start-up time.
 */
async function waitUntilReady({ child, endpoint, port, output, timeoutMs }: ReadyOptions): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      // Java does not exit when it cannot bind (Jetty threads keep it alive), so look for it.
      if (/Failed to bind|BindException/.test(output.text())) throw new PortInUseError(port);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `DynamoDB Local exited (${child.signalCode ?? `exit ${child.exitCode}`}) before answering. Output:\n${output.text().trim()}`,
        );
      }
      if (await answersListTables(client)) return;
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms. Output:\n${output.text().trim()}`);
      }
      await sleep(READY_POLL_INTERVAL_MS);
    }
  } finally {
    client.destroy();
  }
}

async function answersListTables(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Process-group bookkeeping: stop(), and a last-resort hook on process exit
// ---------------------------------------------------------------------------

const runningGroups = new Set<number>();
let exitHookInstalled = false;

/** On a normal exit nothing async runs any more, so kill synchronously and hard. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of runningGroups) killGroup(pgid, 'SIGKILL');
  });
}

function trackProcessGroup(child: ChildProcess, pgid: number): { stop: () => Promise<void> } {
  installExitHook();
  runningGroups.add(pgid);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // Java gone on its own (crash): forget the group so the exit hook never signals a reused id.
  void exited.then(() => {
    if (!groupAlive(pgid)) runningGroups.delete(pgid);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopGroup(child, pgid, exited).finally(() => runningGroups.delete(pgid));
    return stopping;
  };
  return { stop };
}

/** Close the watchdog's pipe (graceful SIGTERM to Java); SIGKILL the group after a grace period. */
async function stopGroup(child: ChildProcess, pgid: number, exited: Promise<void>): Promise<void> {
  setKeepsNodeAlive(child, true);
  child.stdin?.end();
  const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
  await waitForGroupGone(pgid);
}

/** ref()/unref() the child and its pipes (they are net.Sockets at runtime). */
function setKeepsNodeAlive(child: ChildProcess, keepAlive: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr]) {
    const refable = handle as Partial<Pick<Socket, 'ref' | 'unref'>> | null;
    if (keepAlive) refable?.ref?.();
    else refable?.unref?.();
  }
}

/**
 * The shell has exited; make sure nothing else of its group is left. Bounded,
 * because an un-reaped zombie (no init in some containers) would count forever.
 */
async function waitForGroupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      killGroup(pgid, 'SIGKILL');
      return;
    }
    await sleep(50);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function tail(text: string): string {
  return text.length > OUTPUT_TAIL_CHARS ? text.slice(-OUTPUT_TAIL_CHARS) : text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
