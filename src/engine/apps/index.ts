import { CommandRegistry } from './registry.ts';
import { pingCommand } from './ping.ts';
import { tracerouteCommand } from './traceroute.ts';
import { iperf3Command } from './iperf3.ts';
import { ncCommand } from './nc.ts';
import { ssCommand } from './ss.ts';
import { reqrespCommand } from './reqresp.ts';
import { churnCommand } from './churn.ts';

/** The default command set, shared by the browser terminal and `stackscope exec`. */
export function defaultRegistry(): CommandRegistry {
  return new CommandRegistry().register(pingCommand).register(tracerouteCommand).register(iperf3Command).register(ncCommand).register(ssCommand).register(reqrespCommand).register(churnCommand);
}
