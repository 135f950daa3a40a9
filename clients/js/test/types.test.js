// Runs the type-level tests in test/types with the pinned TypeScript (a devDependency:
// `npm ci` in clients/js, which scripts/install.sh runs). A missing compiler fails, never skips.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

test("the declarations type an application's event map, and stay loose without one (tsc --strict)", () => {
  assert.ok(existsSync(tsc), `TypeScript is not installed: run npm ci in ${root}`);
  try {
    execFileSync(process.execPath, [tsc, "-p", "test/types"], { cwd: root, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc found errors:\n${e.stdout}${e.stderr}`);
  }
});
