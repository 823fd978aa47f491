import { CommandRegistry } from './registry.ts';
import { pingCommand } from './ping.ts';
import { tracerouteCommand } from './traceroute.ts';

/** The default command set, shared by the browser terminal and `stackscope exec`. */
export function defaultRegistry(): CommandRegistry {
  return new CommandRegistry().register(pingCommand).register(tracerouteCommand);
}
