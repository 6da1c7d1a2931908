/** Characters that make a spreadsheet treat a cell as a formula (CSV injection, OWASP). */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One RFC 4180 field: a leading formula trigger is neutralised with an apostrophe (shown
 * as text by Excel, LibreOffice and Sheets), then the field is quoted when it contains a
 * comma, quote or line break, with quotes doubled.
 */
function csvField(value: string | number): string {
  let text = String(value);
  if (FORMULA_TRIGGER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A UTF-8 BOM (so Excel detects the encoding), then CRLF-terminated records. */
export function toCsv(header: string[], rows: Array<Array<string | number>>): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
