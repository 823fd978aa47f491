/**
 * Retransmission timeout per RFC 6298, with two profiles:
 *  - 'rfc6298': RTO = max(1 s, SRTT + max(G, 4·RTTVAR)) (§2.4 minimum of 1 second);
 *  - 'linux':   RTO = SRTT + max(4·RTTVAR, 200 ms) — Linux floors the variance term at
 *               tcp_rto_min (200 ms), which is why `ss` shows rto:204 on a LAN.
 * Before any sample RTO is 1 s (§2.1). Backoff doubles it up to the maximum (§5.5);
 * a new sample after backoff recomputes it (§5.7 keeps the backed-off value until then).
 */
export type RtoProfile = 'linux' | 'rfc6298';

const G_NS = 1e6; // clock granularity: 1 ms

export class RttEstimator {
  srtt = 0;
  rttvar = 0;
  minRtt = Infinity;
  latest = -1;
  rto: number;
  private hasSample = false;
  backoffs = 0;

  constructor(
    readonly profile: RtoProfile = 'linux',
    readonly maxRtoNs = 120e9,
    readonly initialRtoNs = 1e9,
  ) {
    this.rto = initialRtoNs;
  }

  get minRtoNs(): number {
    return this.profile === 'linux' ? 200e6 : 1e9;
  }

  /** RFC 6298 §2.2/§2.3 with α = 1/8, β = 1/4. Karn's rule is the caller's job. */
  sample(r: number): void {
    this.latest = r;
    if (r < this.minRtt) this.minRtt = r;
    if (!this.hasSample) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.hasSample = true;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.backoffs = 0;
    this.rto = this.compute();
  }

  private compute(): number {
    const rto = this.profile === 'linux' ? this.srtt + Math.max(4 * this.rttvar, 200e6) : Math.max(1e9, this.srtt + Math.max(G_NS, 4 * this.rttvar));
    return Math.round(Math.min(rto, this.maxRtoNs));
  }

  /** RFC 6298 §5.5: double the RTO on expiry ("back off the timer"). */
  backoff(): void {
    this.backoffs++;
    this.rto = Math.min(this.rto * 2, this.maxRtoNs);
  }

  get hasRtt(): boolean {
    return this.hasSample;
  }
}
