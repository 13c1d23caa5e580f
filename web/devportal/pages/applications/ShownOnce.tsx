// Shell lines shown beside a secret the server shows once; the dialog itself is shared.
export { ShownOnce } from '@shared/components/ShownOnce';

/** The shell line that gets a token with client credentials from our Key Manager. */
export function tokenCurl(
  consumerKey: string,
  consumerSecret: string,
  origin = window.location.origin,
): string {
  return `curl -u ${consumerKey}:${consumerSecret} -d grant_type=client_credentials ${origin}/oauth2/token`;
}

/** The shell line that calls an API through the gateway with a credential. */
export function apiCurl(url: string, credential: { kind: 'bearer' | 'apikey'; value: string }): string {
  const header =
    credential.kind === 'bearer'
      ? `Authorization: Bearer ${credential.value}`
      : `apikey: ${credential.value}`;
  return `curl -H "${header}" ${url}`;
}
