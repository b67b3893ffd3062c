/**
 * Cut a code out of a text that is about to be logged. Upstream errors may echo
 * what they were sent (a webhook answering "invalid payload: {…otp…}", an SMTP
 * server quoting the message), and codes never go into a log line.
 */
export function redactCode(text: string, code: string): string {
  if (!code) return text;
  // The code also travels percent-encoded, in the otp_url link of the message.
  return text.split(code).join('[redacted]').split(encodeURIComponent(code)).join('[redacted]');
}
