/**
 * Where the time goes during a throughput run, from cheap counters: CPU of
 * this Node process (API, engine, front, IAM, SNS and every Lambda worker
 * thread) and of DynamoDB Local's Java process, read from /proc; wall time
 * per DynamoDB operation at the front (and in its interceptors: IAM), per
 * Lambda function at the runner, per state in the engine's history.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { DynamoDbOperationStats } from '../local/runtime/dynamodb/dynamodb-front';
import type { LambdaFunctionStats } from '../local/runtime/lambda/runner';
import { markdownTable } from './bench-part';
import type { BenchWorld } from './throughput-world';

interface Snapshot {
  readonly at: number;
  readonly nodeCpuMs: number;
  readonly mainThreadCpuMs: number;
  readonly javaCpuMs: number;
  readonly machineBusyMs: number;
  readonly dynamoDb: Record<string, DynamoDbOperationStats>;
  readonly lambda: Record<string, LambdaFunctionStats>;
}

export interface Profile {
  readonly wallMs: number;
  readonly nodeCpuMs: number;
  /** Of nodeCpuMs, the main thread's: API, engine, front, IAM, SNS, stream pollers, the bench's own clients. */
  readonly mainThreadCpuMs: number;
  readonly javaCpuMs: number;
  /** CPU time of every process on the machine (from /proc/stat): what others took is this minus Node and Java. */
  readonly machineBusyMs: number;
  readonly dynamoDb: { operation: string; calls: number; totalMs: number; interceptMs: number }[];
  readonly lambda: { functionName: string; invocations: number; totalMs: number }[];
  readonly states: { state: string; entered: number; totalMs: number }[];
}

/** Starts counting; `stop()` gives what happened in between. */
export function startProfile(world: BenchWorld): { stop(): Profile } {
  const javaPid = javaPidOf(world.dynamoDb.pid);
  const before = snapshot(world, javaPid);
  const states = new Map<string, { entered: number; totalMs: number }>();
  const enteredAt = new Map<string, { state: string; at: number }>();
  const stopListening = world.cloud.stepFunctions.onEvent((event) => {
    if (event.kind !== 'history') return;
    const type = event.event.type ?? '';
    const name = event.event.stateEnteredEventDetails?.name ?? event.event.stateExitedEventDetails?.name;
    if (!name) return;
    const at = performance.now();
    if (type.endsWith('StateEntered')) enteredAt.set(event.executionArn, { state: name, at });
    else if (type.endsWith('StateExited')) {
      const entry = enteredAt.get(event.executionArn);
      if (entry?.state !== name) return;
      const counted = states.get(name) ?? { entered: 0, totalMs: 0 };
      counted.entered += 1;
      counted.totalMs += at - entry.at;
      states.set(name, counted);
      enteredAt.delete(event.executionArn);
    }
  });
  return {
    stop: () => {
      stopListening();
      const after = snapshot(world, javaPid);
      return {
        wallMs: after.at - before.at,
        nodeCpuMs: after.nodeCpuMs - before.nodeCpuMs,
        mainThreadCpuMs: after.mainThreadCpuMs - before.mainThreadCpuMs,
        javaCpuMs: after.javaCpuMs - before.javaCpuMs,
        machineBusyMs: after.machineBusyMs - before.machineBusyMs,
        dynamoDb: Object.entries(after.dynamoDb)
          .map(([operation, s]) => {
            const b = before.dynamoDb[operation];
            return { operation, calls: s.calls - (b?.calls ?? 0), totalMs: s.totalMs - (b?.totalMs ?? 0), interceptMs: s.interceptMs - (b?.interceptMs ?? 0) };
          })
          .filter((o) => o.calls > 0)
          .sort((a, b) => b.totalMs - a.totalMs),
        lambda: Object.entries(after.lambda)
          .map(([functionName, s]) => {
            const b = before.lambda[functionName];
            return { functionName, invocations: s.invocations - (b?.invocations ?? 0), totalMs: s.totalMs - (b?.totalMs ?? 0) };
          })
          .filter((f) => f.invocations > 0)
          .sort((a, b) => b.totalMs - a.totalMs),
        states: [...states].map(([state, s]) => ({ state, ...s })).sort((a, b) => b.totalMs - a.totalMs),
      };
    },
  };
}

function snapshot(world: BenchWorld, javaPid: number | undefined): Snapshot {
  const cpu = process.cpuUsage();
  return {
    at: performance.now(),
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    // The main thread's task id is the process id.
    mainThreadCpuMs: processCpuMs(process.pid, `/proc/self/task/${process.pid}/stat`),
    javaCpuMs: javaPid === undefined ? Number.NaN : processCpuMs(javaPid),
    machineBusyMs: machineBusyMs(),
    dynamoDb: world.cloud.dynamoDbFront.stats(),
    lambda: world.cloud.lambda.stats(),
  };
}

/** DynamoDB Local runs as Java under a watchdog shell: its child. */
function javaPidOf(watchdogPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${watchdogPid}/task/${watchdogPid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    return children.find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'java');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in ms (clock ticks of 10 ms on Linux). */
function processCpuMs(pid: number, file = `/proc/${pid}/stat`): number {
  try {
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Busy CPU time of the whole machine: /proc/stat's first line minus idle and iowait, in ms. */
function machineBusyMs(): number {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const busy = ticks.reduce((sum, t) => sum + t, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0);
    return busy * 10;
  } catch {
    return Number.NaN;
  }
}

/** Tables and sentences of a profile, per request where that reads better. */
export function describeProfile(profile: Profile, requests: number, label: string): { tables: { title: string; markdown: string }[]; notes: string[] } {
  const perRequest = (ms: number) => ms / requests;
  const cores = (ms: number) => ms / profile.wallMs;
  const dynamoDbCalls = profile.dynamoDb.reduce((sum, o) => sum + o.calls, 0);
  const dynamoDbMs = profile.dynamoDb.reduce((sum, o) => sum + o.totalMs, 0);
  const interceptMs = profile.dynamoDb.reduce((sum, o) => sum + o.interceptMs, 0);
  const lambdaMs = profile.lambda.reduce((sum, f) => sum + f.totalMs, 0);
  const invocations = profile.lambda.reduce((sum, f) => sum + f.invocations, 0);
  const notes = [
    `${label}: ${requests} requests in ${(profile.wallMs / 1000).toFixed(1)} s. CPU: the Node process ${(profile.nodeCpuMs / 1000).toFixed(1)} s = ${cores(profile.nodeCpuMs).toFixed(2)} cores busy, ${perRequest(profile.nodeCpuMs).toFixed(1)} ms per request — its main thread (API Gateway, engine, DynamoDB front and IAM, SNS, stream pollers, the bench's clients) ${perRequest(profile.mainThreadCpuMs).toFixed(1)} ms, the Lambda worker threads and V8's helper threads ${perRequest(profile.nodeCpuMs - profile.mainThreadCpuMs).toFixed(1)} ms; DynamoDB Local (Java) ${(profile.javaCpuMs / 1000).toFixed(1)} s = ${cores(profile.javaCpuMs).toFixed(2)} cores, ${perRequest(profile.javaCpuMs).toFixed(1)} ms per request.`,
    `${label}: the machine (${cpus().length} cores) was busy ${cores(profile.machineBusyMs).toFixed(2)} cores on average, of which ${cores(profile.machineBusyMs - profile.nodeCpuMs - profile.javaCpuMs).toFixed(2)} cores were other processes than this bench's Node process and DynamoDB Local (load average ${loadavg()[0]!.toFixed(1)} at the end).`,
    `${label}: per request ${(dynamoDbCalls / requests).toFixed(1)} DynamoDB calls through the front taking ${perRequest(dynamoDbMs).toFixed(1)} ms of wall time in sum (${perRequest(interceptMs).toFixed(2)} ms of it in the interceptors, i.e. IAM evaluation), ${(invocations / requests).toFixed(1)} Lambda invocations taking ${perRequest(lambdaMs).toFixed(1)} ms in sum (they include their DynamoDB calls).`,
  ];
  const tables = [
    {
      title: `${label}: DynamoDB calls through the front, per request`,
      markdown: markdownTable(
        ['operation', 'calls', 'ms (sum of wall time)', 'of which interceptors (IAM) ms', 'ms per call'],
        profile.dynamoDb.map((o) => [o.operation, o.calls / requests, perRequest(o.totalMs), perRequest(o.interceptMs), o.totalMs / o.calls]),
      ),
    },
    {
      title: `${label}: Lambda invocations, per request`,
      markdown: markdownTable(
        ['function', 'invocations', 'ms (sum of wall time)', 'ms per invocation'],
        profile.lambda.map((f) => [f.functionName, f.invocations / requests, perRequest(f.totalMs), f.totalMs / f.invocations]),
      ),
    },
    {
      title: `${label}: workflow states, per request (entered → exited, wall time)`,
      markdown: markdownTable(
        ['state', 'entered', 'ms (sum)', 'ms per entry'],
        profile.states.slice(0, 15).map((s) => [s.state, s.entered / requests, perRequest(s.totalMs), s.totalMs / s.entered]),
      ),
    },
  ];
  return { tables, notes };
}
