/** Entry point of the `koppel` command. */
import { storeLocation } from '../config.ts';
import { readLock } from '../store/index.ts';
import { runThroughServer } from './bridge.ts';
import { localRuntime } from './local.ts';
import { runProgram } from './program.ts';
import { processIo } from './runtime.ts';

function optionValue(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(name.length + 1) : argv[i + 1];
}

const argv = process.argv.slice(2);
const cwd = process.cwd();
const location = storeLocation(process.env, cwd, optionValue(argv, '--data-dir'));
const server = location.kind === 'embedded' && argv[0] !== 'serve' ? readLock(location.dataDir)?.server : undefined;
if (server) {
  process.exitCode = await runThroughServer(server, argv, cwd);
} else {
  const rt = localRuntime(processIo, cwd, process.env, location, argv.join(' '));
  process.exitCode = await runProgram(rt, argv);
  await rt.close();
}
