/**
 * Cut a code out of a text that is about to be logged. Upstream errors may echo
 * what they were sent (a webhook answering "invalid payload: {…otp…}", an SMTP
 * server quoting the message), and codes never go into a log line. Every delivery
 * error reaches the log through OtpService, which applies this once for all providers.
 */
export function redactCode(text: string, code: string): string {
  if (!code) return text;
  // The code also travels percent-encoded, in the otp_url link of the message.
  return text.split(code).join('[code]').split(encodeURIComponent(code)).join('[code]');
}
