import { join } from "node:path";
import { assert, assertEquals, assertThrowsWith } from "../_util.ts";
import {
  downloadToFile,
  validateBz2,
  validateStartsWith,
} from "../../src/db/download.ts";
import { loadExomol } from "../../src/db/exomol.ts";
import { DownloadError } from "../../src/db/errors.ts";
import { SAMPLE_DIR, SAMPLE_STEM } from "./_dataset.ts";
import { rawServer, type ServeMode } from "./_fuzz.ts";

type Mode = { missing?: string[]; truncate?: string[] };

/** Serves the SAMPLE files under ExoMol's URL layout: /db/CO/12C-16O/SAMPLE/<file>, /db/CO/12C-16O/<iso>__<gas>.broad. */
async function withServer(
  mode: Mode,
  fn: (baseUrl: string, requests: string[]) => Promise<void>,
): Promise<void> {
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const m = path.match(/^\/db\/CO\/12C-16O\/(?:SAMPLE\/)?([^/]+)$/);
      const name = m?.[1];
      const isBroad = name !== undefined && /__(H2|He)\.broad$/.test(name);
      const underDataset = path.startsWith("/db/CO/12C-16O/SAMPLE/");
      if (
        name === undefined || isBroad === underDataset ||
        mode.missing?.includes(name)
      ) {
        return new Response("not found", { status: 404 });
      }
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = await Deno.readFile(join(SAMPLE_DIR, name));
      } catch {
        return new Response("not found", { status: 404 });
      }
      if (mode.truncate?.includes(name)) {
        bytes = bytes.subarray(
          0,
          Math.floor(bytes.length / 2),
        );
      }
      return new Response(bytes);
    },
  );
  const addr = server.addr as Deno.NetAddr;
  try {
    await fn(`http://127.0.0.1:${addr.port}/db`, requests);
  } finally {
    await server.shutdown();
  }
}

async function listDir(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

Deno.test("loadExomol() downloads missing files from the ExoMol URL layout into the cache, once", async () => {
  const root = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  const dir = join(root, "CO", "12C-16O", "SAMPLE");
  try {
    await withServer({}, async (baseUrl, requests) => {
      const db = await loadExomol(dir, { download: { baseUrl } });
      assertEquals(requests, [
        `/db/CO/12C-16O/SAMPLE/${SAMPLE_STEM}.def`,
        `/db/CO/12C-16O/SAMPLE/${SAMPLE_STEM}.pf`,
        `/db/CO/12C-16O/SAMPLE/${SAMPLE_STEM}.states.bz2`,
        `/db/CO/12C-16O/SAMPLE/${SAMPLE_STEM}.trans.bz2`,
        "/db/CO/12C-16O/12C-16O__H2.broad",
      ]);
      assertEquals(await listDir(dir), [
        "12C-16O__H2.broad",
        `${SAMPLE_STEM}.def`,
        `${SAMPLE_STEM}.pf`,
        `${SAMPLE_STEM}.states.bz2`,
        `${SAMPLE_STEM}.trans.bz2`,
      ]);
      const local = await loadExomol(SAMPLE_DIR);
      assertEquals(
        Array.from(db.lineStrengthRef),
        Array.from(local.lineStrengthRef),
      );
      assertEquals(Array.from(db.alphaRef), Array.from(local.alphaRef));
      // Cached: a second load makes no request.
      requests.length = 0;
      await loadExomol(dir, { download: { baseUrl } });
      assertEquals(requests, []);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadExomol() download: a 404 names the URL and leaves nothing behind", async () => {
  const root = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  const dir = join(root, "CO", "12C-16O", "SAMPLE");
  try {
    await withServer({ missing: [`${SAMPLE_STEM}.pf`] }, async (baseUrl) => {
      const e = await assertThrowsWith(
        () => loadExomol(dir, { download: { baseUrl } }),
        `${baseUrl}/CO/12C-16O/SAMPLE/${SAMPLE_STEM}.pf`,
        "HTTP 404",
      );
      assert(e instanceof DownloadError && e.status === 404);
      assertEquals(await listDir(dir), [`${SAMPLE_STEM}.def`]);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadExomol() download: a truncated .bz2 response is rejected, naming the URL, nothing left", async () => {
  const root = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  const dir = join(root, "CO", "12C-16O", "SAMPLE");
  try {
    await withServer(
      { truncate: [`${SAMPLE_STEM}.states.bz2`] },
      async (baseUrl) => {
        const e = await assertThrowsWith(
          () => loadExomol(dir, { download: { baseUrl } }),
          `${baseUrl}/CO/12C-16O/SAMPLE/${SAMPLE_STEM}.states.bz2`,
          "invalid content",
          "truncated or corrupt bzip2",
        );
        assert(e instanceof DownloadError);
        assertEquals(await listDir(dir), [
          `${SAMPLE_STEM}.def`,
          `${SAMPLE_STEM}.pf`,
        ]);
      },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadExomol() download: a .broad missing on the server (404) falls back to default broadening", async () => {
  const root = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  const dir = join(root, "CO", "12C-16O", "SAMPLE");
  try {
    await withServer({ missing: ["12C-16O__He.broad"] }, async (baseUrl) => {
      const db = await loadExomol(dir, {
        download: { baseUrl },
        broadener: "He",
      });
      assertEquals(db.broadFile, null);
      assert(db.alphaRef.every((a) => a === 0.07), "default alpha");
      assert(
        !(await listDir(dir)).includes("12C-16O__He.broad"),
        "no broad file written",
      );
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("downloadToFile() validates content, rejects empty bodies and writes atomically", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  const serve = (body: string, status = 200) =>
    (() => Promise.resolve(new Response(body, { status }))) as typeof fetch;
  try {
    const dest = join(dir, "a", "x.def");
    await assertThrowsWith(
      () =>
        downloadToFile("http://h/x.def", dest, {
          fetch: serve("<html>"),
          validate: validateStartsWith("EXOMOL.def"),
        }),
      "http://h/x.def",
      'does not start with "EXOMOL.def"',
    );
    await assertThrowsWith(
      () => downloadToFile("http://h/x.def", dest, { fetch: serve("") }),
      "http://h/x.def",
      "empty",
    );
    await assertThrowsWith(
      () =>
        downloadToFile("http://h/x.bz2", dest, {
          fetch: serve("plain text"),
          validate: validateBz2,
        }),
      "BZh",
    );
    await assertThrowsWith(
      () =>
        downloadToFile("http://h/x.def", dest, { fetch: serve("oops", 500) }),
      "HTTP 500",
    );
    await assertThrowsWith(
      () =>
        downloadToFile("http://h/x.def", dest, {
          fetch: (() =>
            Promise.reject(
              new TypeError("connection refused"),
            )) as typeof fetch,
        }),
      "http://h/x.def",
      "network error",
    );
    assertEquals(await listDir(join(dir, "a")), []);
    await downloadToFile("http://h/x.def", dest, {
      fetch: serve("EXOMOL.def # ID\n"),
      validate: validateStartsWith("EXOMOL.def"),
    });
    assertEquals(await listDir(join(dir, "a")), ["x.def"]);
    assertEquals(await Deno.readTextFile(dest), "EXOMOL.def # ID\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- Regressions found by tests/db/fuzz_test.ts (issue 12, part 3) ----

/** Runs fn against a raw HTTP server that answers every request with `mode` and `body`. */
async function withRawServer(
  mode: ServeMode,
  body: Uint8Array,
  fn: (baseUrl: string) => Promise<void>,
): Promise<void> {
  const server = rawServer(() => ({ mode, body }));
  try {
    await fn(server.baseUrl);
  } finally {
    await server.close();
  }
}

Deno.test("downloadToFile() gives up on a stalled body after idleTimeoutMs (it used to wait forever)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  try {
    const body = await Deno.readFile(
      join(SAMPLE_DIR, `${SAMPLE_STEM}.trans.bz2`),
    );
    await withRawServer("stall", body, async (baseUrl) => {
      const t0 = performance.now();
      const e = await assertThrowsWith(
        () =>
          downloadToFile(`${baseUrl}/t.bz2`, join(dir, "t.bz2"), {
            idleTimeoutMs: 200,
          }),
        `${baseUrl}/t.bz2`,
        "no data for 200 ms",
      );
      assert(e instanceof DownloadError);
      const ms = performance.now() - t0;
      assert(ms < 1200, `gave up after ${ms} ms (server stalls 1500 ms)`);
    });
    await withRawServer("slow-ok", body, async (baseUrl) => {
      // Data arriving every few ms keeps re-arming the idle timer.
      await downloadToFile(`${baseUrl}/t.bz2`, join(dir, "t.bz2"), {
        idleTimeoutMs: 200,
        validate: validateBz2,
      });
    });
    assertEquals(await listDir(dir), ["t.bz2"]);
    await assertThrowsWith(
      () => downloadToFile("http://h/x", join(dir, "x"), { idleTimeoutMs: 0 }),
      "idleTimeoutMs must be positive",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downloadToFile() rejects a body cut short of its Content-Length or by a broken chunked stream", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  try {
    const body = new TextEncoder().encode("EXOMOL.def # ID\n".repeat(100));
    for (const mode of ["truncated-length", "chunked-abort"] as const) {
      await withRawServer(mode, body, async (baseUrl) => {
        const e = await assertThrowsWith(
          () => downloadToFile(`${baseUrl}/x.def`, join(dir, "x.def")),
          `${baseUrl}/x.def`,
        );
        assert(e instanceof DownloadError, e.message);
      });
    }
    assertEquals(await listDir(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadExomol() download: a truncated .pf/.def/.broad or an HTML .broad is not cached (they used to be)", async () => {
  const cases: [string, ServeMode, string][] = [
    // Half the .pf ends on a line boundary: caught by the .def's maximum temperature.
    [`${SAMPLE_STEM}.pf`, "truncated-close", "the table ends at 4500 K"],
    [`${SAMPLE_STEM}.def`, "truncated-close", "does not end with a newline"],
    ["12C-16O__H2.broad", "truncated-close", "does not end with a newline"],
    ["12C-16O__H2.broad", "html", "is not a broadening code"],
  ];
  for (const [name, mode, why] of cases) {
    const root = await Deno.makeTempDir({ prefix: "exospec_dl_" });
    const dir = join(root, "CO", "12C-16O", "SAMPLE");
    await Deno.mkdir(dir, { recursive: true });
    for (
      const f of [
        `${SAMPLE_STEM}.def`,
        `${SAMPLE_STEM}.pf`,
        `${SAMPLE_STEM}.states.bz2`,
        `${SAMPLE_STEM}.trans.bz2`,
        "12C-16O__H2.broad",
      ]
    ) {
      if (f !== name) {
        await Deno.writeFile(
          join(dir, f),
          await Deno.readFile(join(SAMPLE_DIR, f)),
        );
      }
    }
    const body = mode === "html"
      ? new TextEncoder().encode(
        "<html><body>Service unavailable</body></html>\n",
      )
      : await Deno.readFile(join(SAMPLE_DIR, name));
    try {
      await withRawServer(mode, body, async (baseUrl) => {
        const e = await assertThrowsWith(
          () => loadExomol(dir, { download: { baseUrl } }),
          name,
          "invalid content",
          why,
        );
        assert(e instanceof DownloadError, e.message);
      });
      assert(!(await listDir(dir)).includes(name), `${name} was cached`);
      assertEquals((await listDir(dir)).length, 4);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }
});

Deno.test("loadExomol() download: a .pf ending before the .def's maximum temperature is refused", async () => {
  const root = await Deno.makeTempDir({ prefix: "exospec_dl_" });
  const dir = join(root, "CO", "12C-16O", "SAMPLE");
  await Deno.mkdir(dir, { recursive: true });
  for (
    const f of [
      `${SAMPLE_STEM}.def`,
      `${SAMPLE_STEM}.states.bz2`,
      `${SAMPLE_STEM}.trans.bz2`,
    ]
  ) {
    await Deno.writeFile(
      join(dir, f),
      await Deno.readFile(join(SAMPLE_DIR, f)),
    );
  }
  // Cut at a line boundary and served as complete (right Content-Length).
  const pf = (await Deno.readTextFile(join(SAMPLE_DIR, `${SAMPLE_STEM}.pf`)))
    .split("\n").slice(0, 5000).join("\n") + "\n";
  try {
    await withRawServer("ok", new TextEncoder().encode(pf), async (baseUrl) => {
      await assertThrowsWith(
        () => loadExomol(dir, { download: { baseUrl } }),
        `${SAMPLE_STEM}.pf`,
        "the table ends at 5000 K but the .def declares 9000 K",
      );
    });
    assert(!(await listDir(dir)).includes(`${SAMPLE_STEM}.pf`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
