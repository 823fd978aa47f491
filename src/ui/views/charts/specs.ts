/**
 * What each chart plots (pure): which series, in which units, styles and colours. Colours are
 * Okabe-Ito; every series also differs by dash or shape, and the legend names it.
 */
import { OKABE_ITO, DROP_COLOUR } from '../../theme/palette.ts';
import type { MarkerSpec, SeriesSpec } from './model.ts';
import type { FlowSeries, LinkSeries } from './series.ts';
import { rateSeries } from './series.ts';
import type { TraceBuffer } from '../../trace/trace-buffer.ts';

export type WindowUnits = 'bytes' | 'packets';

export interface ChartSpec {
  readonly id: 'cwnd' | 'rtt' | 'inflight' | 'throughput' | 'queue';
  /** Accessible name of the chart (e2e tests target it). */
  readonly label: string;
  readonly title: string;
  readonly yLabel: string;
  readonly series: SeriesSpec[];
  readonly markers: MarkerSpec[];
  readonly limit: { v: number; label: string } | null;
}

/** Default segment size when a flow has not sent data yet (Ethernet, IPv4, TCP timestamps). */
export const DEFAULT_MSS = 1448;

function windowScale(fs: FlowSeries, units: WindowUnits): number {
  return units === 'bytes' ? 1 : 1 / (fs.mss || DEFAULT_MSS);
}

export function cwndChart(fs: FlowSeries, units: WindowUnits): ChartSpec {
  const scale = windowScale(fs, units);
  return {
    id: 'cwnd',
    label: 'cwnd chart',
    title: 'Congestion window and slow-start threshold',
    yLabel: units === 'bytes' ? 'bytes' : 'packets (MSS)',
    series: [
      { id: 'cwnd', label: 'cwnd', colour: OKABE_ITO.blue, dash: '', style: 'step', data: fs.cwnd, scale },
      { id: 'ssthresh', label: 'ssthresh', colour: OKABE_ITO.vermillion, dash: '6 3', style: 'step', data: fs.ssthresh, scale },
    ],
    markers: [{ id: 'retransmits', label: 'retransmissions', colour: DROP_COLOUR, shape: 'triangle', data: fs.retransmits, scale }],
    limit: null,
  };
}

export function rttChart(fs: FlowSeries): ChartSpec {
  return {
    id: 'rtt',
    label: 'RTT chart',
    title: 'Round-trip time: samples and smoothed RTT',
    yLabel: 'ms',
    series: [
      { id: 'sample', label: 'RTT sample', colour: OKABE_ITO.sky, dash: '', style: 'dots', data: fs.rttSample, scale: 1e-6 },
      { id: 'srtt', label: 'SRTT', colour: OKABE_ITO.blue, dash: '', style: 'line', data: fs.srtt, scale: 1e-6 },
    ],
    markers: [],
    limit: null,
  };
}

export function inflightChart(fs: FlowSeries, units: WindowUnits): ChartSpec {
  const scale = windowScale(fs, units);
  return {
    id: 'inflight',
    label: 'Bytes in flight chart',
    title: 'Bytes in flight',
    yLabel: units === 'bytes' ? 'bytes' : 'packets (MSS)',
    series: [
      { id: 'inflight', label: 'in flight', colour: OKABE_ITO.green, dash: '', style: 'step', data: fs.inflight, scale },
      { id: 'cwnd', label: 'cwnd', colour: OKABE_ITO.blue, dash: '2 3', style: 'step', data: fs.cwnd, scale },
    ],
    markers: [],
    limit: null,
  };
}

/** Throughput per `binNs` (100 ms by default): goodput at the receiver, or the send rate if the receiver is unknown. */
export function throughputChart(fs: FlowSeries, trace: Pick<TraceBuffer, 'upperBound' | 'length' | 'timeAt'>, binNs = 100e6): ChartSpec & { source: 'goodput' | 'send rate' } {
  const useRx = fs.received.length > 0;
  const rate = rateSeries(useRx ? fs.received : fs.sent, binNs, trace);
  const label = useRx ? 'goodput at the receiver' : 'send rate (receiver not seen)';
  return {
    id: 'throughput',
    label: 'Throughput chart',
    title: `Throughput per ${binNs / 1e6} ms`,
    yLabel: 'Mbit/s',
    series: [{ id: 'rate', label, colour: OKABE_ITO.orange, dash: '', style: 'step', data: rate, scale: 1e-6 }],
    markers: [],
    limit: null,
    source: useRx ? 'goodput' : 'send rate',
  };
}

const DIRECTION_STYLE = [
  { colour: OKABE_ITO.purple, dash: '' },
  { colour: OKABE_ITO.blue, dash: '5 3' },
] as const;

export function queueChart(ls: LinkSeries, directionName: (iface: number, node: number) => string, queueLimit: number | null): ChartSpec {
  return {
    id: 'queue',
    label: 'Queue length chart',
    title: 'Queue length (packets)',
    yLabel: 'packets',
    series: ls.directions.map((d, k) => ({
      id: `q${d.iface}`,
      label: `queue ${directionName(d.iface, d.node)}`,
      colour: DIRECTION_STYLE[k % 2]!.colour,
      dash: DIRECTION_STYLE[k % 2]!.dash,
      style: 'step' as const,
      data: d.length,
      scale: 1,
    })),
    markers: ls.directions.map((d) => ({ id: `drop${d.iface}`, label: `drops at ${directionName(d.iface, d.node)}`, colour: DROP_COLOUR, shape: 'cross' as const, data: d.drops, scale: 1 })),
    limit: queueLimit !== null && queueLimit > 0 ? { v: queueLimit, label: `limit ${queueLimit}` } : null,
  };
}
