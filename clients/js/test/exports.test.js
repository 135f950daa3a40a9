import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as client from "../src/sente-client.js";

test("the hand-written declarations name exactly the module's runtime exports", async () => {
  const dts = await readFile(new URL("../src/sente-client.d.ts", import.meta.url), "utf8");
  const declared = [...dts.matchAll(/^export declare (?:const|class|function) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, Object.keys(client).sort());
});

test("the package manifest points at the module and its declarations", async () => {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
  assert.equal(pkg.name, "orleans-sente-client");
  assert.equal(pkg.type, "module");
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.exports["."].default, "./src/sente-client.js");
  assert.equal(pkg.exports["."].types, "./src/sente-client.d.ts");
});
