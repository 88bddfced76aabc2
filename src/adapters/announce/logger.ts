// The announcer's logger: structured lines to stderr (never stdout: that is for data).
import { formatLogLine, type LogFields, type LogFormat, type LogLevel } from "../../core/announce/log-format.ts";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function makeLogger(out: { write(s: string): unknown }, format: LogFormat, level: LogLevel, now: () => number): Logger {
  const at = (lvl: LogLevel) => (msg: string, fields?: LogFields): void => {
    if (ORDER[lvl] >= ORDER[level]) out.write(formatLogLine(format, now(), lvl, msg, fields) + "\n");
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
