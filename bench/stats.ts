// Rounds of a measurement and its baseline, taken in turns, summarised by median and spread.
// Interleaving matters on a shared two-core box: load from elsewhere drifts over seconds, and
// a figure measured minutes after its baseline would carry that drift into the ratio.

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median: how far apart the rounds were; above ~0.15 the figure is shaky. */
  spread: number;
  samples: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const m = median(samples);
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return { median: m, min, max, spread: m === 0 ? 0 : (max - min) / m, samples: [...samples] };
}

export interface PairedRounds {
  measured: Summary;
  baseline: Summary;
  /** The median of the per-round ratios: each round's pair was taken minutes apart at most. */
  ratio: number;
}

/**
 * Runs `rounds` rounds of measurement and baseline, alternating which goes first, and
 * summarises both. Each function returns one sample (e.g. requests per second).
 */
export async function pairedRounds(
  rounds: number,
  measure: () => Promise<number>,
  baseline: () => Promise<number>,
): Promise<PairedRounds> {
  const measured: number[] = [];
  const base: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      measured.push(await measure());
      base.push(await baseline());
    } else {
      base.push(await baseline());
      measured.push(await measure());
    }
  }
  const ratios = measured.map((value, i) => value / base[i]!);
  return { measured: summarize(measured), baseline: summarize(base), ratio: median(ratios) };
}
