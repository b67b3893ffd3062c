import { requirePackagedText } from './assets';

/** The package version, read once from package.json (packaged in the single executable). */
export const VERSION: string = (JSON.parse(requirePackagedText('package.json')) as { version: string }).version;
