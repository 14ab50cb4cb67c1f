// Runs `node --test` on the test files under one folder, named one by one.
//
//   node run-tests.mjs FOLDER [node --test options...]
//
// Why not `node --test FOLDER/`: Node 20 searches a folder argument for test files, but Node 22
// and later read every argument as a file or glob, and fail with "Cannot find module" on a
// folder; a glob in turn is not expanded by Node 20. Named files work on every version.
// Test files are `*.test.mjs` at any depth (the harness's own modules are not tests), in name
// order. Finding none is a failure, never an empty pass.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const [folder, ...options] = process.argv.slice(2);
if (!folder || folder.startsWith("-")) {
  console.error("Usage: node run-tests.mjs FOLDER [node --test options...]");
  process.exit(2);
}

let files;
try {
  files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".test.mjs"))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => !file.split(/[\\/]/).includes("node_modules"))
    .sort();
} catch (error) {
  console.error(`Cannot read the test folder ${folder}: ${error.message}`);
  process.exit(1);
}
if (files.length === 0) {
  console.error(`No test files (*.test.mjs) under ${folder}.`);
  process.exit(1);
}
console.log(`${files.length} test files under ${folder}: ${files.map((f) => relative(folder, f)).join(", ")}`);

const run = spawnSync(process.execPath, ["--test", ...options, ...files], { stdio: "inherit" });
if (run.error) {
  console.error(`Could not start node --test: ${run.error.message}`);
  process.exit(1);
}
// A run ended by a signal has no status: that is a failure too.
process.exit(run.status ?? 1);
