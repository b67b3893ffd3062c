import { newEd25519Key, privateKeyPem } from './generate';

/**
 * What `otpgateway --new-config` says about result tokens, on stderr (stdout is
 * the config, usually redirected to a file): a fresh Ed25519 key as PEM and the
 * lines that enable it. Printed, not written: the command has no file of its own
 * to write next to, and a container's working folder may not be writable or kept.
 */
export function newSigningKeyNote(): string {
  return [
    '# Signed result tokens (README "Proving the result to your backend"): a fresh Ed25519 key.',
    '# Save the PEM below as /etc/otpgateway/signing-ed25519.pem (chmod 600, readable by the gateway only)',
    '# and add to the config:',
    '#   [signing]',
    '#   key_files = ["/etc/otpgateway/signing-ed25519.pem"]',
    '#   token_ttl = 300',
    privateKeyPem(newEd25519Key()).trimEnd(),
    '',
  ].join('\n');
}
