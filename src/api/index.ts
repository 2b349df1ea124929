export { buildApi, API_PREFIX, type ApiOptions } from './server.ts';
export { createToken, type Principal } from './tokens.ts';
