/**
 * C0 and C1 control characters and DEL (Unicode's Cc): a terminal acts on them instead of showing
 * them. ESC starts sequences that retitle the window (`\e]0;…\a`) or clear the screen (`\e[2J`),
 * and NUL cuts a line short in many log viewers.
 */
const controlCharacters = /[^\P{Cc}\n\t\r]/gu;
const anyControlCharacter = /\p{Cc}/u;
/** Anything but blanks, control and format characters (zero-width spaces, joiners, BOM). */
const visibleCharacter = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
/** Invisible characters other than the plain space, spelled out when a message quotes a name. */
const invisibleCharacters = /[^\P{White_Space} ]|[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * `text` as it may reach a terminal: every control character but newline, tab and carriage return
 * written as an escape (`\x1b`, `\x00`, `\x9b`), so that a name, a path or a value read from a
 * file is shown rather than obeyed.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(controlCharacters, (character) => `\\x${character.codePointAt(0)!.toString(16).padStart(2, '0')}`);
}

/**
 * What is wrong with a name people read on terminals and pages (an experiment's), or undefined:
 * it must show something, and must not carry control characters.
 */
export function unprintableNameProblem(name: string): string | undefined {
  const shown = escapeControlCharacters(JSON.stringify(name)).replace(invisibleCharacters, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  if (anyControlCharacter.test(name)) return `expected a name without control characters (ESC, BEL, NUL, newline…), got ${shown}`;
  if (!visibleCharacter.test(name)) return `expected a name with at least one visible character, got ${shown}`;
  return undefined;
}
