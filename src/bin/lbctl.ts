// The entry point as an ES module graph (dist/src/bin/lbctl.js): what bin/lbctl falls back to
// when the bundle cannot run (Node < 20.19, LBCTL_NO_BUNDLE=1). See docs/decisions.md.
import { main } from "./main.ts";

await main();
