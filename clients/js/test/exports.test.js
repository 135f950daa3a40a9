import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as client from "../src/sente-client.js";
import * as transit from "../src/transit.js";
import * as msgpack from "../src/msgpack.js";

/** The names a hand-written declaration file exports (overloads counted once). @param {string} file */
async function declared(file) {
  const dts = await readFile(new URL(`../src/${file}`, import.meta.url), "utf8");
  return [...new Set([...dts.matchAll(/^export declare (?:const|class|function) (\w+)/gm)].map((m) => m[1]))].sort();
}

test("the hand-written declarations name exactly the module's runtime exports", async () => {
  assert.deepEqual(await declared("sente-client.d.ts"), Object.keys(client).sort());
  assert.deepEqual(await declared("transit.d.ts"), Object.keys(transit).sort());
  assert.deepEqual(await declared("msgpack.d.ts"), Object.keys(msgpack).sort());
});

test("the package manifest points at the module, the packers' subpaths and their declarations", async () => {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
  assert.equal(pkg.name, "orleans-sente-client");
  assert.equal(pkg.type, "module");
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.exports["."].default, "./src/sente-client.js");
  assert.equal(pkg.exports["."].types, "./src/sente-client.d.ts");
  assert.deepEqual(pkg.exports["./transit"], { types: "./src/transit.d.ts", default: "./src/transit.js" });
  assert.deepEqual(pkg.exports["./msgpack"], { types: "./src/msgpack.d.ts", default: "./src/msgpack.js" });
  assert.deepEqual(pkg.files, ["src/"]);
  assert.equal(pkg.sideEffects, false);
});

test("the package resolves its packer subpaths by name", async () => {
  const byName = await import("orleans-sente-client/transit");
  assert.equal(byName.transitPacker, transit.transitPacker);
  assert.equal((await import("orleans-sente-client/msgpack")).msgpackPacker, msgpack.msgpackPacker);
});

test("the JSON client's modules do not import the Transit or MessagePack codecs", async () => {
  for (const file of ["sente-client.js", "protocol.js", "values.js"]) {
    const source = await readFile(new URL(`../src/${file}`, import.meta.url), "utf8");
    const imports = [...source.matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
    assert.ok(imports.every((m) => m === "./protocol.js" || m === "./values.js"), `${file} imports ${imports.join(", ")}`);
  }
});
