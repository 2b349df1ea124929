/** `koppel serve`, `koppel token`, `koppel config`: running Koppel and giving access to it. */
import { Command, Option } from 'commander';
import { createToken } from '../../api/index.ts';
import { SETTINGS, setting, type Setting } from '../../config.ts';
import { printJson, printTable } from '../output.ts';
import { wholeNumberOption } from '../options.ts';
import type { Runtime } from '../runtime.ts';
import { serve } from '../serve.ts';

export function serveCommand(rt: Runtime): Command {
  return new Command('serve')
    .description('run the API and the continuous work (the main job)')
    .addOption(new Option('--port <port>', 'port to listen on').env('KOPPEL_PORT').default(setting(rt.env, 'KOPPEL_PORT')).argParser(wholeNumberOption))
    .addOption(new Option('--host <address>', 'address to listen on').env('KOPPEL_HOST').default(setting(rt.env, 'KOPPEL_HOST')))
    .action(async (o: { port: number; host: string }) => {
      await serve(rt, o);
    });
}

export function tokenCommand(rt: Runtime): Command {
  const token = new Command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token; it is shown once and stored only as a hash')
    .option('--analyst', "a token for the centre's analysts (all data)")
    .option('--org <ref>', "a token for one organisation's own data")
    .option('--label <label>', 'what the token is for')
    .action(async (o: { analyst?: boolean; org?: string; label?: string }) => {
      if (Boolean(o.analyst) === Boolean(o.org)) throw new Error('give exactly one of --analyst or --org <ref>');
      const { store } = await rt.context();
      const secret = await createToken(store.db, o.org ? { org: o.org } : { analyst: true }, o.label);
      rt.io.out(`${secret}\n`);
      rt.io.err('Keep this token: it cannot be shown again. Send it as `Authorization: Bearer <token>`.\n');
    });
  return token;
}

export function configCommand(rt: Runtime): Command {
  return new Command('config')
    .description('show the settings Koppel reads from the environment')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const rows = SETTINGS.map((s) => ({ name: s.name, value: rt.env[s.name] ? (s.name.includes('URL') ? '(set)' : rt.env[s.name]) : `(default) ${(s as Setting).default ?? ''}`, description: s.description }));
      if (o.json) printJson(rt.io, rows);
      else printTable(rt.io, rows, ['name', 'value', 'description']);
    });
}
