/** Quotes a word for a POSIX shell only when it needs it (a command a report or a plan prints, to be pasted). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
