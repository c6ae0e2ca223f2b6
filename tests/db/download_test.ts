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
