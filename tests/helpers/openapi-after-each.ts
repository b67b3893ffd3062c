import { takeOpenApiMismatches } from './openapi-check';

// Jest setup file (jest.config.js setupFilesAfterEnv): a test during which the gateway gave an `/api`
// answer that openapi.json does not describe fails, with what did not match.
afterEach(() => {
  const mismatches = takeOpenApiMismatches();
  if (mismatches.length > 0) throw new Error(`${mismatches.length} API answer(s) do not match openapi.json:\n${mismatches.join('\n')}`);
});
