/**
 * net-tools 2.10 `arp` output: the Linux-style table (`arp -n`, `arp -e`), the BSD style
 * (`arp -a`), the -v summary and the error texts. Checked against the real arp in a network
 * namespace (test/oracle/real-ip-tools.test.ts).
 */

export interface ArpRow {
  /** Host name (when resolved) or the IPv4 address text. */
  readonly name: string;
  readonly ip: string;
  /** Undefined while the entry is incomplete. */
  readonly mac?: string;
  readonly iface: string;
  readonly permanent?: boolean;
}

export const ARP_HEADER = 'Address                  HWtype  HWaddress           Flags Mask            Iface';

const col = (s: string, w: number): string => s.slice(0, w).padEnd(w);

/** One row of the Linux-style table (printf "%-23.23s  %-8.8s%-20.20s%-6.6s%-15.15s %s"). */
export function formatArpRow(r: ArpRow): string {
  const flags = r.mac !== undefined ? `C${r.permanent ? 'M' : ''}` : '';
  const hw = r.mac !== undefined ? `${col('ether', 8)}${col(r.mac, 20)}` : `${col('', 8)}${col('(incomplete)', 20)}`;
  return `${col(r.name, 23)}  ${hw}${col(flags, 6)}${col('', 15)} ${r.iface}`;
}

/** One BSD-style line: "? (10.0.0.2) at 02:00:00:02:01:00 [ether] on eth0". */
export function formatArpBsd(r: ArpRow, numeric: boolean): string {
  const name = numeric || r.name === r.ip ? '?' : r.name;
  const at = r.mac !== undefined ? `${r.mac} [ether] ` : '<incomplete> ';
  return `${name} (${r.ip}) at ${at}${r.permanent ? 'PERM ' : ''}on ${r.iface}`;
}

export function formatArpVerboseSummary(entries: number, found: number): string {
  return `Entries: ${entries}\tSkipped: ${entries - found}\tFound: ${found}`;
}

export const ARP_ERRORS = {
  noMatch: (entries: number): string => `arp: in ${entries} entries no match found.`,
  noEntry: (name: string, ip: string): string => `${name} (${ip}) -- no entry`,
  lookupFailure: (name: string): string => `${name}: Host name lookup failure`,
} as const;

export const ARP_USAGE = [
  'Usage:',
  '  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache',
  '  arp [-v]          [-i <if>] -d  <host> [pub]               <-Delete ARP entry',
  '  arp [-vnD] [<HW>] [-i <if>] -f  [<filename>]            <-Add entry from file',
  '  arp [-v]   [<HW>] [-i <if>] -s  <host> <hwaddr> [temp]            <-Add entry',
  "  arp [-v]   [<HW>] [-i <if>] -Ds <host> <if> [netmask <nm>] pub          <-''-",
  '',
  '        -a                       display (all) hosts in alternative (BSD) style',
  '        -e                       display (all) hosts in default (Linux) style',
  '        -s, --set                set a new ARP entry',
  '        -d, --delete             delete a specified entry',
  '        -v, --verbose            be verbose',
  "        -n, --numeric            don't resolve names",
  '        -i, --device             specify network interface (e.g. eth0)',
  '        -D, --use-device         read <hwaddr> from given device',
  '        -A, -p, --protocol       specify protocol family',
  '        -f, --file               read new entries from file or from /etc/ethers',
  '',
  "  <HW>=Use '-H <hw>' to specify hardware address type. Default: ether",
  '  List of possible hardware types (which support ARP):',
  '    ash (Ash) ether (Ethernet) ax25 (AMPR AX.25) ',
  '    netrom (AMPR NET/ROM) rose (AMPR ROSE) arcnet (ARCnet) ',
  '    dlci (Frame Relay DLCI) fddi (Fiber Distributed Data Interface) hippi (HIPPI) ',
  '    irda (IrLAP) x25 (generic X.25) eui64 (Generic EUI-64) ',
];
