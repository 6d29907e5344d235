/**
 * ISO-8601 durations as the Cloud Admin API and the reference (java.time.Duration) read them:
 * `P[nD][T[nH][nM][n[.fff]S]]`, days counted as 24 hours; years, months and weeks have no fixed length and
 * are refused. Negative durations are refused too: every duration we take (retention, backoff) is a wait.
 */
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/** Milliseconds of an ISO-8601 duration, or null when the text is not one we accept (see above). */
export function isoDurationToMs(text: string): number | null {
  const match = ISO_DURATION.exec(text);
  if (!match) return null;
  const [, days, hours, minutes, seconds, fraction] = match;
  // "P" and "PT" alone match the pattern but name no duration; a dangling "T" ("P1DT") is not a duration either.
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) return null;
  if (/T$/i.test(text)) return null;
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Number(seconds ?? 0) * 1000 +
    Math.floor(Number(`0.${fraction ?? "0"}`) * 1000);
  return Number.isSafeInteger(ms) ? ms : null;
}
