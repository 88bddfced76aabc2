// A hostile server's endless body, bounded: `head`, then up to `mib` MiB of `fill`, then `tail`,
// honouring back-pressure and stopping as soon as the client hangs up.
import type { ServerResponse } from "node:http";

export function sendHugeBody(res: ServerResponse, o: { head: string; fill: number; mib: number; tail?: string }): void {
  const chunk = Buffer.alloc(1024 * 1024, o.fill);
  res.write(o.head);
  let sent = 0;
  const more = (): void => {
    while (sent < o.mib && !res.destroyed) {
      sent++;
      if (!res.write(chunk)) return void res.once("drain", more);
    }
    res.end(o.tail ?? "");
  };
  more();
}
