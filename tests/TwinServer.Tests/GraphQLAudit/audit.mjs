// The graphql-http GraphQL-over-HTTP conformance audit, run against one URL:
//
//   TWIN_API_KEY=twin_... node audit.mjs http://127.0.0.1:5080/graphql
//
// Prints one JSON line per audit: {"id","name","level","status","reason","httpStatus"}, where level is MUST, SHOULD
// or MAY and status is graphql-http's own: ok, error (a MUST failed), warn (a SHOULD failed), notice (a MAY failed).
// Exits 1 when a MUST audit fails, 2 when the audit could not run (no URL, server unreachable); 0 otherwise.
// GraphQLOverHttpAuditTests starts the server on a loopback port and runs this.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL   (e.g. http://127.0.0.1:5080/graphql)');
  process.exit(2);
}

// One audit at a time: the results do not depend on the order, and a small machine stays responsive.
let mustFailed = false;
// GraphQL answers only callers it knows: every request carries the key in TWIN_API_KEY, as a city system's would.
const key = process.env.TWIN_API_KEY;
const keyedFetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  if (key) headers.set('X-Api-Key', key);
  return fetch(input, { ...init, headers });
};
for (const { id, name, fn } of serverAudits({ url, fetchFn: keyedFetch })) {
  const level = name.split(' ', 1)[0];
  let result;
  try {
    result = await fn();
  } catch (e) {
    // graphql-http throws only when the audit itself could not run (connection refused, a body that is not JSON).
    console.log(JSON.stringify({ id, name, level, status: 'fatal', reason: String(e?.cause ?? e) }));
    process.exit(2);
  }
  const line = { id, name, level, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    line.httpStatus = result.response?.status;
  }
  console.log(JSON.stringify(line));
  if (result.status === 'error') mustFailed = true;
}
process.exit(mustFailed ? 1 : 0);
