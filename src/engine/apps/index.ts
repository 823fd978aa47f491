import { CommandRegistry } from './registry.ts';
import { pingCommand } from './ping.ts';
import { tracerouteCommand } from './traceroute.ts';
import { iperf3Command } from './iperf3.ts';
import { ncCommand } from './nc.ts';
import { ssCommand } from './ss.ts';
import { reqrespCommand } from './reqresp.ts';
import { churnCommand } from './churn.ts';
import { tcpdumpCommand } from './tcpdump.ts';
import { ipCommand } from './ip.ts';
import { arpCommand } from './arp.ts';
import { digCommand } from './dig.ts';
import { hostCommand } from './host.ts';
import { nslookupCommand } from './nslookup.ts';
import { rndcCommand, zoneDelCommand, zoneSetCommand, zoneShowCommand } from './dnsctl.ts';

/** The default command set, shared by the browser terminal and `stackscope exec`. */
export function defaultRegistry(): CommandRegistry {
  return new CommandRegistry().register(pingCommand).register(tracerouteCommand).register(iperf3Command).register(ncCommand).register(ssCommand).register(reqrespCommand).register(churnCommand).register(digCommand).register(hostCommand).register(nslookupCommand).register(zoneSetCommand).register(zoneDelCommand).register(zoneShowCommand).register(rndcCommand).register(tcpdumpCommand).register(ipCommand).register(arpCommand);
}
