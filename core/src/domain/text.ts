/**
 * C0 controls and DEL. PostgreSQL text cannot hold a NUL at all (the driver fails, the caller saw a 500), and the
 * others corrupt logs, exports and the status screens that show these values.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** Free text (user ids, extras, operation data, device info) may carry tabs and line breaks, nothing else below 0x20. */
const CONTROL_CHARACTER_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Whether a string carries a control character; `allowWhitespace` lets tab, LF and CR through (free text). */
export function hasControlCharacter(value: string, allowWhitespace = false): boolean {
  return (allowWhitespace ? CONTROL_CHARACTER_BUT_WHITESPACE : CONTROL_CHARACTER).test(value);
}
