import { onTestFinished, vi } from "vitest";

/** One parsed log line: the logger writes one JSON object per `console.log` call. */
export type LogEntry = Record<string, unknown> & { channel?: string; msg?: string };

/**
 * Captures every log line the worker writes during the current test (and silences them);
 * the console is restored when the test finishes, pass or fail.
 *
 * @example
 * const lines = captureLogs();
 * await api("/auth/login", …);
 * expect(lines.join("\n")).not.toContain(password);
 * expect(logEntries(lines, "security").map((entry) => entry.msg)).toContain("login.failed");
 */
export function captureLogs(): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  onTestFinished(() => spy.mockRestore());
  return lines;
}

/** The captured lines parsed, only those of `channel` when given. */
export function logEntries(lines: string[], channel?: string): LogEntry[] {
  const entries = lines.map((line) => JSON.parse(line) as LogEntry);
  return channel === undefined ? entries : entries.filter((entry) => entry.channel === channel);
}
