#!/usr/bin/env node
// Runs when `node-gyp rebuild` fails during npm install: the packet addon is optional for the
// package as a whole (only `lbctl arping` and `lbctl announce` load it), so npm install succeeds
// and this explains what is missing and how to get it.
process.stderr.write(
  [
    "",
    "lbctl: WARNING: the packet addon (build/Release/lbctl_packet.node) could not be built.",
    "lbctl: `lbctl arping` and `lbctl announce` will not work; every other command does.",
    "lbctl: It needs a C compiler, make, python3 and the Node headers (npm's `nodedir`, e.g.",
    "lbctl: `nodedir=/usr` in ~/.npmrc, or network access for node-gyp to fetch them).",
    "lbctl: Then run: npm run build:addon",
    "",
  ].join("\n"),
);
