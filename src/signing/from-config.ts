import type { Logger } from '../log/logger';
import { newEd25519Key } from './generate';
import { loadSigningKeys, signingKey } from './keys';
import { createResultSigner, type ResultSigner } from './result-token';

/**
 * The result signer of a gateway: the `[signing]` key files, or, on the
 * embedded development defaults only, an ephemeral Ed25519 key made now (and
 * logged as such: its tokens stop verifying at the next start). No keys: undefined, no tokens.
 */
export async function resultSignerFrom(options: {
  /** `signing.key_files`. */
  files: readonly string[];
  /** `signing.token_ttl`. */
  ttlSeconds: number;
  /** `app.root_url`: the tokens' `iss`. */
  issuer: string;
  /** Running on the embedded development defaults. */
  embedded: boolean;
  logger: Logger;
}): Promise<ResultSigner | undefined> {
  const { files, ttlSeconds, issuer } = options;
  if (files.length > 0) return createResultSigner({ keys: await loadSigningKeys(files), issuer, ttlSeconds });
  if (!options.embedded) return undefined;
  const signer = createResultSigner({ keys: [await signingKey(newEd25519Key())], issuer, ttlSeconds });
  options.logger.warn(
    { kid: signer.kid },
    'signing: the embedded development defaults made an EPHEMERAL Ed25519 key to sign result tokens; they stop verifying when the gateway restarts. ' +
      'Configure [signing] key_files (otpgateway --new-config writes a key) to keep one.',
  );
  return signer;
}
