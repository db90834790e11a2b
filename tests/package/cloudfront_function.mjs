// Runs a CloudFront Function on viewer-request events, the way CloudFront calls it.
//   echo '{"code": "function handler(event) {...}", "uris": ["/t/acme/"]}' | node cloudfront_function.mjs
// prints one result per uri: {"uri": <rewritten uri>}, {"status": 301, "location": ...},
// or {"status": 404} for an answer without a location. With "headers" in the input
// (name -> value) the requests carry them and each result has the headers sent on.
// Used by tests/integration/test_package.py on the function in infra/template.yaml.
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
// The function's source is ES5.1 for CloudFront's runtime; strict mode catches
// accidental globals, which that runtime does not allow either.
const handler = new Function(`'use strict';\n${input.code}\nreturn handler;`)();

const results = input.uris.map((uri) => {
  const event = {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '198.51.100.7' },
    request: {
      method: 'GET',
      uri,
      querystring: {},
      headers: Object.fromEntries(Object.entries(
        input.headers ?? { host: 'd111111abcdef8.cloudfront.net' }).map(([k, v]) => [k, { value: v }])),
      cookies: {},
    },
  };
  const out = handler(event);
  if (!out.statusCode && input.headers) {
    return { uri: out.uri, headers: Object.fromEntries(
      Object.entries(out.headers).map(([k, v]) => [k, v.value])) };
  }
  if (!out.statusCode) return { uri: out.uri };
  return out.headers.location
    ? { status: out.statusCode, location: out.headers.location.value }
    : { status: out.statusCode };
});
process.stdout.write(JSON.stringify(results));
