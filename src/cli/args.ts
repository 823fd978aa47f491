/**
 * Tiny long-option parser for the stackscope CLI: "--name value" / "--name=value" / flags,
 * with a fixed list of allowed options per subcommand. Unknown options are errors.
 */
import { CliError } from './load.ts';

export interface ParsedCli {
  options: Map<string, string | true>;
  positional: string[];
  rest: string[];
}

export function parseCli(args: string[], valued: readonly string[], flags: readonly string[] = [], usage = ''): ParsedCli {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest = args.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (flags.includes(name)) {
        options.set(name, true);
        continue;
      }
      if (!valued.includes(name)) throw new CliError(`unknown option --${name}${usage ? `\nusage: ${usage}` : ''}`, 2);
      const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new CliError(`option --${name} needs a value${usage ? `\nusage: ${usage}` : ''}`, 2);
      options.set(name, value);
      continue;
    }
    positional.push(a);
  }
  return { options, positional, rest };
}
