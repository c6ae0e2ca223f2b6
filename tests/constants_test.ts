import assert from "node:assert";
import { GJ, MJ, RJ } from "../src/constants.ts";

Deno.test("constants: Jupiter's gravity is G·MJ/RJ² (CODATA 2014 G, ExoJAX's gJ)", () => {
  const G = 6.67408e-8; // cm³ g⁻¹ s⁻²
  const g = (G * MJ) / (RJ * RJ);
  assert.ok(Math.abs(g / GJ - 1) < 1e-14, `G·MJ/RJ² = ${g}, GJ = ${GJ}`);
});
