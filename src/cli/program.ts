/** The `koppel` command: one program, run directly or through a server that owns the data folder. */
import { Command, CommanderError } from 'commander';
import { KoppelError } from '../errors.ts';
import { DataFolderBusy } from '../store/index.ts';
import { assetCommand, organisationCommand, registryCommand } from './commands/registry.ts';
import { batchesCommand, findingCommand, findingsCommand, formatsCommand, ingestCommand, observationsCommand, purgeCommand, sourceCommand } from './commands/intake.ts';
import { demoCommand } from './commands/demo.ts';
import { advisoriesCommand, inventoryCommand } from './commands/vulnerabilities.ts';
import { noticeCommand, noticesCommand, notifyCommand, organisationPolicyCommand, organisationWebhookCommand, reviewCommand, systemPolicyCommand } from './commands/notices.ts';
import { configCommand, serveCommand, tokenCommand } from './commands/system.ts';
import { printProblems } from './output.ts';
import type { Runtime } from './runtime.ts';

export function buildProgram(rt: Runtime): Command {
  const program = new Command('koppel')
    .description('Koppel couples threat information to the organisations it concerns, and warns them.')
    .option('--data-dir <dir>', 'data folder of the embedded store (KOPPEL_DATA_DIR, default ./koppel-data)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: rt.io.out, writeErr: rt.io.err });
  const organisations = organisationCommand(rt).addCommand(organisationPolicyCommand(rt)).addCommand(organisationWebhookCommand(rt));
  program.addCommand(organisations);
  for (const make of [
    assetCommand,
    inventoryCommand,
    registryCommand,
    sourceCommand,
    ingestCommand,
    formatsCommand,
    findingsCommand,
    findingCommand,
    advisoriesCommand,
    observationsCommand,
    batchesCommand,
    purgeCommand,
    notifyCommand,
    noticesCommand,
    noticeCommand,
    reviewCommand,
    systemPolicyCommand,
    serveCommand,
    demoCommand,
    tokenCommand,
    configCommand,
  ]) {
    program.addCommand(make(rt));
  }
  for (const command of allCommands(program)) command.exitOverride().configureOutput({ writeOut: rt.io.out, writeErr: rt.io.err });
  return program;
}

function* allCommands(command: Command): Generator<Command> {
  for (const sub of command.commands) {
    yield sub;
    yield* allCommands(sub);
  }
}

/** Runs one command line; returns the exit code instead of exiting, so a server can run it too. */
export async function runProgram(rt: Runtime, argv: string[]): Promise<number> {
  try {
    await buildProgram(rt).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof KoppelError) {
      rt.io.err(`koppel: ${error.message}\n`);
      if (error.problems.length > 1 || (error.problems.length === 1 && !error.message.includes(error.problems[0].reason))) printProblems(rt.io, error.problems);
      return 1;
    }
    if (error instanceof DataFolderBusy) {
      rt.io.err(`koppel: ${error.message}\n`);
      return 1;
    }
    rt.io.err(`koppel: ${(error as Error).message}\n`);
    if (rt.env.KOPPEL_LOG_LEVEL === 'debug') rt.io.err(`${(error as Error).stack}\n`);
    return 1;
  }
}
