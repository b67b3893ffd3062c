import { z } from 'zod';
import { seconds, textList } from '../config-fields';
import { keyFileProblem } from './keys';

/**
 * The `[signing]` table (results.md "Signing keys"): the PEM private keys of
 * result tokens (the first signs, all are published) and how long a token
 * lives. No table, or no key files: no tokens anywhere.
 */
export const signingSchema = z.preprocess(
  (v) => v ?? {},
  z
    .strictObject({
      key_files: textList([]),
      token_ttl: seconds(300, 10, 86400),
    })
    .superRefine((s, ctx) => {
      const files = Array.isArray(s.key_files) ? (s.key_files as unknown[]) : [];
      files.forEach((file, i) => {
        const problem = typeof file === 'string' ? keyFileProblem(file) : undefined;
        // The path names the key (signing.key_files.1), the message its file and what is wrong with it.
        if (problem) ctx.addIssue({ code: 'custom', path: ['key_files', i], message: problem });
      });
    }, { when: (): boolean => true }),
);
