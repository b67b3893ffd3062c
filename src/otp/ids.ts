/** The rules for OTP ids and codes (api.md "Identifiers"), shared by the API and the pages. */

/** What an id may be: 6 to 128 characters of A-Z a-z 0-9 - _ . : @. */
export const ID_PATTERN = /^[A-Za-z0-9\-_.:@]{6,128}$/;
const ID = ID_PATTERN;

/** Longest code a caller may set or a user may type. */
export const MAX_CODE_LENGTH = 64;

/** True when `id` is 6-128 characters of A-Z a-z 0-9 - _ . : @. */
export function isValidId(id: string): boolean {
  return ID.test(id);
}
