import { redact } from "./redact.ts";

export const LOG_CHANNELS = ["access", "audit", "error", "security", "system", "admin", "event"] as const;
export type LogChannel = (typeof LOG_CHANNELS)[number];

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerSettings {
  /** Minimum level for every channel not named in `channelLevels`. */
  level: LogLevel;
  /** Per-channel minimum, e.g. `{ access: "warn" }`; channels set to "off" are muted. */
  channelLevels: Partial<Record<LogChannel, LogLevel | "off">>;
}

export type LogFields = Record<string, unknown>;

/** Writes one line; swapped in tests to capture output. */
export type LogSink = (line: string) => void;

const rank = (level: LogLevel) => LOG_LEVELS.indexOf(level);

/**
 * One JSON line per event on stdout: the format `wrangler dev`, Workers Logs and
 * Logpush all ingest without parsing rules.
 *
 * @example log.info("audit", "note.created", { note_id })
 */
export class Logger {
  private readonly settings: LoggerSettings;
  private readonly base: LogFields;
  private readonly sink: LogSink;

  constructor(settings: LoggerSettings, base: LogFields = {}, sink: LogSink = console.log) {
    this.settings = settings;
    this.base = base;
    this.sink = sink;
  }

  /** A logger that stamps every line with extra fields, e.g. the request id. */
  child(fields: LogFields): Logger {
    return new Logger(this.settings, { ...this.base, ...fields }, this.sink);
  }

  enabled(channel: LogChannel, level: LogLevel): boolean {
    const threshold = this.settings.channelLevels[channel] ?? this.settings.level;
    return threshold !== "off" && rank(level) >= rank(threshold);
  }

  log(level: LogLevel, channel: LogChannel, msg: string, fields: LogFields = {}): void {
    if (!this.enabled(channel, level)) return;
    const line = {
      ts: new Date().toISOString(),
      level,
      channel,
      msg,
      ...(redact({ ...this.base, ...fields }) as LogFields),
    };
    // JSON allows raw U+2028/U+2029, but line-oriented log readers split on them.
    this.sink(
      JSON.stringify(line).replace(/[\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`),
    );
  }

  debug(channel: LogChannel, msg: string, fields?: LogFields) {
    this.log("debug", channel, msg, fields);
  }
  info(channel: LogChannel, msg: string, fields?: LogFields) {
    this.log("info", channel, msg, fields);
  }
  warn(channel: LogChannel, msg: string, fields?: LogFields) {
    this.log("warn", channel, msg, fields);
  }
  error(channel: LogChannel, msg: string, fields?: LogFields) {
    this.log("error", channel, msg, fields);
  }
}

function isLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Parses `LOG_LEVEL` ("info") and `LOG_CHANNELS` ("access=warn,audit=debug,event=off").
 * Unknown names are ignored rather than failing the worker at start-up.
 */
export function parseLoggerSettings(level: unknown, channels: unknown, fallback: LogLevel): LoggerSettings {
  const base = String(level ?? "").toLowerCase();
  const settings: LoggerSettings = { level: isLevel(base) ? base : fallback, channelLevels: {} };
  for (const pair of String(channels ?? "").split(",")) {
    const [name, value] = pair.split("=").map((part) => part?.trim().toLowerCase());
    if (!name || !value || !(LOG_CHANNELS as readonly string[]).includes(name)) continue;
    if (value === "off" || isLevel(value)) settings.channelLevels[name as LogChannel] = value;
  }
  return settings;
}
