// Test helpers for tests/sop (not published).
/**
 * ESLOG grid as ExoJAX wavenumber_grid(x0, x1, n, unit="AA"): log-spaced wavelengths
 * [Å] → ν = 1e8/λ, ascending in ν.
 */
export function eslogGridAA(x0: number, x1: number, n: number): Float64Array {
  const a = Math.log10(x0);
  const b = Math.log10(x1);
  const nu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wav = 10 ** (a + (b - a) * i / (n - 1));
    nu[n - 1 - i] = 1e8 / wav;
  }
  return nu;
}

/** Reads a JSON fixture from tests/fixtures. */
export async function readFixture<T>(name: string): Promise<T> {
  return JSON.parse(
    await Deno.readTextFile(new URL(`../fixtures/${name}`, import.meta.url)),
  ) as T;
}

/** max |a − b| / max |b|. */
export function maxAbsErrScaled(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number {
  if (a.length !== b.length) {
    throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  }
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m / (scale || 1);
}
