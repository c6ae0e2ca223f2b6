// Shared test helpers (not published).
import { fileURLToPath } from "node:url";
import nodeAssert from "node:assert";

/** Absolute path of ../shared/data relative to the project root. */
export const SHARED_DATA: string = fileURLToPath(
  new URL("../../shared/data", import.meta.url),
);

/** Throws unless |a - b| <= tol * max(|b|, floor). */
export function assertRelClose(
  a: number,
  b: number,
  tol: number,
  msg = "",
  floor = 0,
): void {
  const err = Math.abs(a - b);
  const scale = Math.max(Math.abs(b), floor);
  if (!(err <= tol * scale)) {
    throw new Error(
      `${msg} expected ${b}, got ${a} (rel err ${err / (scale || 1)} > ${tol})`,
    );
  }
}

/** Max relative error of arrays a vs reference b (elementwise, scale max(|b|, floor)). */
export function maxRelErr(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  floor = 0,
): number {
  if (a.length !== b.length) {
    throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  }
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor);
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : Math.max(m, e);
  }
  return m;
}

/** Asserts that fn throws an error whose message contains every fragment. */
export async function assertThrowsWith(
  fn: () => unknown,
  ...fragments: string[]
): Promise<Error> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof Error)) {
    throw new Error(`expected an error containing ${fragments.join(", ")}`);
  }
  for (const f of fragments) {
    if (!err.message.includes(f)) {
      throw new Error(`error message "${err.message}" lacks "${f}"`);
    }
  }
  return err;
}

/** Throws unless the condition holds. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Deep strict equality (node:assert's deepStrictEqual). */
export function assertEquals(
  actual: unknown,
  expected: unknown,
  msg?: string,
): void {
  nodeAssert.deepStrictEqual(actual, expected, msg);
}

/** Asserts that fn throws an instance of errorClass (and, if given, a message containing msgIncludes). */
export function assertThrows(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  errorClass?: new (...args: any[]) => Error,
  msgIncludes?: string,
): Error {
  try {
    fn();
  } catch (e) {
    if (errorClass && !(e instanceof errorClass)) {
      throw new Error(
        `expected ${errorClass.name}, got ${
          (e as Error)?.constructor?.name
        }: ${e}`,
      );
    }
    if (msgIncludes && !(e as Error).message.includes(msgIncludes)) {
      throw new Error(
        `error message "${(e as Error).message}" lacks "${msgIncludes}"`,
      );
    }
    return e as Error;
  }
  throw new Error("expected function to throw");
}

/**
 * Reads tests/fixtures/<name> as JSON, mapping the strings "NaN", "Infinity" and "-Infinity"
 * (how the Python generators write non-finite floats) to numbers.
 */
// deno-lint-ignore no-explicit-any
export function readJsonFixture(name: string): any {
  return JSON.parse(
    Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url)),
    (_k, v) =>
      v === "NaN"
        ? NaN
        : v === "Infinity"
        ? Infinity
        : v === "-Infinity"
        ? -Infinity
        : v,
  );
}
