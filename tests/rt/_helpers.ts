// Test helpers for tests/rt (not published).

/** Throws unless fn throws an instance of `cls` whose message contains `fragment`. */
export function assertThrows(
  fn: () => unknown,
  cls: new (...args: never[]) => Error,
  fragment = "",
): Error {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof cls)) {
    throw new Error(
      `expected ${cls.name} containing "${fragment}", got ${String(err)}`,
    );
  }
  if (!err.message.includes(fragment)) {
    throw new Error(`error message "${err.message}" lacks "${fragment}"`);
  }
  return err;
}

/** Throws unless a === b (Object.is, so -0/NaN aware). */
export function assertEquals(a: unknown, b: unknown, msg = ""): void {
  if (typeof a === "object" || typeof b === "object") {
    const sa = JSON.stringify(a), sb = JSON.stringify(b);
    if (sa !== sb) throw new Error(`${msg} expected ${sb}, got ${sa}`);
    return;
  }
  if (!Object.is(a, b)) {
    throw new Error(`${msg} expected ${String(b)}, got ${String(a)}`);
  }
}
