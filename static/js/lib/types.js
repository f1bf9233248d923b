// The shapes the figures share, as JSDoc only (nothing runs here). The Python TypedDicts in
// ecco_build/kinds/tokens.py are the contract; these follow them.

/**
 * A model token as the figures show it (ecco_build/kinds/tokens.py Token).
 * @typedef {object} Token
 * @property {number} id vocabulary index, ≥ 0
 * @property {string} text the exact text the token adds (possibly "")
 * @property {string} [display] its visible form, present only when it differs from text
 * @property {boolean} [space] layout flag: the token starts with a space
 * @property {boolean} [newline] layout flag: the token contains a newline
 * @property {boolean} [partial] layout flag: the token is an incomplete piece of text
 */

/**
 * A candidate token with its probability (ecco_build/kinds/tokens.py Candidate).
 * @typedef {Token & {p: number}} Candidate
 */

/**
 * A token an author asked to follow (ecco_build/kinds/tokens.py WatchedToken).
 * @typedef {Token & {asked: string}} WatchedToken
 */

export {};
