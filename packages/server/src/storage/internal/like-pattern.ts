/** The escape character of `containsPattern`; queries say `like ? escape '\'`. */
export const likeEscapeCharacter = "\\";

/** A LIKE pattern matching `text` anywhere, with `%`, `_` and `\` in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => likeEscapeCharacter + character)}%`;
}
