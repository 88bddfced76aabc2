// Start-up trace for LBCTL_TRACE_LAUNCH=1. bin/lbctl puts an array on globalThis and prints its
// marks (ms since process start) at exit; code deep in a command adds named marks so that the
// trace shows where the time of a short run goes (docs/arping.md). Without the launcher's array
// a mark costs one property read.
declare global {
  var __lbctlTraceMarks: [string, number][] | undefined;
}

export function traceMark(name: string): void {
  globalThis.__lbctlTraceMarks?.push([name, performance.now()]);
}
