/** The SigV4-signing fetch of the local runtime (local/runtime/http/signed-fetch.ts), for tests of IAM-authorized routes. */
export { signedFetch, withoutHost, type Credentials } from '../../local/runtime/http/signed-fetch';
