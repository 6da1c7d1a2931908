// /status in words a person reads: local times with how long ago, shares with enough digits,
// durations, and the overall state the page leads with. Loaded before status.js.
window.devhubWords = (() => {
  // Times read in the viewer's own zone (uPlot's default too), 24-hour so labels keep one width.
  const clock = (ts, withSeconds) =>
    new Date(ts * 1000).toLocaleTimeString([], {
      hour: "2-digit",
      minute: "2-digit",
      ...(withSeconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
    });
  const hhmm = (ts) => clock(ts, false);
  const hhmmss = (ts) => clock(ts, true);
  /** "3 min ago"-style distance from now, for the moments the report names. */
  function ago(iso) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (seconds < 60) return `${seconds} s ago`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
    return `${Math.round(seconds / 86400)} days ago`;
  }
  /** A moment as the viewer's local date/time plus how long ago (or how long until) it is. */
  function when(iso) {
    const at = new Date(iso);
    const sameDay = at.toDateString() === new Date().toDateString();
    const local = sameDay ? hhmmss(at / 1000) : `${at.toLocaleDateString()} ${hhmmss(at / 1000)}`;
    const seconds = Math.round((at - Date.now()) / 1000);
    return seconds > 0 ? `${local} (in ${Math.ceil(seconds / 60)} min)` : `${local} (${ago(iso)})`;
  }
  /** A share as a percentage with enough digits to tell 0.04 % from nothing. */
  function percent(part, whole) {
    if (!whole || !part) return "0 %";
    const value = (part / whole) * 100;
    if (value < 0.01) return "< 0.01 %";
    return `${value < 1 ? value.toPrecision(2) : value.toFixed(1)} %`;
  }
  function duration(seconds) {
    if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
    const hours = Math.floor(seconds / 3600);
    if (hours < 48) return `${hours} h ${Math.round((seconds % 3600) / 60)} min`;
    return `${Math.floor(hours / 24)} days`;
  }

  /**
   * The headline: down when the database is (nothing but liveness works without it),
   * degraded when KV is down, GitHub calls are paused, or over 5 % of the last five minutes'
   * requests failed with a 5xx; otherwise normal.
   */
  function overallState(report) {
    if (!report.database.healthy) {
      const detail = "The database does not answer: notes, polls and accounts fail.";
      return { state: "down", title: "Service down", detail };
    }
    const problems = [];
    if (!report.cache.kv.healthy) problems.push("the KV cache does not answer");
    const recent = report.requests.rate_per_minute;
    if (recent > 0 && report.errors.rate_per_minute / recent > 0.05)
      problems.push(`${percent(report.errors.rate_per_minute, recent)} of recent requests failed`);
    if (report.github.rate_limit.blocked_until) problems.push("GitHub calls are paused (quota)");
    if (problems.length) {
      const detail = `${problems.join("; ")}.`.replace(/^./, (c) => c.toUpperCase());
      return { state: "degraded", title: "Partly degraded", detail };
    }
    const detail = "Database and cache answer; few or no server errors in the last 5 minutes.";
    return { state: "ok", title: "All systems normal", detail };
  }

  return { hhmm, hhmmss, when, percent, duration, overallState };
})();
