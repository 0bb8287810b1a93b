/**
 * `tandem`, the command line for ops and integrators (bin/tandem.js runs it
 * through tsx). Every command works against the local runtime or a deployed
 * stage through the same AWS SDK calls; an API error, an unknown id or a
 * usage mistake is one readable line on stderr and a non-zero exit (1 for
 * what the stage answered, 2 for a usage mistake), never a stack trace.
 */
import { describeError } from '../ops-error';
import { connectStage, type StageConnection } from '../stage';
import { parseCommand, USAGE, UsageError } from './args';
import { runCommand, type CliIo } from './commands';

export async function main(argv: readonly string[], io: CliIo = processIo(), env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let stage: StageConnection | undefined;
  try {
    const command = parseCommand(argv, env);
    if (command.name === 'help') {
      io.out(USAGE);
      return 0;
    }
    stage = await connectStage(command.stage);
    await runCommand(command, stage, io);
    return 0;
  } catch (error) {
    io.err(`tandem: ${describeError(error)}`);
    if (error instanceof UsageError) {
      io.err('Run `tandem --help` for the commands and their options.');
      return 2;
    }
    return 1;
  } finally {
    stage?.destroy();
  }
}

/** The real terminal: stdout, stderr, stdin, and Ctrl-C ending `outbox --follow`. */
export function processIo(): CliIo {
  const stop = new AbortController();
  process.once('SIGINT', () => {
    stop.abort(); // `outbox --follow` ends and exits 0; anything else still busy a second later is cut off
    setTimeout(() => process.exit(130), 1000).unref();
  });
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    signal: stop.signal,
  };
}
