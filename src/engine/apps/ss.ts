/**
 * `ss` (iproute2 6.1) for TCP: ss [-t] [-n] [-i] [-a | -l]. Lists this host's TCP sockets with
 * Recv-Q/Send-Q and, with -i, the kernel's tcp_info as ss prints it (cwnd, ssthresh, rtt/rttvar,
 * rto, retrans, pacing and delivery rates, BBR's model).
 */
import type { Command } from './registry.ts';
import { getopt } from './getopt.ts';
import type { TcpSocket } from '../stack/tcp/socket.ts';
import type { TcpState } from '../stack/tcp/types.ts';
import type { SsSocket, SsState, SsTcpInfo } from './ss-format.ts';
import { formatSs, ssAddress, ssSendBps } from './ss-format.ts';

const SS_STATE: Record<TcpState, SsState | undefined> = {
  CLOSED: undefined,
  LISTEN: 'LISTEN',
  'SYN-SENT': 'SYN-SENT',
  'SYN-RECEIVED': 'SYN-RECV',
  ESTABLISHED: 'ESTAB',
  'FIN-WAIT-1': 'FIN-WAIT-1',
  'FIN-WAIT-2': 'FIN-WAIT-2',
  'CLOSE-WAIT': 'CLOSE-WAIT',
  CLOSING: 'CLOSING',
  'LAST-ACK': 'LAST-ACK',
  'TIME-WAIT': 'TIME-WAIT',
};

/** tcp_info for one connection, in the units ss prints (ms, segments, bits/s). */
export function tcpInfo(s: TcpSocket): SsTcpInfo {
  const now = s.now;
  const mss = s.mss;
  const cc = s.cc;
  const rttUs = Math.round(s.rtt.srtt / 1e3);
  const info: SsTcpInfo = {
    ccName: cc.name,
    // The kernel keeps the RTO in jiffies: ss shows whole milliseconds.
    rtoMs: Math.round(s.rtt.rto / 1e6),
    rttMs: rttUs / 1e3,
    rttVarMs: Math.round(s.rtt.rttvar / 1e3) / 1e3,
    atoMs: s.opts.delayedAckNs / 1e6,
    mss,
    pmtu: s.advMss + (s.remote.v6 ? 60 : 40),
    rcvmss: Math.min(s.peerMss, s.advMss),
    advmss: s.advMss,
    cwnd: Math.max(1, Math.round(s.cwnd / mss)),
    bytesSent: s.bytesSent,
    bytesAcked: s.bytesAcked,
    bytesReceived: s.bytesReceived,
    segsOut: s.segsOut,
    segsIn: s.segsIn,
    dataSegsOut: s.dataSegsOut,
    dataSegsIn: s.dataSegsIn,
    sendBps: ssSendBps(Math.round(s.cwnd / mss), mss, rttUs),
    lastsndMs: Math.floor((now - s.lastSnd) / 1e6),
    lastrcvMs: Math.floor((now - s.lastRcv) / 1e6),
    lastackMs: Math.floor((now - s.lastAck) / 1e6),
    delivered: Math.round(s.rate.delivered / mss),
    appLimited: s.rate.appLimited,
    retrans: Math.round(s.retransOutBytes / mss),
    retransTotal: s.retransTotal,
    lost: Math.round(s.lostBytes / mss),
    sacked: Math.round(s.sackedBytes / mss),
    rcvSpace: s.opts.rcvbuf,
    minRttMs: Number.isFinite(s.rtt.minRtt) ? Math.round(s.rtt.minRtt / 1e3) / 1e3 : 0,
    sndWnd: s.sndWnd,
  };
  if (s.sndWscale || s.rcvWscale) info.wscale = { snd: s.sndWscale, rcv: s.rcvWscale };
  if (Number.isFinite(cc.ssthresh) && cc.ssthresh / mss < 0xffff) info.ssthresh = Math.round(cc.ssthresh / mss);
  if (cc.pacingRate > 0) info.pacingRateBps = Math.round(cc.pacingRate * 8);
  if (s.rtt.backoffs) info.backoff = s.rtt.backoffs;
  const bbr = cc as unknown as { btlBw?: number; minRttNs?: number; pacingGain?: number; cwndGain?: number };
  if (cc.name === 'bbr' && bbr.btlBw !== undefined) {
    info.bbrInfo = { bwBps: Math.round(bbr.btlBw * 8), mrttMs: Math.round((bbr.minRttNs ?? 0) / 1e3) / 1e3, pacingGain: bbr.pacingGain ?? 0, cwndGain: bbr.cwndGain ?? 0 };
  }
  return info;
}

export const ssCommand: Command = {
  name: 'ss',
  summary: 'show TCP sockets (iproute2 ss)',
  usage: 'ss [-t] [-n] [-i] [-a | -l] [-H]',
  run(ctx, args) {
    const g = getopt(args, 'tnialH');
    if (!g.ok) {
      ctx.print(g.error.kind === 'invalid' ? `ss: invalid option -- '${g.error.flag}'` : `ss: option requires an argument -- '${g.error.flag}'`);
      ctx.print('Usage: ss [ OPTIONS ]');
      return ctx.exit(1);
    }
    const f = new Set(g.value.opts.map((o) => o.flag));
    const tcp = ctx.host.tcp;
    const rows: SsSocket[] = [];
    if (f.has('a') || f.has('l')) {
      for (const l of tcp.listeners.values()) {
        rows.push({ state: 'LISTEN', recvQ: l.pending, sendQ: l.backlog, local: { address: '0.0.0.0', port: l.port }, peer: { address: '0.0.0.0', port: 0 } });
      }
    }
    if (!f.has('l')) {
      for (const s of tcp.connections()) {
        const state = SS_STATE[s.state];
        if (!state) continue;
        const row: SsSocket = {
          state,
          recvQ: s.rcvBuffered,
          sendQ: Math.max(0, s.sendBuf.length),
          local: { address: ssAddress(s.local.text), port: s.localPort },
          peer: { address: ssAddress(s.remote.text), port: s.remotePort },
        };
        if (f.has('i') && state !== 'TIME-WAIT') row.info = tcpInfo(s);
        rows.push(row);
      }
    }
    // ss dumps IPv4 sockets before IPv6 ones.
    rows.sort((a, b) => Number(a.local.address.startsWith('[')) - Number(b.local.address.startsWith('[')));
    for (const l of formatSs(rows, { info: f.has('i'), noHeader: f.has('H') })) ctx.print(l);
    ctx.exit(0);
  },
};
