/**
 * Masking of destinations on the pages: enough for the user to recognise the
 * address ("j***@example.com", "+91******3210"), too little for someone who
 * only holds the page URL to learn it.
 */

/** Mask an e-mail address, a phone number or any other address for display. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at > 0) return `${address.slice(0, 1)}***${address.slice(at)}`;
  if (/^\+\d{8,}$/.test(address)) {
    // Country code (up to 2 digits after "+") and the last 4 digits stay visible.
    return `${address.slice(0, 3)}${'*'.repeat(address.length - 7)}${address.slice(-4)}`;
  }
  if (address.length <= 4) return '*'.repeat(address.length);
  const visible = Math.min(4, Math.floor(address.length / 3));
  return `${'*'.repeat(address.length - visible)}${address.slice(-visible)}`;
}
